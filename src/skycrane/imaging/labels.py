"""The sun of an orbital pass from the product's PDS3 label (a HiRISE RDR's ``.LBL``).

HiRISE distributes each map-projected RDR (``ESP_…_RED.JP2``) with a detached PDS3
label of the same name (``ESP_…_RED.LBL``; Eliason et al., *Software Interface
Specification for HiRISE Reduced Data Record Products*, JPL D-32006, 2007). Its
viewing-geometry keywords, computed by USGS ISIS at the image centre, give the pass's
sun:

* ``INCIDENCE_ANGLE``: the sun's angle from the local vertical [deg];
* ``SUB_SOLAR_AZIMUTH`` and ``NORTH_AZIMUTH``: the directions to the sub-solar point
  and to north as *image* azimuths, measured clockwise from the image's 3 o'clock
  direction (the sample axis), lines increasing downwards (ISIS
  ``Camera::ComputeAzimuth``). A north-up product has ``NORTH_AZIMUTH`` = 270.

The compass azimuth of the sun (clockwise from north, as
:class:`~skycrane.imaging.photometry.OrbitalPass` takes it) is therefore
``SUB_SOLAR_AZIMUTH - NORTH_AZIMUTH`` (mod 360), whatever the product's rotation. A
label without ``NORTH_AZIMUTH`` is taken as north-up only when it declares an
equirectangular map projection (HiRISE's RDRs at low and middle latitudes); a
polar-stereographic one without it has no single north, and gives no sun.

The label is parsed with ``pvl`` (PlanetaryPy's PVL/ODL reader); keywords are looked
for anywhere in it (HiRISE keeps them in the ``VIEWING_PARAMETERS`` group).
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Mapping
from pathlib import Path

from skycrane.errors import InputError
from skycrane.imaging.photometry import MAX_SUN_INCIDENCE_DEG

logger = logging.getLogger(__name__)

MAX_LABEL_BYTES = 4 * 1024 * 1024
"""A detached PDS3 label is text of some tens of kB; more is not a label."""

NORTH_UP_IMAGE_AZIMUTH_DEG = 270.0
"""North's image azimuth on a north-up product (12 o'clock, clockwise from 3 o'clock)."""


def label_path(image_path: str | Path) -> Path | None:
    """The detached PDS3 label beside ``image_path`` (same name, ``.LBL`` or ``.lbl``),
    or None."""
    image_path = Path(image_path)
    for suffix in (".LBL", ".lbl"):
        candidate = image_path.with_suffix(suffix)
        if candidate != image_path and candidate.is_file():
            return candidate
    return None


def _find(tree: Mapping, key: str):
    """The first value of ``key`` in the label, at any depth (None when absent)."""
    for name, value in tree.items():
        if name == key:
            return value
        if isinstance(value, Mapping):
            found = _find(value, key)
            if found is not None:
                return found
    return None


def _degrees(tree: Mapping, key: str, path: Path, not_applicable) -> float | None:
    """``key``'s value in degrees, None when absent or marked not applicable."""
    value = _find(tree, key)
    if value is None:
        return None
    units = getattr(value, "units", None)
    value = getattr(value, "value", value)
    if isinstance(value, str) or value == not_applicable:
        return None  # "N/A", "UNK", NOT_APPLICABLE_CONSTANT
    if units is not None and str(units).upper() not in ("DEG", "DEGREE", "DEGREES"):
        raise InputError(f"{path}: {key}", f"{value} <{units}>", "an angle in <DEG>")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{path}: {key}", value, "a finite angle in degrees")
    return float(value)


def _pvl():
    """``pvl``, imported without the warnings it gives of itself at import (1.3: its
    optional multidict backend absent; its own deprecated ``Units`` class defined)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImportWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        import pvl
    return pvl


def _parse(path: Path) -> Mapping:
    """The label's tree, or an InputError naming the file."""
    pvl = _pvl()

    if path.stat().st_size > MAX_LABEL_BYTES:
        raise InputError(str(path), f"{path.stat().st_size} bytes", "a PDS3 label (text, < 4 MB)")
    try:
        return pvl.loads(path.read_bytes().decode("latin-1"))
    except (pvl.exceptions.ParseError, pvl.exceptions.LexerError, ValueError) as exc:
        raise InputError(str(path), type(exc).__name__, "a PDS3 label that parses") from None


def label_sun_deg(image_path: str | Path) -> tuple[float, float] | None:
    """The pass's sun ``(incidence, compass azimuth)`` [deg] from the PDS3 label beside
    ``image_path`` (module docstring), or None when there is no label or it gives no sun.

    Raises
    ------
    InputError
        A label that does not parse, an angle that is not one, or an incidence outside
        [0, 85] deg.
    """
    path = label_path(image_path)
    if path is None:
        return None
    tree = _parse(path)
    not_applicable = _find(tree, "NOT_APPLICABLE_CONSTANT")
    incidence = _degrees(tree, "INCIDENCE_ANGLE", path, not_applicable)
    sub_solar = _degrees(tree, "SUB_SOLAR_AZIMUTH", path, not_applicable)
    if incidence is None or sub_solar is None:
        return None
    north = _degrees(tree, "NORTH_AZIMUTH", path, not_applicable)
    if north is None:
        projection = _find(tree, "MAP_PROJECTION_TYPE")
        if str(projection).upper() != "EQUIRECTANGULAR":
            logger.warning(
                "%s: no NORTH_AZIMUTH and no north-up (equirectangular) projection: "
                "its sun is not used",
                path,
            )
            return None
        north = NORTH_UP_IMAGE_AZIMUTH_DEG
    if not 0.0 <= incidence <= MAX_SUN_INCIDENCE_DEG:
        raise InputError(
            f"{path}: INCIDENCE_ANGLE",
            incidence,
            f"an incidence in [0, {MAX_SUN_INCIDENCE_DEG:g}] deg",
        )
    return incidence, (sub_solar - north) % 360.0
