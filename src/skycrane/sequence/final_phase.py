"""The Apollo final phase of a skip entry: its reference trajectory, recomputed before flight.

PredGuid, the skip guidance Orion flies, keeps "the Apollo final phase with a
recomputed reference trajectory" (Bairstow, MIT SM thesis 2006): after the
skip, the terminal point controller of :mod:`skycrane.guidance.entry`
(Apollo's final phase, Graves & Harpold, NASA TN D-6725, as MSL flew it)
steers range to go against a reference trajectory and its adjoint
sensitivities. With ``[guidance.skip] final_phase = true`` that reference is
built on the ground, as the Mars entry reference is
(:func:`skycrane.sequence.preflight.entry_guidance`), in three steps:

1. The nominal flight is flown once with the hand-over point only marked
   (``skip_layout.FINAL_MARK``): the predictor-corrector flies it to the end,
   and the state at the hand-over (re-entry after the skip, or below the
   hand-over speed descending; ``skip_cycle.final_phase_due``) is the
   reference's start.
2. Apollo's reference flies a constant vertical L/D; the bank chosen is the
   one whose planar flight from that state covers the nominal's range to go
   there (:func:`~skycrane.guidance.entry_reference.constant_bank_for_range`),
   so the nominal hands over on its reference.
3. The reference and its sensitivities
   (:func:`~skycrane.guidance.entry_reference.build_entry_reference`) from
   that state to the predictor-corrector's final speed, with the capsule's
   C_D and L/D against Mach and the planet's rotation along the great circle
   to the target; cached on disk like the Mars reference.

The gains are ``[guidance.entry]``'s (gain, heading alignment), the L/D the
one the skip guidance believes.
"""

from __future__ import annotations

import math

import numpy as np

from skycrane.contract import layout as L
from skycrane.errors import InputError
from skycrane.guidance.entry_layout import (
    G_BANK_MAX,
    G_BANK_MIN,
    G_GAIN_K,
    G_K_HA,
    G_LD,
    G_V_HA,
    default_gains,
)
from skycrane.guidance.entry_reference import (
    EntryPoint,
    MachAero,
    build_entry_reference,
    constant_bank_for_range,
)
from skycrane.guidance.skip_layout import FINAL_MARK, SP_FINAL_MODE, SP_V_F_M_S
from skycrane.missions.loader import Mission
from skycrane.planets import lla_from_pf, pf_from_lla
from skycrane.propagate.kernel import run_batch
from skycrane.sequence import reference_cache
from skycrane.sequence.batch import Batch
from skycrane.sequence.preflight import memoised, mission_digest, read_only, reference_rotation
from skycrane.sequence.skip_setup import believed_vehicle, skip_params

__all__ = ["final_phase_guidance", "hand_over_state"]

_KEY = "guidance.skip.final_phase"


def final_phase_guidance(mission: Mission, nominal: Batch) -> tuple[np.ndarray, np.ndarray]:
    """The final phase's reference table and gains (read-only), memoised on the mission.

    ``nominal`` is the one-case nominal batch, packed without an entry
    reference. Refuses, naming ``guidance.skip.final_phase``, a nominal
    flight that never reaches the hand-over or whose range to go there no
    constant bank can fly.
    """
    return memoised("final_phase", mission_digest(mission), lambda: _solve(mission, nominal))


def hand_over_state(nominal: Batch) -> np.ndarray | None:
    """The nominal flight's state (layout.S_*) at the final-phase hand-over, or None if none."""
    params = nominal.params[:1].copy()
    params[:, L.P_SKIP0 + SP_FINAL_MODE] = float(FINAL_MARK)
    raw = run_batch(
        nominal.t0_s, nominal.y0[:1], params, nominal.mem0[:1], nominal.model, nominal.settings
    )
    if not raw.event_fired[0, L.EV_FINAL_PHASE]:
        return None
    return np.array(raw.event_y[0, L.EV_FINAL_PHASE])


def _solve(mission: Mission, nominal: Batch) -> tuple[np.ndarray, np.ndarray]:
    y = hand_over_state(nominal)
    if y is None:
        raise InputError(
            _KEY,
            True,
            "a nominal flight that reaches the hand-over (re-entry after a skip, or "
            "guidance.skip.final_phase_speed_m_s while descending)",
        )
    planet = mission.planet
    r, v = y[0:3], y[3:6]
    speed = float(np.linalg.norm(v))
    gamma = math.asin(float(np.dot(v, r)) / (speed * float(np.linalg.norm(r))))
    altitude = float(np.asarray(lla_from_pf(r, planet)[2]))
    tgt = mission.spec.target
    t = np.asarray(pf_from_lla(tgt.latitude_deg, tgt.longitude_deg, tgt.altitude_m, planet))
    cos_angle = float(np.dot(r, t)) / float(np.linalg.norm(r) * np.linalg.norm(t))
    range_m = planet.mean_radius_m * math.acos(min(1.0, max(-1.0, cos_angle)))
    beta, ld = believed_vehicle(mission)
    aero = mission.capsule_aero
    atm = mission.atmosphere
    scale = mission.spec.atmosphere.density_scale
    v_end = float(skip_params(mission)[SP_V_F_M_S])
    rotation = reference_rotation(mission, y)
    gains = default_gains(planet.mean_radius_m, 0.0)
    g = mission.spec.guidance.entry
    gains[G_GAIN_K] = g.gain
    gains[G_LD] = ld
    gains[G_V_HA] = g.heading_alignment_speed_m_s
    gains[G_K_HA] = g.heading_alignment_gain
    common = {
        "mu_m3_s2": planet.mu_m3_s2,
        "planet_radius_m": planet.mean_radius_m,
        "density_kg_m3": lambda h: scale * atm.evaluate(h).density_kg_m3,
        "ballistic_coefficient_kg_m2": beta,
        "lift_to_drag": ld,
        "entry": EntryPoint(speed, gamma, altitude),
        "v_end_m_s": v_end,
        "rotation": rotation,
        "aero": MachAero(
            mach=np.asarray(aero.mach, dtype=np.float64),
            drag_factor=np.asarray(aero.drag_coefficient, dtype=np.float64)
            / float(aero.drag_coefficient[-1]),
            lift_to_drag=np.asarray(aero.lift_to_drag, dtype=np.float64),
            speed_of_sound=lambda h: atm.evaluate(h).speed_of_sound_m_s,
        ),
    }
    limits = (math.degrees(gains[G_BANK_MIN]), math.degrees(gains[G_BANK_MAX]))
    inputs = ("final_phase", *rotation, beta, ld, speed, gamma, altitude, range_m, v_end, scale)
    inputs += (tuple(aero.mach), tuple(aero.drag_coefficient), tuple(aero.lift_to_drag))

    def build() -> np.ndarray:
        bank_deg = constant_bank_for_range(range_m, limits, **common)
        profile = (np.array([0.0, 1.0]), np.array([bank_deg, bank_deg]))
        return build_entry_reference(
            scale_height_m=None, bank_profile_deg=profile, **common
        ).kernel_table()

    try:
        table = reference_cache.get(inputs, atm, build)
    except ValueError as exc:
        raise InputError(
            _KEY,
            True,
            f"a hand-over state ({speed:.0f} m/s, {math.degrees(gamma):.2f} deg, "
            f"{altitude / 1e3:.1f} km, {range_m / 1e3:.0f} km to go) a final-phase "
            f"reference can fly from ({exc})",
        ) from None
    return read_only(table), read_only(gains)
