"""Fly every jettisoned body to rest: the second and third passes of the kernel.

The main vehicle's pass records each separation in its spawn buffer (time,
state, body). This module flies all of those bodies, from every case at once,
through the same compiled kernel: ballistic (drag only, no lift), with the
open parachute for the backshell, until they reach the ground. A body with a
``breakup`` (the cruise stage) stops at its break-up altitude and its
fragments, each with its own separation velocity, are flown in a third pass.

Model limits (documented, deliberate): a body comes to rest where it first
reaches the ground: the site's terrain on its local grid around the target
(``[site]``, skycrane.propagate.ground), the target's altitude beyond it; no
bounce or roll; break-up is instantaneous at an altitude.
Fragment j of n leaves the parent's position with the parent's velocity plus
``breakup.separation_speed_m_s`` in the plane normal to it, at the angle
2 pi j / n from the horizontal (:func:`fragment_velocities`): the pieces of a
break-up scatter, they do not fly as one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from skycrane.contract import layout as L
from skycrane.missions.loader import Mission
from skycrane.propagate.kernel import RawBatch, default_memory_rows, default_settings, run_batch
from skycrane.sequence.build import Batch


@dataclass(frozen=True, slots=True)
class BodyFlights:
    """Every jettisoned body of every case, flown to rest.

    Attributes
    ----------
    case : int64[m]
        Case each body belongs to.
    name : list of str
        Body name (a fragment is named ``<parent>/<fragment>``).
    t_separation_s, y_separation : where and when it left its parent.
    status : int64[m]
        Kernel status of its flight (layout.ST_*).
    t_rest_s, y_rest : time and state on reaching the ground (NaN if it did not).
    """

    case: np.ndarray
    name: list[str]
    t_separation_s: np.ndarray
    y_separation: np.ndarray
    status: np.ndarray
    t_rest_s: np.ndarray
    y_rest: np.ndarray


def _child_params(batch: Batch, case: np.ndarray, rows: list[str], mission: Mission):
    """Parameter and memory rows of bodies ``rows`` of cases ``case``: ballistic, own drag.

    A body inherits its case's parameters (so it flies through that case's
    atmosphere and winds) with the main vehicle's lift, drag scale and stop
    condition removed, and no heating pulses tracked (only the main vehicle's are reported).
    """
    spec = mission.spec
    p = batch.params[case].copy()
    p[:, L.P_PULSE_THRESHOLD_W_M2] = 0.0
    p[:, L.P_CL_SCALE] = 0.0
    p[:, L.P_CD_SCALE] = 1.0
    p[:, L.P_GROUND_OK] = 1.0
    p[:, L.P_STOP_KIND] = L.STOP_NONE
    p[:, L.P_T_MAX_S] = 1.0e6
    names = np.asarray(rows, dtype=object)
    chute = np.zeros(len(rows), dtype=bool)
    for name in set(rows):
        base = name.split("/")[-1]
        body = spec.bodies.get(base)
        if body is None:
            continue
        sel = names == name
        p[sel, L.P_AERO_TABLE] = batch.aero_rows[f"body:{base}"]
        p[sel, L.P_REF_AREA_M2] = body.aerodynamics.reference_area_m2
        if body.breakup is not None and "/" not in name:
            p[sel, L.P_STOP_KIND] = L.STOP_ALTITUDE
            p[sel, L.P_STOP_VALUE] = body.breakup.altitude_m
        chute[sel] = body.parachute
    mem = default_memory_rows(p)
    mem[:, L.M_SEQ_NEXT] = len(batch.event_names)  # the sequence is the main vehicle's
    mem[:, L.M_GUIDANCE] = L.GUID_NONE
    mem[:, L.M_LIFT_ON] = 0.0
    mem[:, L.M_ROVER_ON] = 0.0
    mem[chute, L.M_CHUTE_FIRE_T] = -math.inf  # open since long before
    mem[chute, L.M_CHUTE_V_LS] = 1.0
    return p, mem


def fragment_velocities(v_pf_m_s: np.ndarray, r_pf_m: np.ndarray, speed_m_s: float, n: int):
    """Velocities of the ``n`` fragments of a body at ``r_pf_m`` moving at ``v_pf_m_s``.

    Each adds ``speed_m_s`` along e_j = cos(2 pi j / n) h + sin(2 pi j / n) b,
    h = unit(v x up) horizontal and b = unit(h x v), both normal to v: equal
    separation speeds spread evenly about the flight direction, so the sum of
    the kicks is zero for n >= 2 (the break-up conserves momentum when the
    fragments are of equal mass).
    """
    up = r_pf_m / np.linalg.norm(r_pf_m)
    h = np.cross(v_pf_m_s, up)
    hn = np.linalg.norm(h)
    if hn == 0.0:  # vertical flight: any horizontal axis
        h = np.cross(up, [1.0, 0.0, 0.0] if abs(up[0]) < 0.9 else [0.0, 1.0, 0.0])
        hn = np.linalg.norm(h)
    h = h / hn
    b = np.cross(h, v_pf_m_s)
    bn = np.linalg.norm(b)
    b = b / bn if bn > 0.0 else np.cross(up, h)
    ang = 2.0 * np.pi * np.arange(n) / n
    kicks = speed_m_s * (np.cos(ang)[:, None] * h + np.sin(ang)[:, None] * b)
    return v_pf_m_s[None, :] + kicks


def _fly(
    batch: Batch,
    mission: Mission,
    case,
    names,
    t0,
    y0,
    rtol: float,
    output_dt_s: float = 0.0,
    duration_s: float | None = None,
):
    p, mem = _child_params(batch, case, names, mission)
    if duration_s is not None:
        p[:, L.P_T_MAX_S] = duration_s
    settings = default_settings(
        rtol=rtol,
        atol=1e-6,
        max_step_s=batch.settings[L.SET_MAX_STEP_S],
        output_dt_s=output_dt_s,
    )
    return run_batch(t0, y0, p, mem, batch.model, settings, peaks=False, max_spawn=0)


def body_tracks(
    batch: Batch,
    mission: Mission,
    flights: BodyFlights,
    output_dt_s: float = 1.0,
    duration_s: float = 3000.0,
    rtol: float = 1e-8,
) -> RawBatch:
    """Every body of ``flights`` flown again from its separation with its trajectory recorded.

    One lane per body, in the order of ``flights.name``: the flight of
    :func:`fly_bodies` (same parameters and kernel; a body with a break-up
    stops there, its fragments start from it), sampled every ``output_dt_s``
    and at its end, for at most ``duration_s`` after its separation (which
    bounds the recorded rows). The samples add step breakpoints, so the end
    states differ from ``flights.y_rest`` within the integration tolerance:
    the tracks are for drawing, the rest points are ``flights``'.
    """
    return _fly(
        batch,
        mission,
        flights.case,
        flights.name,
        flights.t_separation_s,
        flights.y_separation,
        rtol,
        output_dt_s,
        duration_s,
    )


def fly_bodies(batch: Batch, mission: Mission, main: RawBatch, rtol: float = 1e-8) -> BodyFlights:
    """Fly every body the main pass jettisoned (and their break-up fragments) to rest."""
    case, slot = np.nonzero(main.spawn_body >= 0)
    names = [batch.body_names[b] for b in main.spawn_body[case, slot]]
    t0 = main.spawn_t_s[case, slot]
    y0 = main.spawn_y[case, slot]
    if len(case):
        raw = _fly(batch, mission, case, names, t0, y0, rtol)
        results = [(case, names, t0, y0, raw)]
        broke = np.nonzero(raw.event_fired[:, L.EV_STOP])[0]
        f_case, f_names, f_t0, f_y0 = [], [], [], []
        for i in broke:
            breakup = mission.spec.bodies[names[i]].breakup
            y_stop = raw.event_y[i, L.EV_STOP]
            v_frag = fragment_velocities(
                y_stop[3:6], y_stop[0:3], breakup.separation_speed_m_s, len(breakup.fragments)
            )
            for j, frag in enumerate(breakup.fragments):
                f_case.append(case[i])
                f_names.append(f"{names[i]}/{frag}")
                f_t0.append(raw.event_t_s[i, L.EV_STOP])
                y = y_stop.copy()
                y[3:6] = v_frag[j]
                y[L.S_MASS] = mission.spec.bodies[frag].mass_kg
                f_y0.append(y)
        if f_case:
            fc = np.asarray(f_case)
            ft0 = np.asarray(f_t0)
            fy0 = np.asarray(f_y0)
            raw_f = _fly(batch, mission, fc, f_names, ft0, fy0, rtol)
            results.append((fc, f_names, ft0, fy0, raw_f))
    else:
        results = []
    out_case, out_names, out_t0, out_y0, out_st, out_t, out_y = [], [], [], [], [], [], []
    for c, n, t, y, raw in results:
        landed = raw.event_fired[:, L.EV_GROUND]
        out_case.append(c)
        out_names.extend(n)
        out_t0.append(t)
        out_y0.append(y)
        out_st.append(raw.status)
        out_t.append(np.where(landed, raw.event_t_s[:, L.EV_GROUND], np.nan))
        out_y.append(np.where(landed[:, None], raw.event_y[:, L.EV_GROUND], np.nan))
    if not results:
        empty = np.zeros(0)
        return BodyFlights(
            empty.astype(np.int64),
            [],
            empty,
            np.zeros((0, L.N_STATE)),
            empty.astype(np.int64),
            empty,
            np.zeros((0, L.N_STATE)),
        )
    return BodyFlights(
        np.concatenate(out_case),
        out_names,
        np.concatenate(out_t0),
        np.concatenate(out_y0),
        np.concatenate(out_st),
        np.concatenate(out_t),
        np.concatenate(out_y),
    )
