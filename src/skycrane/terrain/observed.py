"""Where hardware was found: observed positions from a GeoJSON file, for the site maps.

A user who mapped the hardware in orbital images (HiRISE found MSL's and
Mars 2020's heat shield, backshell and parachute, and descent-stage crash)
puts those points beside the simulation: a GeoJSON FeatureCollection (RFC 7946)
of ``Point`` features, coordinates ``[longitude_deg, latitude_deg]`` in the
mission planet's latitude convention, each with a ``name`` property (what was
found). Nothing else is read.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from skycrane.errors import InputError

KEY = "site.observed_positions_file"
MAX_BYTES = 10_000_000
"""Largest file read [bytes]: a list of points, not a map."""


@dataclass(frozen=True, slots=True)
class ObservedPosition:
    """One piece of hardware as found: its name and where."""

    name: str
    latitude_deg: float
    longitude_deg: float


def read_observed(path: Path) -> tuple[ObservedPosition, ...]:
    """The named points of the GeoJSON at ``path``.

    Raises
    ------
    InputError
        At ``site.observed_positions_file``: no such file, not GeoJSON, or a
        feature that is not a named point with finite coordinates.
    """
    if not path.is_file():
        raise InputError(KEY, str(path), "an existing GeoJSON file")
    if path.stat().st_size > MAX_BYTES:
        raise InputError(KEY, str(path), f"a GeoJSON file of at most {MAX_BYTES} bytes")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(KEY, str(path), f"a GeoJSON file ({exc})") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise InputError(KEY, str(path), "a GeoJSON FeatureCollection with a 'features' list")
    out = []
    for k, feature in enumerate(features):
        where = f"{path.name}: features[{k}]"
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        props = feature.get("properties") if isinstance(feature, dict) else None
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        ok = (
            isinstance(geometry, dict)
            and geometry.get("type") == "Point"
            and isinstance(coords, list)
            and len(coords) >= 2
            and all(isinstance(c, int | float) and math.isfinite(c) for c in coords[:2])
            and isinstance(props, dict)
            and isinstance(props.get("name"), str)
        )
        if not ok or not (-90.0 <= coords[1] <= 90.0):
            raise InputError(
                KEY,
                where,
                "a Point feature with [longitude, latitude] in degrees and a 'name' property",
            )
        out.append(ObservedPosition(props["name"], float(coords[1]), float(coords[0])))
    return tuple(out)
