"""Missions side by side: what differs in their inputs, their events and where hardware rests.

>>> from skycrane.compare import compare
>>> c = compare(["m2020", "msl"])                      # doctest: +SKIP
>>> c.input_diff["parachute.deploy.trigger"]           # doctest: +SKIP
('range', 'speed')

:func:`compare` loads and flies each mission (presets or files, a what-if
against its base for instance) and returns a :class:`Comparison`: the
flattened input keys whose values differ (keys flattened as in
:mod:`skycrane.missions.provenance`: ``sequence.events[backshell_separation].altitude_m``),
every event's conditions and every body's rest point, per mission, in one
order. :mod:`skycrane.output.compare_report` draws the overlaid figures and
writes the comparison report; ``skycrane compare A B [C ...]`` prints the
tables and writes both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skycrane.api import Mission, Result, load_mission, simulate
from skycrane.errors import InputError
from skycrane.missions.provenance import flatten
from skycrane.results import BodyRest, Event

__all__ = ["Comparison", "compare", "input_diff", "label_missions"]

_MISSING = object()


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two or more missions flown side by side.

    Attributes
    ----------
    labels : tuple of str
        What each mission was loaded from (preset or path), made unique.
    missions, results : tuples, one per label
    input_diff : dict of str to tuple
        Flattened input key -> each mission's value (None where a mission
        does not have the key), for the keys whose values differ.
    event_names : tuple of str
        Every event of any mission, in the time order of the first that has it.
    body_names : tuple of str
        Every body of any mission, in the order the results list them.
    """

    labels: tuple[str, ...]
    missions: tuple[Mission, ...]
    results: tuple[Result, ...]
    input_diff: dict[str, tuple[Any, ...]]
    event_names: tuple[str, ...]
    body_names: tuple[str, ...]

    def events(self, name: str) -> tuple[Event | None, ...]:
        """Event ``name`` of each mission (None where it did not happen)."""
        return tuple(_find(r.events, name) for r in self.results)

    def bodies(self, name: str) -> tuple[BodyRest | None, ...]:
        """Rest point of body ``name`` in each mission (None where it has no such body)."""
        return tuple(_find(r.bodies, name) for r in self.results)

    def height_above_site_m(self, k: int, event: Event) -> float:
        """Height of ``event`` of mission ``k`` above its site's elevation [m]."""
        return event.altitude_m - self.missions[k].spec.target.altitude_m

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able document: labels, the input diff, events and bodies per mission."""
        return {
            "missions": [
                {"label": label, "mission": r.mission, "title": r.title, "status": r.status_text}
                | ({} if r.provenance is None else r.provenance.to_dict())
                for label, r in zip(self.labels, self.results, strict=True)
            ],
            "input_diff": {key: list(values) for key, values in self.input_diff.items()},
            "events": {
                name: [None if ev is None else ev.to_dict() for ev in self.events(name)]
                for name in self.event_names
            },
            "bodies": {
                name: [None if b is None else b.to_dict() for b in self.bodies(name)]
                for name in self.body_names
            },
        }


def _find(items, name: str):
    return next((item for item in items if item.name == name), None)


def label_missions(sources: Sequence[str | Path]) -> tuple[str, ...]:
    """Unique labels for the sources: the name given, with ``#2``, ``#3`` for repeats."""
    labels: list[str] = []
    for source in sources:
        label = str(source)
        n = 2
        while label in labels:
            label = f"{source}#{n}"
            n += 1
        labels.append(label)
    return tuple(labels)


def input_diff(missions: Sequence[Mission]) -> dict[str, tuple[Any, ...]]:
    """Flattened input keys whose validated values differ between the missions (sorted).

    Values are those of the validated mission (``spec.model_dump``), so a key
    left at its default compares equal to one set to the default's value.
    """
    flats = [flatten(m.spec.model_dump(mode="json")) for m in missions]
    keys = sorted(set().union(*flats))
    out = {}
    for key in keys:
        values = [f.get(key, _MISSING) for f in flats]
        if any(v != values[0] for v in values[1:]):
            out[key] = tuple(None if v is _MISSING else v for v in values)
    return out


def _ordered_names(lists: Sequence[Sequence[str]]) -> tuple[str, ...]:
    out: list[str] = []
    for names in lists:
        out.extend(n for n in names if n not in out)
    return tuple(out)


def compare(sources: Sequence[Mission | str | Path]) -> Comparison:
    """Load (if needed) and fly each mission, and set them side by side.

    Parameters
    ----------
    sources : sequence of Mission, preset name or path
        At least two.

    Raises
    ------
    InputError
        Fewer than two missions; MissionError for a bad one (naming it).
    """
    if len(sources) < 2:
        raise InputError("missions", [str(s) for s in sources], "at least two missions to compare")
    missions = tuple(s if isinstance(s, Mission) else load_mission(s) for s in sources)
    labels = label_missions([m.source if isinstance(m, Mission) else m for m in sources])
    results = tuple(simulate(m) for m in missions)
    return Comparison(
        labels,
        missions,
        results,
        input_diff(missions),
        _ordered_names([[e.name for e in r.events] for r in results]),
        _ordered_names([[b.name for b in r.bodies] for r in results]),
    )
