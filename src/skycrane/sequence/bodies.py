"""Fly every jettisoned body to rest: the second and third passes of the kernel.

The main vehicle's pass records each separation in its spawn buffer (time,
state, body). This module flies all of those bodies, from every case at once,
through the same compiled kernel: ballistic (drag only, no lift), with the
open parachute for the backshell, until they reach the ground. A body with a
``breakup`` (the cruise stage) stops at its break-up altitude and its
fragments, each with its own separation velocity, are flown in a third pass.
A body with a ``disposal_burn`` (a service module) flies it first, on the
kernel's orbital burn (skycrane.propagate.dynamics.burn_terms, the deorbit
burn's: thrust along the inertial anti-velocity, times the case's
``P_BURN_THRUST_ERROR``, mass flow -T / (Isp g0)) in passes of their own: a
coast of ``delay_s`` from its separation, the burn's ``duration_s`` with the
burn's memory rows set, then on to break-up or the ground. Each pass is a
duration after its lanes' start (``P_T_MAX_S``); a body that breaks up or
lands before its burn ends is done where it stopped.

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

BODY_FIRST_STEP_S = 1.0
"""First trial step of a body pass [s] (E). A body leaves its parent on a smooth
ballistic arc, and the controller's first proposals grew 0.1 s by its bound of five
a step; starting at 1 s saved 15 % of the body passes' step attempts over 100
dispersed Mars 2020 landings, with rest points within 22 m (99th percentile 12 m)
of an rtol 1e-10 reference, the same as from 0.1 s (docs/monte_carlo.md)."""


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
    t_burn_s : float64[m, 2]
        Start and end of its disposal burn (NaN: none, or not reached or ended early).
    y_burn : float64[m, 2, N_STATE]
        State at them (NaN likewise).
    """

    case: np.ndarray
    name: list[str]
    t_separation_s: np.ndarray
    y_separation: np.ndarray
    status: np.ndarray
    t_rest_s: np.ndarray
    y_rest: np.ndarray
    t_burn_s: np.ndarray
    y_burn: np.ndarray


def _child_params(batch: Batch, case: np.ndarray, rows: list[str], mission: Mission):
    """Parameter and memory rows of bodies ``rows`` of cases ``case``: ballistic, own drag.

    A body inherits its case's parameters (so it flies through that case's
    atmosphere and winds) with the main vehicle's lift, drag scale and stop
    condition removed, and no heating pulses tracked (only the main vehicle's
    are reported). The pass's duration (``P_T_MAX_S``) is :func:`_pass`'s to set.
    """
    spec = mission.spec
    p = batch.params[case]  # a copy: integer-array indexing
    p[:, L.P_PULSE_THRESHOLD_W_M2] = 0.0
    p[:, L.P_CL_SCALE] = 0.0
    p[:, L.P_CD_SCALE] = 1.0
    p[:, L.P_GROUND_OK] = 1.0
    p[:, L.P_STOP_KIND] = L.STOP_NONE
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


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a x b of rows of 3-vectors (``[..., 3]``): np.cross's products and differences
    without its axis handling (0.1 ms a call, once per broken-up body before)."""
    return np.stack(
        [
            a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
            a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
            a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0],
        ],
        axis=-1,
    )


def _norm(a: np.ndarray) -> np.ndarray:
    """Euclidean length of each row of 3-vectors ``a[..., 3]``."""
    return np.sqrt(a[..., 0] * a[..., 0] + a[..., 1] * a[..., 1] + a[..., 2] * a[..., 2])


def fragment_velocities_rows(v_pf_m_s: np.ndarray, r_pf_m: np.ndarray, speed_m_s: float, n: int):
    """:func:`fragment_velocities` of ``m`` bodies at once: ``v_pf_m_s``, ``r_pf_m`` are
    ``[m, 3]``, the result ``[m, n, 3]``. Each row is computed on its own (the same
    operations whatever ``m``), so a body's fragments do not depend on its batch."""
    v = np.asarray(v_pf_m_s, dtype=np.float64)
    r = np.asarray(r_pf_m, dtype=np.float64)
    up = r / _norm(r)[:, None]
    h = _cross(v, up)
    hn = _norm(h)
    vertical = hn == 0.0
    if np.any(vertical):  # vertical flight: any horizontal axis
        axis = np.where((np.abs(up[:, 0]) < 0.9)[:, None], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0])
        h = np.where(vertical[:, None], _cross(up, axis), h)
        hn = _norm(h)
    h = h / hn[:, None]
    b = _cross(h, v)
    bn = _norm(b)
    b = np.where((bn > 0.0)[:, None], b / np.where(bn > 0.0, bn, 1.0)[:, None], _cross(up, h))
    ang = 2.0 * np.pi * np.arange(n) / n
    kicks = speed_m_s * (
        np.cos(ang)[None, :, None] * h[:, None, :] + np.sin(ang)[None, :, None] * b[:, None, :]
    )
    return v[:, None, :] + kicks


