"""The entry guidance's range and crossrange errors, recomputed from a flown trajectory.

The compiled kernel does not record what the Entry Terminal Point Controller
saw at each cycle, so the errors it steers on are recomputed here after the
fact, in plain numpy, from the recorded trajectory (1 s samples, on the
guidance's 1 Hz cycle), the mission's target and the reference table the
kernel flew (:func:`skycrane.sequence.build.entry_reference`, cached). The
definitions are the controller's (``docs/entry_guidance.md``; GUIDANCE.md 1.3
and 1.4; ``skycrane.sequence.program.entry_cycle``):

* **range to go** R: great-circle distance on the sphere of the planet's mean
  radius from the navigated position (true position plus the inertial
  navigation error ``[navigation] position_error_enu_m``) to the target,
  R_M * angle(r_nav, r_tgt) (GUIDANCE.md 1.3 step 2; the kernel's
  ``range_to_go_m``);
* **range minus reference** R - R_ref(V): the range still to fly minus the
  reference trajectory's range to go at the same planet-relative speed V (the
  reference is tabulated against V, GUIDANCE.md 1.2). Positive: more range to
  go than the reference at this speed;
* **range minus prediction** R - R_p, R_p = R_ref + F1 (D_f - D_ref) +
  F2 (hdot - hdot_ref) (GUIDANCE.md 1.3): the error the longitudinal law
  steers on, u_c = u_ref + K (R - R_p) / F3. Positive: the vehicle would land
  short, so the law lifts up. D_f is the kernel's filtered drag: the drag is
  recovered from the recorded aerodynamic deceleration a as
  a C_D / hypot(C_D, C_L) with the capsule's trim coefficients at the
  sample's Mach (lift and drag are perpendicular; C_L = 0 while the sequence
  has the lift off; nominal coefficient scales), then low-pass filtered as the
  kernel does (time constant ``DRAG_FILTER_TAU_S``, one update per sample
  from the event that turns the guidance on);
* **crossrange**: the distance of the target from the vehicle's plane of
  motion (the great circle through the navigated position along the
  planet-relative velocity), R_M * asin(chi) with chi = r_tgt_hat .
  unit(r_nav x v) (GUIDANCE.md 1.4). Positive: the target lies to the left,
  the guidance's sign;
* **deadband** R_M * asin(Y), Y = c0 + c2 V^2: the crossrange beyond which the
  law reverses the bank in range control (GUIDANCE.md 1.4; halved near full
  lift, which is not shown).

Both range errors are NaN outside range control's use of them: before range
control starts (the law uses them only from then on, GUIDANCE.md 1.1), before
the flight's highest speed after the entry interface (the table covers the
decelerating branch only: V does not identify a point of the reference while
it still grows) and outside the table's speeds (the law clamps there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from skycrane.guidance.entry_layout import (
    G_DEADBAND_C0,
    G_DEADBAND_C2,
    REF_DRAG,
    REF_F1,
    REF_F2,
    REF_HDOT,
    REF_RANGE,
    REF_V,
)
from skycrane.planets import enu_matrix, pf_from_lla
from skycrane.results import G0_EARTH_M_S2

__all__ = ["GuidanceErrors", "guidance_errors", "guided_entry_window_s"]


@dataclass(frozen=True, slots=True)
class GuidanceErrors:
    """The entry guidance's errors at every trajectory sample (see the module docstring).

    Attributes
    ----------
    t_s : numpy.ndarray
        Time from the entry interface, s (the result's trajectory samples).
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
        """Every array's value at the sample nearest ``t_s``."""
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


def _lift_on(result, mission) -> np.ndarray:
    """1.0 where the sequence has the capsule's lift on, per sample (as the kernel sets it)."""
    times = {ev.name: ev.t_s for ev in result.events}
    seq = mission.spec.sequence
    changes = [] if seq is None else [e for e in seq.events if e.lift is not None]
    # skycrane.sequence.build.nominal_memory: off until the first event that turns it on
    first = changes[0].lift if changes else None
    lift = np.full(result.trajectory.t_s.shape, 0.0 if first is True else 1.0)
    for ev in changes:
        if ev.name in times:
            lift[result.trajectory.t_s >= times[ev.name]] = 1.0 if ev.lift else 0.0
    return lift


def _filtered_drag_m_s2(result, mission, t_on_s: float) -> np.ndarray:
    """The kernel's filtered drag at each sample, recovered from the aerodynamic deceleration."""
    from skycrane.sequence.program import DRAG_FILTER_TAU_S

    tr = result.trajectory
    aero = mission.capsule_aero
    cd = np.interp(tr.mach, aero.mach, aero.drag_coefficient)
    cl = np.interp(tr.mach, aero.mach, aero.lift_coefficient) * _lift_on(result, mission)
    drag = tr.deceleration_earth_g * G0_EARTH_M_S2 * cd / np.hypot(cd, cl)
    out = np.zeros_like(drag)
    d_f, t_prev = 0.0, None
    for k in np.nonzero(tr.t_s >= t_on_s - 1e-3)[0]:
        dt = 0.0 if t_prev is None else tr.t_s[k] - t_prev
        d_f = drag[k] + np.exp(-dt / DRAG_FILTER_TAU_S) * (d_f - drag[k])
        out[k], t_prev = d_f, tr.t_s[k]
    return out


def guidance_errors(result, mission) -> GuidanceErrors | None:
    """The guidance's range errors, crossrange and deadband along the whole trajectory.

    Parameters
    ----------
    result : skycrane.results.Result
        A flown case (its ``trajectory`` and ``events``).
    mission : skycrane.Mission
        The mission it flew (target, planet, navigation error, reference,
        capsule aerodynamics, sequence).

    Returns
    -------
    GuidanceErrors or None
        None when the mission flies no terminal point controller
        (``[guidance.entry] mode`` other than ``terminal_point_controller``).
    """
    from skycrane.sequence.build import entry_reference  # the table the kernel flew (cached)

    guidance = entry_reference(mission)
    if guidance is None:
        return None
    table, gains = guidance
    planet, tgt = mission.planet, mission.spec.target
    radius_m = planet.mean_radius_m
    tr = result.trajectory
    enu = enu_matrix(tgt.latitude_deg, tgt.longitude_deg, planet)
    nav_error_pf_m = np.asarray(mission.spec.navigation.position_error_enu_m, float) @ enu
    r_nav = tr.r_pf_m + nav_error_pf_m
    r_hat = r_nav / np.linalg.norm(r_nav, axis=1)[:, None]
    t_hat = pf_from_lla(tgt.latitude_deg, tgt.longitude_deg, tgt.altitude_m, planet)
    t_hat = t_hat / np.linalg.norm(t_hat)
    # angle between r and the target, atan2 form (accurate at small angles)
    sin_angle = np.linalg.norm(np.cross(r_hat, t_hat), axis=1)
    range_to_go_m = radius_m * np.arctan2(sin_angle, r_hat @ t_hat)
    n = np.cross(r_nav, tr.v_pf_m_s)
    n_norm = np.linalg.norm(n, axis=1)
    chi = np.divide(n @ t_hat, n_norm, out=np.zeros_like(n_norm), where=n_norm > 0.0)
    crossrange_m = radius_m * np.arcsin(np.clip(chi, -1.0, 1.0))

    v = tr.speed_m_s
    t0, t1 = guided_entry_window_s(result, mission)
    on, _ = _switch_times_s(result, mission)
    entry = np.nonzero((tr.t_s >= 0.0) & (tr.t_s <= t1))[0]
    t_v_max = tr.t_s[entry[np.argmax(v[entry])]] if entry.size else -np.inf
    t_rc = next((ev.t_s for ev in result.events if ev.name == "range_control_start"), -np.inf)
    v_nodes = table[REF_V]
    valid = (v >= v_nodes[0]) & (v <= v_nodes[-1]) & (tr.t_s >= max(t_v_max, t_rc))

    def ref(row: int) -> np.ndarray:
        return np.where(valid, np.interp(v, v_nodes, table[row]), np.nan)

    hdot_m_s = np.einsum("ij,ij->i", tr.v_pf_m_s, r_hat)
    drag_f = _filtered_drag_m_s2(result, mission, t0 if on is None else on)
    r_ref = ref(REF_RANGE)
    # GUIDANCE.md 1.3: R_p = R_ref + F1 (D - D_ref) + F2 (hdot - hdot_ref)
    r_pred = r_ref + ref(REF_F1) * (drag_f - ref(REF_DRAG))
    r_pred = r_pred + ref(REF_F2) * (hdot_m_s - ref(REF_HDOT))
    y_rad = gains[G_DEADBAND_C0] + gains[G_DEADBAND_C2] * v * v
    return GuidanceErrors(
        t_s=tr.t_s,
        speed_m_s=v,
        range_to_go_m=range_to_go_m,
        reference_range_to_go_m=r_ref,
        range_minus_reference_m=range_to_go_m - r_ref,
        predicted_range_m=r_pred,
        range_minus_predicted_m=range_to_go_m - r_pred,
        crossrange_m=crossrange_m,
        deadband_m=radius_m * np.arcsin(np.clip(y_rad, -1.0, 1.0)),
        t_guided_start_s=t0,
        t_guided_end_s=t1,
    )
