"""The skip-entry guidance fields of the kernel contract: its parameter and memory blocks, events.

Spliced into :data:`skycrane.contract.fields.PARAMS`, ``MEMORY`` and ``EVENTS``
(declared here to keep that module readable and the heating fields' merge
apart). The compiled guidance (:mod:`skycrane.guidance.skip`, FNPEG after
Lu 2014) reads its parameters and memory as plain sub-arrays indexed by
``skip_layout.SP_*`` and ``SM_*``; the blocks here carry them per case, from
``P_SKIP0`` and ``M_SKIP0`` on. The block sizes are those of
:mod:`skycrane.guidance.skip_layout` (a test holds them equal: the contract
cannot import the guidance package, whose cycles import the contract).
"""

from __future__ import annotations

from skycrane.contract.declare import Derived, Event, Field, Kernel

SKIP_PARAMS_SIZE = 34
"""``skip_layout.N_SKIP_PARAMS``."""
SKIP_MEMORY_SIZE = 98
"""``skip_layout.N_SKIP_MEM``."""

SKIP_PARAMS = (
    Field(
        "P_SKIP0",
        "-",
        "skip-entry guidance parameters, indexed by guidance.skip_layout.SP_* from here "
        "(all zero without [guidance.skip], never read then)",
        Derived(
            "skip_layout.default_skip_params with the [guidance.skip] keys: the planet's "
            "mu, J2, radius, flattening and rate, the target, the believed m / (C_D S) and L/D"
        ),
        size=SKIP_PARAMS_SIZE,
    ),
    Field(
        "P_SKIP_MEM0",
        "-",
        "skip-entry guidance memory at the start (SM_*): the first sigma_0 guess, ratio 1",
        Derived("skip_layout.initial_skip_memory(guidance.skip.initial_bank_deg)"),
        size=SKIP_MEMORY_SIZE,
    ),
)

SKIP_MEMORY = (
    Field(
        "M_SKIP0",
        "-",
        "skip-entry guidance memory, indexed by guidance.skip_layout.SM_* from here",
        Kernel("P_SKIP_MEM0"),
        size=SKIP_MEMORY_SIZE,
    ),
    Field(
        "M_SKIP_PHASE",
        "enum",
        "skip trajectory phase seen by the flight software, one of SKIPPH_*",
        Kernel(0.0),
    ),
)

SKIP_EVENTS = (
    Event(
        "EV_SKIP_EXIT",
        "sensed drag falls below the Kepler-phase threshold while climbing (skip guidance)",
        "skip_exit",
    ),
    Event(
        "EV_SKIP_APOGEE",
        "the navigated altitude rate turns negative after the skip exit (loft apogee)",
        "skip_apogee",
    ),
    Event(
        "EV_REENTRY",
        "sensed drag rises through the Kepler-phase threshold after the loft apogee",
        "reentry",
    ),
    Event(
        "EV_SKIP_BEYOND_REACH",
        "the skip guidance first reports the target beyond its reach",
        "guidance_beyond_reach",
    ),
    Event(
        "EV_FINAL_PHASE",
        "the skip guidance hands over to the Apollo final phase (terminal point controller)",
        "final_phase",
    ),
    Event(
        "EV_INITIAL_ROLL_END",
        "Apollo's initial roll (lift up) ends: drag built up and the descent levelled off",
        "initial_roll_end",
    ),
)

SKIP_PHASES = ("before_entry", "first_pulse", "exited", "past_apogee", "reentered")
"""Codes of M_SKIP_PHASE (``SKIPPH_*``), in flight order."""
