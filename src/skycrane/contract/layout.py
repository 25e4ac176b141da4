"""Index layout of the plain arrays that cross into the compiled kernel, numbered from the fields.

Python objects never enter the hot loop: a batch is a per-case state matrix
``y0[n, N_STATE]``, a per-case parameter matrix ``params[n, N_PARAMS]``,
per-case guidance and sequence memory ``mem[n, N_MEM]``, a shared *model*
tuple of tables (planet, atmosphere, winds, aerodynamic bank, parachute,
entry-guidance reference, sequence, bodies, parachute clusters) and a settings vector. This module
numbers the slots declared in :mod:`skycrane.contract.fields`, in declaration
order, and defines one integer constant per slot (``P_CD_SCALE``,
``M_BANK_CMD``, ``EV_TOUCHDOWN`` ...), the counts (``N_PARAMS`` ...), the
enumeration codes (``TR_RANGE``, ``GUID_ENTRY`` ...) and the name lists the
rest of the package reads. Numba compiles each constant into the kernel as a
literal. Nothing here is to be edited by hand: declare a field instead.
"""

from __future__ import annotations

import numpy as np

from skycrane.contract.declare import Field, Kernel
from skycrane.contract.fields import (
    ATM_MAX_NODES,
    AUX,
    BODY_ROWS,
    CODE_ALIASES,
    CODES,
    EVENTS,
    MAX_PULSES,
    MAX_SEQ,
    MAX_SPAWN,
    MEMORY,
    PARAMS,
    POWERED_DESCENT,
    SENSED,
    SEQUENCE_ROWS,
    SETTINGS,
    STATE,
    STATUS,
)
from skycrane.contract.fields_chutes import CLUSTER_ROWS, MAX_CLUSTERS, MAX_REEF
from skycrane.contract.fields_terrain import TERRAIN_GEOM


def number(fields: tuple[Field, ...], start: int = 0) -> dict[str, int]:
    """Slot index of every constant name of ``fields``, laid out one after another."""
    out: dict[str, int] = {}
    at = start
    for f in fields:
        out[f.name] = at
        for k, name in enumerate(f.names):
            out[name] = at + k
        at += f.size
    return out


def _count(fields: tuple[Field, ...]) -> int:
    return sum(f.size for f in fields)


INDEX: dict[str, int] = {}
"""Every generated constant by name (the generated module namespace, for tests and tools)."""
for _block, _fields in (
    ("STATE", STATE),
    ("PARAMS", PARAMS),
    ("MEM", MEMORY),
    ("AUX", AUX),
    ("SENSED", SENSED),
    ("SETTINGS", SETTINGS),
    ("SQ_ROWS", SEQUENCE_ROWS),
    ("B_ROWS", BODY_ROWS),
    ("CL_ROWS", CLUSTER_ROWS),
    ("TG", TERRAIN_GEOM),
):
    INDEX.update(number(_fields))
    INDEX[f"N_{_block}"] = _count(_fields)
INDEX.update(number(POWERED_DESCENT))
INDEX["N_PD_PARAMS"] = _count(POWERED_DESCENT)
INDEX.update({e.name: k for k, e in enumerate(EVENTS)})
INDEX["EV_SEQ0"] = len(EVENTS)
INDEX["MAX_SEQ"] = MAX_SEQ
INDEX["N_EVENTS"] = len(EVENTS) + MAX_SEQ
INDEX["MAX_SPAWN"] = MAX_SPAWN
INDEX["MAX_CLUSTERS"] = MAX_CLUSTERS
INDEX["MAX_REEF"] = MAX_REEF
INDEX["ATM_MAX_NODES"] = ATM_MAX_NODES
INDEX["MAX_PULSES"] = MAX_PULSES
for _prefix, _names in CODES.items():
    INDEX.update({f"{_prefix}_{n.upper()}": k for k, n in enumerate(_names)})
INDEX.update({alias: INDEX[full] for alias, full in CODE_ALIASES.items()})
INDEX.update({name: k for k, (name, _) in enumerate(STATUS)})
globals().update(INDEX)

PEAK_EVENTS = tuple((INDEX[e.name], INDEX[e.peak]) for e in EVENTS if e.peak is not None)
"""(event slot, derived quantity) of each peak the kernel tracks."""
PUBLIC_EVENTS = {INDEX[e.name]: e.public for e in EVENTS if e.public and e.peak is None}
"""Event slot -> public name of the events the flight software records."""
PEAKS = {INDEX[e.name]: (e.public, e.key, e.scale) for e in EVENTS if e.peak is not None}
"""Peak event slot -> (public event name, key in a result's peaks, SI-to-reported factor)."""
STATUS_TEXT = {k: text for k, (_, text) in enumerate(STATUS)}
"""Termination status code -> its wording."""
CODE = {prefix: {name: k for k, name in enumerate(names)} for prefix, names in CODES.items()}
"""``CODE[prefix][name]``: the code of a mission-file spelling (``CODE["TR"]["time_after"]``)."""
PD_MODE_NAMES = CODES["PD"]
"""Powered-descent mode names by mode code (PD_*)."""
N_PD_MODES = len(PD_MODE_NAMES)
PDP_NAMES = tuple(f.name.removeprefix("PDP_").lower() for f in POWERED_DESCENT)
"""Short names of the powered-descent block's slots, in order."""


def initial_memory(params: np.ndarray) -> np.ndarray:
    """Memory of cases about to start (rows of ``params[n, N_PARAMS]``), from the declaration."""
    mem = np.zeros((params.shape[0], INDEX["N_MEM"]))
    for f in MEMORY:
        source = f.source
        assert isinstance(source, Kernel), f.name
        at = INDEX[f.name]
        init = source.initial
        if isinstance(init, str):
            src = INDEX[init]
            mem[:, at : at + f.size] = params[:, src : src + f.size]
        else:
            mem[:, at : at + f.size] = init
    return mem
