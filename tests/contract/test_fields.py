"""The kernel contract is complete and consistent: every declared field has a source and a reader.

Invariants of the declaration (skycrane.contract.fields) against the code that
packs and reads it: a slot nobody writes, a slot nobody reads, a mission key
that does not exist, or two slots that carry the same quantity fail here.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pydantic
import pytest

from skycrane.contract import layout as L
from skycrane.contract.declare import Derived, Field, Fixed, Kernel, Key, Preflight
from skycrane.contract.fields import (
    AUX,
    BODY_ROWS,
    EVENTS,
    MEMORY,
    PARAMS,
    POWERED_DESCENT,
    SENSED,
    SEQUENCE_ROWS,
    SETTINGS,
    STATE,
)
from skycrane.contract.fields_chutes import CLUSTER_ROWS
from skycrane.contract.fields_terrain import TERRAIN_GEOM
from skycrane.missions.schema import MissionSpec
from skycrane.missions.schema_dispersions import PARAMETERS
from skycrane.sequence.pack import DERIVED

PACKAGE = Path(L.__file__).resolve().parent.parent
PACKING = {PACKAGE / "contract", PACKAGE / "sequence" / "pack.py"}
"""Where fields are declared, numbered and packed: a name found only here is never read."""
SPECIAL_DISPERSIONS = {
    "navigation_east_m",
    "navigation_north_m",
    "navigation_up_m",
    "terrain_nav_east_m",
    "terrain_nav_north_m",
    "navigation_velocity_east_m_s",
    "navigation_velocity_north_m_s",
    "navigation_velocity_up_m_s",
    "imu_attitude_east_deg",
    "imu_attitude_north_deg",
    "imu_attitude_up_deg",
    "accelerometer_bias_east_ug",
    "accelerometer_bias_north_ug",
    "accelerometer_bias_up_ug",
}
"""Dispersions rotated from east-north-up into planet-fixed triples (dispersions.cases.ROTATED)."""
READ_AS_SLICES = {"S_X": "y[0:3]", "S_Y": "y[0:3]", "S_Z": "y[0:3]"}
READ_AS_SLICES |= {"S_VX": "y[3:6]", "S_VY": "y[3:6]", "S_VZ": "y[3:6]"}
"""Position and velocity: every model reads them as the state's first two triples."""
READ_AS_SLICES |= {
    f"EV_PULSE{k}_{part}": f"EV_PULSE1_{part} + k - 1"
    for k in range(2, L.MAX_PULSES + 1)
    for part in ("START", "END", "PEAK")
}
"""Heating pulse k's slots: read as pulse 1's plus k - 1 (propagate/pulses.py)."""


def _sources() -> str:
    """All package source outside the declaration and the packing, as one text."""
    texts = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if not any(path == p or p in path.parents for p in PACKING):
            texts.append(path.read_text())
    return "\n".join(texts)


SOURCE = _sources()


def _read(name: str) -> bool:
    if name in READ_AS_SLICES:
        return READ_AS_SLICES[name] in SOURCE
    return re.search(rf"\b{re.escape(name)}\b", SOURCE) is not None


@pytest.mark.parametrize(
    "fields",
    [
        STATE,
        PARAMS,
        POWERED_DESCENT,
        MEMORY,
        AUX,
        SENSED,
        SETTINGS,
        SEQUENCE_ROWS,
        BODY_ROWS,
        CLUSTER_ROWS,
        TERRAIN_GEOM,
    ],
    ids=[
        "state",
        "params",
        "powered_descent",
        "memory",
        "aux",
        "sensed",
        "settings",
        "seq",
        "body",
        "clusters",
        "terrain_geom",
    ],
)
def test_every_field_is_read(fields: tuple[Field, ...]):
    """A declared slot that no code outside the packing names is dead weight in every case row."""
    initial = {f.source.initial for f in MEMORY}  # a parameter a memory slot starts from
    unread = [
        f.name for f in fields if f.name not in initial and not any(map(_read, (f.name, *f.names)))
    ]
    assert unread == []