def fragment_velocities(v_pf_m_s: np.ndarray, r_pf_m: np.ndarray, speed_m_s: float, n: int):
    """Velocities of the ``n`` fragments of a body at ``r_pf_m`` moving at ``v_pf_m_s``.

    Each adds ``speed_m_s`` along e_j = cos(2 pi j / n) h + sin(2 pi j / n) b,
    h = unit(v x up) horizontal and b = unit(h x v), both normal to v: equal
    separation speeds spread evenly about the flight direction, so the sum of
    the kicks is zero for n >= 2 (the break-up conserves momentum when the
    fragments are of equal mass).
    """
    v = np.asarray(v_pf_m_s, dtype=np.float64)[None, :]
    return fragment_velocities_rows(v, np.asarray(r_pf_m, dtype=np.float64)[None, :], speed_m_s, n)[
        0
    ]


def _stages(mission: Mission, name: str) -> list[tuple[float | None, object]]:
    """The passes body ``name`` is flown in: (duration [s] or None: to rest, burn or None).

    A body with a disposal burn coasts ``delay_s``, burns ``duration_s``, then flies to rest;
    a fragment (``parent/name``) and any other body fly to rest at once.
    """
    body = mission.spec.bodies.get(name)
    burn = None if body is None or "/" in name else body.disposal_burn
    if burn is None:
        return [(None, None)]
    return [(burn.delay_s, None), (burn.duration_s, burn), (None, None)]


def _pass(batch: Batch, mission: Mission, case, names, t0, y0, rtol, output_dt_s, t_max_s, burns):
    """One kernel pass of lanes ``names``: at most ``t_max_s[k]`` after ``t0[k]``, lane k
    burning ``burns[k]`` (a DisposalBurnSpec, or None) at the case's thrust error."""
    p, mem = _child_params(batch, case, names, mission)
    p[:, L.P_T_MAX_S] = t_max_s
    for k, burn in enumerate(burns):
        if burn is not None:  # as the event action that starts the deorbit burn sets them
            mem[k, L.M_BURN_THRUST_N] = burn.thrust_n * (1.0 + p[k, L.P_BURN_THRUST_ERROR])
            mem[k, L.M_BURN_ISP_S] = burn.isp_s
    settings = default_settings(
        rtol=rtol,
        atol=1e-6,
        max_step_s=batch.settings[L.SET_MAX_STEP_S],
        output_dt_s=output_dt_s,
        first_step_s=BODY_FIRST_STEP_S,
    )
    return run_batch(t0, y0, p, mem, batch.model, settings, peaks=False, max_spawn=0)


