"""Discrete updates after an accepted step: the located event's action and the guidance cycle.

Between steps the vehicle's configuration (its memory, layout.M_*) changes:
a located event ends the flight or fires the mission sequence (jettisons,
parachute, guidance hand-overs; propagate/actions.py) or begins or ends a
heating pulse (propagate/pulses.py), and at each guidance
cycle the flight software runs (skycrane.guidance.cycles: entry guidance,
powered descent; skycrane.guidance.skip_cycle: skip-entry guidance). The
flight software is given only the SENSED bundle, built here from truth right
before it runs (propagate/sensing.py); the events it causes are recorded and
the roll response anchored here. A step never straddles such a change:
:func:`next_breakpoint` ends it there.
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import STEP_PATH, STEP_PATH_INLINE
from skycrane.contract.layout import (
    EV_BRIDLES_CUT,
    EV_ENGINES_OUT,
    EV_FINAL_PHASE,
    EV_GROUND,
    EV_HEADING_ALIGNMENT,
    EV_INITIAL_ROLL_END,
    EV_RANGE_CONTROL,
    EV_SEQ0,
    EV_SKIP_BEYOND_REACH,
    EV_STOP,
    EV_TOUCHDOWN,
    GUID_ENTRY,
    GUID_POWERED,
    GUID_SKIP,
    M_CHUTE_FIRE_T,
    M_CLUSTER_FIRE_T,
    M_CUT,
    M_DONE,
    M_ETPC_PHASE,
    M_GUIDANCE,
    M_NEXT_GUIDE_T,
    M_SEQ_NEXT,
    P_GROUND_OK,
    P_SKIP0,
    PD_FLYAWAY,
    PD_SKY_CRANE,
    SN_DRAG_ACCEL_M_S2,
    SQ_CHUTE,
    SQ_CLUSTER_DEPLOY,
    SQ_GUIDANCE,
    SQ_REF,
    SQ_TRIGGER,
    SQ_VALUE,
    ST_GROUND,
    ST_SKIP_OUT,
    ST_SPAWN_OVERFLOW,
    ST_STOPPED,
    TR_TIME,
    TR_TIME_AFTER,
)
from skycrane.guidance.cycles import engines_out, entry_cycle, powered_cycle, powered_start
from skycrane.guidance.entry_layout import PHASE_HEADING_ALIGNMENT, PHASE_RANGE_CONTROL
from skycrane.guidance.skip_cycle import skip_cycle, start_final_phase
from skycrane.guidance.skip_layout import FINAL_HAND_OVER, SP_FINAL_MODE
from skycrane.planets.constants import PC_MU
from skycrane.propagate.actions import (
    MODE_EVENT,
    apply_sequence_event,
    cut_bridles,
    record_once,
    release_rover,
    rover_touchdown,
)
from skycrane.propagate.dynamics import rhs, thrust_terms, update_commands
from skycrane.propagate.events import (
    EVK_GROUND,
    EVK_PROPELLANT,
    EVK_PULSE,
    EVK_ROVER,
    EVK_SEQ,
    EVK_STOP,
    event_value,
)
from skycrane.propagate.model import (
    BODY_TABLE,
    CLUSTER_TABLE,
    ENTRY_GAINS,
    ENTRY_REF,
    HAZARD_GRID,
    HAZARD_MAP,
    PLANET,
    SEQ_TABLE,
    SKIP_DENSITY,
)
from skycrane.propagate.navigation import navigation_update
from skycrane.propagate.pulses import mark_event, pulse_crossing
from skycrane.propagate.sensing import sense, sense_navigation
from skycrane.vehicle.bank import anchor_bank, saturation_end_s


@numba.njit(**STEP_PATH)
def next_time_trigger(mem, seq, ev_t):
    """Time of the next sequence event if it is time-triggered (a step breakpoint), else inf."""
    k = int(mem[M_SEQ_NEXT])
    if k >= seq.shape[1]:
        return math.inf
    kind = int(seq[SQ_TRIGGER, k])
    if kind == TR_TIME:
        return seq[SQ_VALUE, k]
    if kind == TR_TIME_AFTER:
        t_ref = ev_t[EV_SEQ0 + int(seq[SQ_REF, k])]
        if math.isfinite(t_ref):
            return t_ref + seq[SQ_VALUE, k]
    return math.inf


@numba.njit(**STEP_PATH_INLINE)
def next_breakpoint(t, t_max, out_dt, next_out, flight, ev_t):
    """When the next step must end: time limit, time trigger, output, guidance cycle, roll kink.

    ``out_dt`` > 0 records the trajectory every out_dt, next at ``next_out``.
    """
    p, mem, model = flight
    t_break = min(t_max, next_time_trigger(mem, model[SEQ_TABLE], ev_t))
    if out_dt > 0.0:
        t_break = min(t_break, next_out)
    guidance = mem[M_GUIDANCE]
    if guidance == GUID_ENTRY or guidance == GUID_POWERED or guidance == GUID_SKIP:
        t_break = min(t_break, mem[M_NEXT_GUIDE_T])
    t_sat = saturation_end_s(p, mem)  # the roll's one kink
    if t_sat > t + 1e-9:
        t_break = min(t_break, t_sat)
    return t_break


@numba.njit(**STEP_PATH)
def apply_next(t, at, flight, events, spawn, sensed):
    """Carry out the next sequence event now at ``at`` (bundles.Point); False on spawn overflow.

    An event that hands over to powered descent starts its flight software
    (guidance.cycles.powered_start) on what is sensed then (``sensed``, SN_*).
    """
    p, mem, model = flight
    k = int(mem[M_SEQ_NEXT])
    seq = model[SEQ_TABLE]
    navigation_update(t, at.y, at.f, at.aux, p, mem, model[PLANET])  # the IMU up to the event
    ok = apply_sequence_event(k, t, at.y, at.aux, p, mem, seq, model[BODY_TABLE], events, spawn)
    if seq[SQ_GUIDANCE, k] == GUID_POWERED:
        sense(t, at.y, at.f, at.aux, p, mem, model[PLANET], sensed)
        powered_start(t, sensed, p, mem, model[HAZARD_MAP], model[HAZARD_GRID], model[PLANET])
    return ok


@numba.njit(**STEP_PATH)
def settle_sequence(t, at, flight, events, spawn, sensed):
    """Fire every sequence event whose trigger already holds at ``at``; False on spawn overflow."""
    p, mem, model = flight
    seq = model[SEQ_TABLE]
    while int(mem[M_SEQ_NEXT]) < seq.shape[1] and mem[M_DONE] == 0.0:
        if event_value(EVK_SEQ, t, at.y, at.aux, p, mem, seq, events.t_s) > 0.0:
            break
        if not apply_next(t, at, flight, events, spawn, sensed):
            return False
    return True


@numba.njit(**STEP_PATH)
def parachute_open(mem, clusters):
    """Whether a parachute (the disk-gap-band or a cluster) is deployed now."""
    if not math.isnan(mem[M_CHUTE_FIRE_T]):
        return True
    for c in range(clusters.shape[1]):
        if not math.isnan(mem[M_CLUSTER_FIRE_T + c]):
            return True
    return False


@numba.njit(**STEP_PATH)
def carries_parachutes(model):
    """Whether the mission's sequence deploys any parachute at all."""
    seq = model[SEQ_TABLE]
    for k in range(seq.shape[1]):
        if seq[SQ_CHUTE, k] == 1.0 or seq[SQ_CLUSTER_DEPLOY, k] >= 0.0:
            return True
    return False