def test_every_event_slot_is_used():
    """Each event slot is written by the kernel or flight software and reported."""
    unused = [e.name for e in EVENTS if not _read(e.name) and e.peak is None]
    assert unused == []


def test_every_parameter_has_a_source():
    """Parameters come from a key, a derivation, a fixed value or a pre-flight solve."""
    fields = (*PARAMS, *POWERED_DESCENT)
    missing = [f.name for f in fields if f.source is None and f.name != "P_PD0"]
    assert missing == []
    assert all(isinstance(f.source, Kernel) for f in MEMORY)


def test_derivations_match_declarations():
    """Every Derived field has its packing function, and every function a Derived field."""
    derived = {f.name for f in (*PARAMS, *POWERED_DESCENT) if isinstance(f.source, Derived)}
    assert derived == set(DERIVED)


def test_no_two_fields_carry_the_same_quantity():
    """Two slots filled from the same mission key drift apart (the bridle-length bug)."""
    seen: dict[tuple[str, str | None], str] = {}
    duplicates = []
    for f in (*PARAMS, *POWERED_DESCENT, *SETTINGS):
        if isinstance(f.source, Key):
            key = (f.source.path, f.source.convert)
            if key in seen:
                duplicates.append((seen[key], f.name))
            seen[key] = f.name
    assert duplicates == []


def _annotation_at(path: str):
    """The schema type at dotted ``path`` of a mission file (KeyError if there is none)."""
    model: typing.Any = MissionSpec
    for part in path.split("."):
        if part == "*":
            model = typing.get_args(model)[1]  # dict[str, Spec]
            continue
        if not (isinstance(model, type) and issubclass(model, pydantic.BaseModel)):
            args = [a for a in typing.get_args(model) if a is not type(None)]
            model = args[0]
        model = model.model_fields[part].annotation
    return model


def test_every_key_exists_in_the_mission_schema():
    """A field's mission key is one a user can write (unknown keys are refused by the loader)."""
    fields = (*PARAMS, *POWERED_DESCENT, *SETTINGS, *BODY_ROWS, *CLUSTER_ROWS)
    for f in fields:
        if isinstance(f.source, Key):
            assert _annotation_at(f.source.path) is not None, f.name


def test_every_dispersion_input_acts_on_a_declared_field():
    """The dispersion parameters a user may draw are all wired, and only they are declared."""
    declared = {
        d.input for f in (*STATE, *PARAMS, *POWERED_DESCENT) for d in f.disperse
    } | SPECIAL_DISPERSIONS
    assert declared == set(PARAMETERS)


def test_memory_starts_from_parameters_of_its_size():
    """A memory field initialised from a parameter copies a slot run of the same length."""
    by_name = {f.name: f for f in PARAMS}
    for f in MEMORY:
        init = f.source.initial
        if isinstance(init, str):
            assert by_name[init].size == f.size, f.name


def test_layout_numbers_each_block_densely():
    """Slots of a block are 0 .. N-1 with no gap and no overlap."""
    for fields, count in (
        (STATE, L.N_STATE),
        (PARAMS, L.N_PARAMS),
        (MEMORY, L.N_MEM),
        (AUX, L.N_AUX),
        (POWERED_DESCENT, L.N_PD_PARAMS),
        (TERRAIN_GEOM, L.N_TG),
    ):
        slots = sorted(L.INDEX[f.name] + k for f in fields for k in range(f.size))
        assert slots == list(range(count))


def test_fixed_and_preflight_values_are_finite_numbers():
    """A declared constant is a number the kernel can use as it is."""
    for f in (*PARAMS, *POWERED_DESCENT, *SETTINGS):
        if isinstance(f.source, Fixed | Preflight):
            value = f.source.value if isinstance(f.source, Fixed) else f.source.default
            assert value == value and abs(value) < float("inf"), f.name