def _chain(done: RawBatch, lanes: np.ndarray, then: RawBatch) -> RawBatch:
    """``done`` with lanes ``lanes`` flown on by ``then``: its end, its events where they fired,
    the recorded samples appended (the first dropped where it repeats the last), steps added."""
    fired = then.event_fired
    out = {
        "status": done.status.copy(),
        "t_end_s": done.t_end_s.copy(),
        "y_end": done.y_end.copy(),
        "event_t_s": done.event_t_s.copy(),
        "event_y": done.event_y.copy(),
        "event_value": done.event_value.copy(),
        "event_fired": done.event_fired.copy(),
        "n_steps": done.n_steps.copy(),
        "n_rejected": done.n_rejected.copy(),
    }
    for key in ("status", "t_end_s", "y_end"):
        out[key][lanes] = getattr(then, key)
    for key in ("event_t_s", "event_y", "event_value"):
        rows = out[key][lanes]
        new = getattr(then, key)
        mask = fired if new.ndim == 2 else fired[:, :, None]
        out[key][lanes] = np.where(mask, new, rows)
    out["event_fired"][lanes] |= fired
    out["n_steps"][lanes] += then.n_steps
    out["n_rejected"][lanes] += then.n_rejected
    width = done.traj_t_s.shape[1] + then.traj_t_s.shape[1]
    traj_t = np.full((len(done.status), width), np.nan)
    traj_y = np.full((len(done.status), width, done.traj_y.shape[2]), np.nan)
    traj_aux = np.full((len(done.status), width, done.traj_aux.shape[2]), np.nan)
    traj_n = done.traj_n.copy()
    for i in range(len(done.status)):
        n = int(done.traj_n[i])
        traj_t[i, :n] = done.traj_t_s[i, :n]
        traj_y[i, :n] = done.traj_y[i, :n]
        traj_aux[i, :n] = done.traj_aux[i, :n]
    for k, i in enumerate(lanes):
        n, m = int(traj_n[i]), int(then.traj_n[k])
        skip = int(n > 0 and m > 0 and then.traj_t_s[k, 0] == traj_t[i, n - 1])
        traj_t[i, n : n + m - skip] = then.traj_t_s[k, skip:m]
        traj_y[i, n : n + m - skip] = then.traj_y[k, skip:m]
        traj_aux[i, n : n + m - skip] = then.traj_aux[k, skip:m]
        traj_n[i] = n + m - skip
    return RawBatch(
        spawn_t_s=done.spawn_t_s,
        spawn_y=done.spawn_y,
        spawn_body=done.spawn_body,
        traj_t_s=traj_t,
        traj_y=traj_y,
        traj_aux=traj_aux,
        traj_n=traj_n,
        **out,
    )


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
    """Every lane flown through its stages (:func:`_stages`) for at most ``duration_s``.

    Returns the lanes' flights as one RawBatch, with the start and end (t, y) of each
    lane's disposal burn (NaN where it has none or did not fly all of it).
    """
    n = len(names)
    stages_of = {name: _stages(mission, name) for name in dict.fromkeys(names)}
    plan = [stages_of[name] for name in names]
    limit = 1.0e6 if duration_s is None else duration_s
    t_burn = np.full((n, 2), np.nan)
    y_burn = np.full((n, 2, L.N_STATE), np.nan)
    going = np.arange(n)
    t_now, y_now = np.asarray(t0, float), np.asarray(y0, float)
    raw = None
    step = 0
    while going.size:
        stage = [plan[k][step] for k in going]
        elapsed = t_now - np.asarray(t0, float)[going]
        left = limit - elapsed
        t_max = np.array(
            [left[j] if d is None else min(d, left[j]) for j, (d, _) in enumerate(stage)]
        )
        burns = [b for _, b in stage]
        piece = _pass(
            batch,
            mission,
            case[going],
            [names[k] for k in going],
            t_now,
            y_now,
            rtol,
            output_dt_s,
            t_max,
            burns,
        )
        raw = piece if raw is None else _chain(raw, going, piece)
        on = np.array([len(plan[k]) > step + 1 for k in going], dtype=bool)
        on &= (piece.status == L.ST_TIME_LIMIT) | (piece.status == L.ST_NOT_DEORBITED)
        on &= piece.t_end_s - np.asarray(t0, float)[going] < limit * (1.0 - 1e-12)
        burning = np.array([b is not None for b in burns], dtype=bool)
        full = burning & on  # the burn flown to its end
        t_burn[going[full], 0] = t_now[full]
        y_burn[going[full], 0] = y_now[full]
        t_burn[going[full], 1] = piece.t_end_s[full]
        y_burn[going[full], 1] = piece.y_end[full]
        going, t_now, y_now = going[on], piece.t_end_s[on], piece.y_end[on]
        step += 1
    return raw, t_burn, y_burn


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
    and at the end of each of its passes (a disposal burn's coast and burn, its
    flight to rest), for at most ``duration_s`` after its separation (which
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
    )[0]