@numba.njit(**STEP_PATH_INLINE)
def event_action(first, t, now, flight, events, spawn, sensed):
    """What the located event ``first`` (events.EVK_*, -1: none) does at the step end ``now``.

    Returns (status: a terminal layout.ST_* or -1, whether the vehicle's
    configuration changed).
    """
    p, mem, model = flight
    y = now.y
    status = -1
    changed = False
    if first == EVK_GROUND:
        mark_event(EV_GROUND, t, y, events)
        ok = p[P_GROUND_OK] > 0.0 or mem[M_CUT] > 0.0
        if p[P_GROUND_OK] > 1.0:  # a capsule: its touchdown, if under its parachutes
            ok = parachute_open(mem, model[CLUSTER_TABLE]) or not carries_parachutes(model)
            if ok:
                mark_event(EV_TOUCHDOWN, t, y, events)
        status = ST_STOPPED if ok else ST_GROUND
    elif first == EVK_STOP:
        mark_event(EV_STOP, t, y, events)
        status = ST_STOPPED
    elif first == EVK_SEQ:
        if not settle_sequence(t, now, flight, events, spawn, sensed):
            status = ST_SPAWN_OVERFLOW
        changed = True
    elif first == EVK_ROVER:
        if not rover_touchdown(t, y, now.aux, p, mem, model[BODY_TABLE], events, spawn):
            status = ST_SPAWN_OVERFLOW
        changed = True
    elif first == EVK_PROPELLANT:
        record_once(EV_ENGINES_OUT, t, y, events.t_s, events.y, events.fired)
        engines_out(t, mem)
        changed = True
    elif first == EVK_PULSE:  # the dynamics do not depend on it: nothing changed
        pulse_crossing(t, now, mem, events)
    if status < 0 and mem[M_DONE] > 0.0:
        status = ST_STOPPED
    return status, changed


