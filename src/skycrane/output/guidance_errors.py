"""The entry guidance's range and crossrange errors along a flown trajectory.

The kernel records what the Entry Terminal Point Controller computed at each
1 Hz cycle (``skycrane.guidance.cycles.entry_cycle``): the filtered drag, the
range to go, its predicted range and the crossrange angle, with the cycle's
time, held between cycles in the result's trajectory
(:class:`skycrane.results.Trajectory`). This module takes each cycle once, at
its own time, and sets it beside the reference table the kernel flew
(:func:`skycrane.sequence.build.entry_reference`, cached) with the
controller's definitions (``docs/entry_guidance.md``; GUIDANCE.md 1.3 and 1.4):

* **range to go** R: great-circle distance on the sphere of the planet's mean
  radius from the navigated position to the target (GUIDANCE.md 1.3 step 2);
* **range minus reference** R - R_ref(V): the range still to fly minus the
  reference trajectory's range to go at the same planet-relative speed V (the
  reference is tabulated against V, GUIDANCE.md 1.2). Positive: more range to
  go than the reference at this speed;
* **range minus prediction** R - R_p, R_p = R_ref + F1 (D_f - D_ref) +
  F2 (hdot - hdot_ref) (GUIDANCE.md 1.3), D_f the filtered drag: the error
  the longitudinal law steers on, u_c = u_ref + K (R - R_p) / F3. Positive:
  the vehicle would land short, so the law lifts up;
* **crossrange**: the distance of the target from the vehicle's plane of
  motion, R_M * asin(chi), chi = r_tgt_hat . unit(r_nav x v) (GUIDANCE.md
  1.4). Positive: the target lies to the left, the guidance's sign;
* **deadband** R_M * asin(Y), Y = c0 + c2 V^2: the crossrange beyond which the
  law reverses the bank in range control (GUIDANCE.md 1.4; halved near full
  lift, which is not shown).

Only the cycles are shown: nothing before the guidance's first. Both range
errors are NaN outside range control's use of them: before range
control starts (the law uses them only from then on, GUIDANCE.md 1.1), before
the flight's highest speed after the entry interface (the table covers the
decelerating branch only: V does not identify a point of the reference while
it still grows) and outside the table's speeds (the law clamps there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from skycrane.guidance.entry_layout import G_DEADBAND_C0, G_DEADBAND_C2, REF_RANGE, REF_V

__all__ = ["GuidanceErrors", "guidance_errors", "guided_entry_window_s"]


@dataclass(frozen=True, slots=True)
class GuidanceErrors:
    """The entry guidance's errors at each of its cycles (see the module docstring).

    Attributes
    ----------
    t_s : numpy.ndarray
        Time of each entry-guidance cycle from the entry interface, s.
    speed_m_s : numpy.ndarray
        Planet-relative speed V, m/s.
    range_to_go_m : numpy.ndarray
        Great-circle range from the navigated position to the target, m.
    reference_range_to_go_m : numpy.ndarray
        The reference's range to go R_ref at the same V, m.
    range_minus_reference_m : numpy.ndarray
        R - R_ref(V), m; positive: more range to go than the reference.
    predicted_range_m : numpy.ndarray
        The law's predicted range R_p, m.
    range_minus_predicted_m : numpy.ndarray
        R - R_p, m: what the longitudinal law nulls; positive: short.
    crossrange_m : numpy.ndarray
        Target's distance from the plane of motion, m; positive: target to the left.
    deadband_m : numpy.ndarray
        Bank-reversal deadband at V, m.
    t_guided_start_s, t_guided_end_s : float
        The guided entry, s from entry: see :func:`guided_entry_window_s`.
    """

    t_s: np.ndarray
    speed_m_s: np.ndarray
    range_to_go_m: np.ndarray
    reference_range_to_go_m: np.ndarray
    range_minus_reference_m: np.ndarray
    predicted_range_m: np.ndarray
    range_minus_predicted_m: np.ndarray
    crossrange_m: np.ndarray
    deadband_m: np.ndarray
    t_guided_start_s: float
    t_guided_end_s: float

    def at(self, t_s: float) -> dict[str, float]:
        """Every array's value at the cycle nearest ``t_s``."""
        k = int(np.argmin(np.abs(self.t_s - t_s)))
        return {
            name: float(getattr(self, name)[k])
            for name in self.__dataclass_fields__
            if not name.startswith("t_guided")
        }