def _fragments(mission: Mission, case: np.ndarray, names: list[str], raw: RawBatch):
    """(case, name, t0, y0) of the fragments of every body of ``raw`` that broke up, each
    body's in the order of its ``breakup.fragments``, bodies in lane order; None if none broke.

    The velocities of all bodies of one name are computed at once
    (:func:`fragment_velocities_rows`), not per body.
    """
    broke = np.nonzero(raw.event_fired[:, L.EV_STOP])[0]
    if broke.size == 0:
        return None
    specs = [mission.spec.bodies[names[i]].breakup for i in broke]
    counts = np.array([len(bk.fragments) for bk in specs], dtype=np.int64)
    first = np.cumsum(counts) - counts  # row of each body's first fragment
    y_stop = raw.event_y[broke, L.EV_STOP]
    f_y0 = np.repeat(y_stop, counts, axis=0)
    parent = np.array([names[i] for i in broke], dtype=object)
    for name in dict.fromkeys(parent):
        sel = np.nonzero(parent == name)[0]
        breakup = mission.spec.bodies[name].breakup
        n = len(breakup.fragments)
        v = fragment_velocities_rows(
            y_stop[sel, 3:6], y_stop[sel, 0:3], breakup.separation_speed_m_s, n
        )
        rows = first[sel][:, None] + np.arange(n)[None, :]
        f_y0[rows, 3:6] = v
        f_y0[rows, L.S_MASS] = [mission.spec.bodies[frag].mass_kg for frag in breakup.fragments]
    f_names = [
        f"{names[i]}/{frag}" for i, bk in zip(broke, specs, strict=True) for frag in bk.fragments
    ]
    f_case = np.repeat(case[broke], counts)
    f_t0 = np.repeat(raw.event_t_s[broke, L.EV_STOP], counts)
    return f_case, f_names, f_t0, f_y0


BODY_BLOCK = 1024
"""Lanes of one kernel pass of :func:`fly_bodies` (E). A chunk of 625 dispersed Mars 2020
landings jettisons 7,500 bodies, whose event records (62 events of 13 states a lane) took
48 MB of fresh memory a pass, and the page faults of such an allocation cost 3-4 % of
the chunk; blocks of this many lanes reuse memory the allocator keeps. Each lane's flight
does not depend on its batch, so the rest points do not depend on it either."""


def _fly_to_rest(batch: Batch, mission: Mission, case, names, t0, y0, rtol: float):
    """Lanes flown to rest, :data:`BODY_BLOCK` at a time: per lane (status, t and y at
    rest or NaN, t_burn, y_burn), and the fragments of those that broke up (as
    :func:`_fragments`, None if none)."""
    parts, frags = [], []
    for a in range(0, len(case), BODY_BLOCK):
        s = slice(a, a + BODY_BLOCK)
        raw, t_burn, y_burn = _fly(batch, mission, case[s], names[s], t0[s], y0[s], rtol)
        landed = raw.event_fired[:, L.EV_GROUND]
        t_rest = np.where(landed, raw.event_t_s[:, L.EV_GROUND], np.nan)
        y_rest = np.where(landed[:, None], raw.event_y[:, L.EV_GROUND], np.nan)
        parts.append((raw.status, t_rest, y_rest, t_burn, y_burn))
        frag = _fragments(mission, case[s], names[s], raw)
        if frag is not None:
            frags.append(frag)
    flown = tuple(np.concatenate(column) for column in zip(*parts, strict=True))
    if not frags:
        return flown, None
    f_case, f_names, f_t0, f_y0 = zip(*frags, strict=True)
    f_names = [name for block in f_names for name in block]
    return flown, (np.concatenate(f_case), f_names, np.concatenate(f_t0), np.concatenate(f_y0))


def fly_bodies(batch: Batch, mission: Mission, main: RawBatch, rtol: float = 1e-8) -> BodyFlights:
    """Fly every body the main pass jettisoned (and their break-up fragments) to rest."""
    case, slot = np.nonzero(main.spawn_body >= 0)
    if not len(case):
        empty = np.zeros(0)
        return BodyFlights(
            empty.astype(np.int64),
            [],
            empty,
            np.zeros((0, L.N_STATE)),
            empty.astype(np.int64),
            empty,
            np.zeros((0, L.N_STATE)),
            np.zeros((0, 2)),
            np.zeros((0, 2, L.N_STATE)),
        )
    names = [batch.body_names[b] for b in main.spawn_body[case, slot]]
    t0 = main.spawn_t_s[case, slot]
    y0 = main.spawn_y[case, slot]
    flown, frag = _fly_to_rest(batch, mission, case, names, t0, y0, rtol)
    lanes = [(case, names, t0, y0, *flown)]
    if frag is not None:
        f_flown, _ = _fly_to_rest(batch, mission, *frag, rtol)  # fragments do not break up
        lanes.append((*frag, *f_flown))
    c, n, t, y, status, t_rest, y_rest, t_burn, y_burn = zip(*lanes, strict=True)
    return BodyFlights(
        np.concatenate(c),
        [name for block in n for name in block],
        np.concatenate(t),
        np.concatenate(y),
        np.concatenate(status),
        np.concatenate(t_rest),
        np.concatenate(y_rest),
        np.concatenate(t_burn),
        np.concatenate(y_burn),
    )