@numba.njit(**STEP_PATH_INLINE)
def guidance_cycle(t, now, flight, events, spawn, changed, thrust_before, sensed):
    """Run the flight software's cycle if one is due at t; the commands it holds change.

    ``changed`` says an event of this step changed the vehicle (the derived
    quantities at ``now`` are stale). The thrust acceleration before the
    cycle goes to ``thrust_before``; what the cycle is given, to ``sensed``
    (sensing.sense_navigation for entry guidance, sensing.sense for powered
    descent). Entry guidance: guidance.cycles.entry_cycle, then the
    roll response restarts toward the new bank command. Skip-entry guidance:
    guidance.skip_cycle.skip_cycle, the same roll response, its trajectory
    events (skip exit, apogee, re-entry, target beyond reach, initial roll end,
    final phase) recorded, ST_SKIP_OUT once the vehicle has left the
    atmosphere for good, and at the final phase the hand-over to the entry
    guidance (skip_cycle.start_final_phase), whose first cycle runs at once. Powered descent:
    guidance.cycles.powered_cycle, then the new mode's event is recorded.
    Returns (status: layout.ST_SPAWN_OVERFLOW, ST_SKIP_OUT
    or -1, changed, whether a cycle ran).
    """
    p, mem, model = flight
    y, f, aux = now
    status = -1
    guidance = mem[M_GUIDANCE]
    cycled = False
    if t >= mem[M_NEXT_GUIDE_T] - 1e-9:
        cycled = guidance == GUID_ENTRY or guidance == GUID_POWERED or guidance == GUID_SKIP
        if cycled:
            ax, ay, az, thrust, dm = thrust_terms(y, p, mem)
            thrust_before[0] = ax
            thrust_before[1] = ay
            thrust_before[2] = az
            thrust_before[3] = dm
            thrust_before[4] = thrust
        if guidance == GUID_ENTRY:
            if changed:  # an event of this step changed the vehicle: aux is stale
                rhs(t, y, p, mem, model, f, aux)
            seq = model[SEQ_TABLE]
            sense_navigation(t, y, f, aux, p, mem, model[PLANET], sensed)
            fire = entry_cycle(t, sensed, p, mem, model[ENTRY_REF], model[ENTRY_GAINS], seq)
            anchor_bank(t, y, mem)  # the roll restarts from the bank the vehicle has now
            if fire >= 0:  # a cycle-checked trigger: always the next sequence event
                if not apply_next(t, now, flight, events, spawn, sensed):
                    status = ST_SPAWN_OVERFLOW
                changed = True
            phase = mem[M_ETPC_PHASE]
            if phase >= PHASE_RANGE_CONTROL and not events.fired[EV_RANGE_CONTROL]:
                mark_event(EV_RANGE_CONTROL, t, y, events)
            if phase >= PHASE_HEADING_ALIGNMENT and not events.fired[EV_HEADING_ALIGNMENT]:
                mark_event(EV_HEADING_ALIGNMENT, t, y, events)
        elif guidance == GUID_SKIP:
            if changed:
                rhs(t, y, p, mem, model, f, aux)
            sense_navigation(t, y, f, aux, p, mem, model[PLANET], sensed)
            slot, beyond, gone, roll_end, final = skip_cycle(t, sensed, p, mem, model[SKIP_DENSITY])
            if slot >= 0:
                record_once(slot, t, y, events.t_s, events.y, events.fired)
            if beyond:
                record_once(EV_SKIP_BEYOND_REACH, t, y, events.t_s, events.y, events.fired)
            if roll_end:
                record_once(EV_INITIAL_ROLL_END, t, y, events.t_s, events.y, events.fired)
            if final:
                record_once(EV_FINAL_PHASE, t, y, events.t_s, events.y, events.fired)
                if p[P_SKIP0 + SP_FINAL_MODE] == FINAL_HAND_OVER:
                    start_final_phase(sensed[SN_DRAG_ACCEL_M_S2], mem)
                    seq = model[SEQ_TABLE]
                    entry_cycle(t, sensed, p, mem, model[ENTRY_REF], model[ENTRY_GAINS], seq)
            anchor_bank(t, y, mem)
            if gone:
                status = ST_SKIP_OUT
        elif guidance == GUID_POWERED:
            sense(t, y, f, aux, p, mem, model[PLANET], sensed)
            mode, new_mode = powered_cycle(t, sensed, p, mem)
            if new_mode != mode:
                record_once(MODE_EVENT[new_mode], t, y, events.t_s, events.y, events.fired)
                if new_mode == PD_SKY_CRANE:
                    r2 = y[0] * y[0] + y[1] * y[1] + y[2] * y[2]
                    release_rover(y, p, mem, model[PLANET][PC_MU] / r2)
                    changed = True
                elif new_mode == PD_FLYAWAY:
                    record_once(EV_BRIDLES_CUT, t, y, events.t_s, events.y, events.fired)
                    cut_bridles(y, p, mem)
                    changed = True
    return status, changed, cycled