def _switch_times_s(result, mission) -> tuple[float | None, float | None]:
    """Times [s from entry] of the sequence event turning the entry guidance on and of the
    next event changing the guidance (None when absent or not fired)."""
    times = {ev.name: ev.t_s for ev in result.events}
    seq = mission.spec.sequence
    on = off = None
    for ev in [] if seq is None else seq.events:
        if ev.name not in times or ev.guidance is None:
            continue
        if on is None and ev.guidance == "entry":
            on = times[ev.name]
        elif on is not None and ev.guidance != "entry":
            off = times[ev.name]
            break
    return on, off


def guided_entry_window_s(result, mission) -> tuple[float, float]:
    """Start and end of guided entry [s from entry].

    From the sequence event that turns the entry guidance on, but not before
    the entry interface, to the next event that changes the guidance (Mars
    2020: straighten up and fly right), else parachute deployment, else the
    end of the trajectory.
    """
    on, off = _switch_times_s(result, mission)
    if off is None:
        times = {ev.name: ev.t_s for ev in result.events}
        off = times.get("parachute_deploy", float(result.trajectory.t_s[-1]))
    return max(0.0 if on is None else on, 0.0), off


def guidance_errors(result, mission) -> GuidanceErrors | None:
    """The guidance's range errors, crossrange and deadband along the whole trajectory.

    Parameters
    ----------
    result : skycrane.results.Result
        A flown case (its ``trajectory`` with the guidance's telemetry, and ``events``).
    mission : skycrane.Mission
        The mission it flew (planet, reference table and gains, sequence).

    Returns
    -------
    GuidanceErrors or None
        None when the mission flies no terminal point controller
        (``[guidance.entry] mode`` other than ``terminal_point_controller``).
    """
    from skycrane.sequence.build import entry_reference  # the table the kernel flew (cached)

    if mission.spec.guidance.entry.mode != "terminal_point_controller":
        return None
    guidance = entry_reference(mission)
    if guidance is None:
        return None
    table, gains = guidance
    radius_m = mission.planet.mean_radius_m
    tr = result.trajectory
    t0, t1 = guided_entry_window_s(result, mission)
    entry = np.nonzero((tr.t_s >= 0.0) & (tr.t_s <= t1))[0]
    t_v_max = tr.t_s[entry[np.argmax(tr.speed_m_s[entry])]] if entry.size else -np.inf
    # each cycle's outputs are held over the samples up to the next: take each once
    recorded = np.flatnonzero(np.isfinite(tr.entry_cycle_t_s))
    _, first = np.unique(tr.entry_cycle_t_s[recorded], return_index=True)
    rows = recorded[first]
    t = tr.entry_cycle_t_s[rows]
    v = np.interp(t, tr.t_s, tr.speed_m_s)  # V at the cycle (microseconds from a sample)
    range_to_go_m = tr.range_to_go_m[rows]
    t_rc = next((ev.t_s for ev in result.events if ev.name == "range_control_start"), -np.inf)
    v_nodes = table[REF_V]
    valid = (v >= v_nodes[0]) & (v <= v_nodes[-1]) & (t >= max(t_v_max, t_rc))
    r_ref = np.where(valid, np.interp(v, v_nodes, table[REF_RANGE]), np.nan)
    r_pred = np.where(valid, tr.predicted_range_m[rows], np.nan)
    y_rad = gains[G_DEADBAND_C0] + gains[G_DEADBAND_C2] * v * v
    return GuidanceErrors(
        t_s=t,
        speed_m_s=v,
        range_to_go_m=range_to_go_m,
        reference_range_to_go_m=r_ref,
        range_minus_reference_m=range_to_go_m - r_ref,
        predicted_range_m=r_pred,
        range_minus_predicted_m=range_to_go_m - r_pred,
        crossrange_m=radius_m * np.arcsin(np.clip(tr.crossrange_rad[rows], -1.0, 1.0)),
        deadband_m=radius_m * np.arcsin(np.clip(y_rad, -1.0, 1.0)),
        t_guided_start_s=t0,
        t_guided_end_s=t1,
    )