@numba.njit(**STEP_PATH_INLINE)
def discrete_updates(first, t, now, flight, events, spawn, thrust_before, sensed):
    """Every discrete update at an accepted step end ``now`` (bundles.Point) at t.

    The located event ``first`` (events.EVK_*, -1: none) acts
    (:func:`event_action`), then the guidance cycle runs if one is due
    (:func:`guidance_cycle`), then ``now.f`` and ``now.aux`` are brought up
    to date: recomputed if the configuration changed, else patched for the
    new commands (dynamics.update_commands). A cycle updates the navigation
    errors, a jump in the navigated height or range: the sequence events whose
    triggers it carried past zero fire then (:func:`settle_sequence`). Returns
    (status: a terminal layout.ST_* or -1, whether the configuration changed).
    """
    status, changed = event_action(first, t, now, flight, events, spawn, sensed)
    cycled = False
    if status < 0:
        status, changed, cycled = guidance_cycle(
            t, now, flight, events, spawn, changed, thrust_before, sensed
        )
    p, mem, model = flight
    if changed:
        rhs(t, now.y, p, mem, model, now.f, now.aux)
    elif cycled:
        update_commands(t, now.y, p, mem, thrust_before, now.f, now.aux)
    if status < 0 and cycled:
        # the cycle brought the navigation errors up to date: a trigger on the navigated
        # state (height above ground, range) that this jump carried past zero holds now,
        # where the step's crossing test (above zero before, at or below after) cannot see it
        k = mem[M_SEQ_NEXT]
        if not settle_sequence(t, now, flight, events, spawn, sensed):
            status = ST_SPAWN_OVERFLOW
        if mem[M_SEQ_NEXT] != k:
            changed = True
            rhs(t, now.y, p, mem, model, now.f, now.aux)
    return status, changed
