"""``[guidance.skip]``: the skip-entry guidance a capsule flies from ``guidance = "skip"``.

The numeric predictor-corrector of :mod:`skycrane.guidance.skip` (FNPEG after
Lu, JGCD 37(3), 2014; docs/skip_guidance.md). Every key but ``mode`` and
``rate_hz`` is optional: unset, it keeps the value of
:func:`skycrane.guidance.skip_layout.default_skip_params`, whose docstring and
docs/skip_guidance.md give each one's source (S sourced, R from memory, T
tunable). The target is ``[target]``. The vehicle the guidance believes
defaults to the capsule itself: ``[vehicle.capsule] mass_kg``, its reference
area, and C_D and L/D at the highest Mach of its aerodynamic table (the
guidance's own hypersonic model, as the entry reference takes it).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from skycrane.missions.fields import Coefficient, Distance, Mass, Section, Speed

Bank = Annotated[float, Field(ge=0.0, le=180.0)]


class SkipGuidanceSpec(Section):
    """Skip-entry guidance (FNPEG form): mode, rate and the tunables it is flown with."""

    mode: Literal["skip", "direct"] = "skip"
    """``skip`` may loft out of the sensible atmosphere; ``direct`` keeps the drag above
    ``direct_drag_floor_m_s2`` after the first rise."""
    rate_hz: Annotated[float, Field(ge=0.1, le=10.0)] = 1.0
    """Guidance rate (S: FNPEG flight software, 1 Hz)."""
    initial_bank_deg: Bank = 60.0
    """The corrector's first guess of sigma_0 (T)."""
    final_bank_deg: Bank | None = None
    """sigma_f, the linear bank profile's end (T, default 70)."""
    final_altitude_m: Annotated[float, Field(gt=0.0, le=2.0e5)] | None = None
    """Altitude of the terminal condition (T, default 25 km)."""
    final_speed_m_s: Speed | None = None
    """Speed of the terminal condition (T, default 700 m/s)."""
    atmosphere_top_m: Annotated[float, Field(gt=0.0, le=1.0e6)] | None = None
    """Top of the sensible atmosphere for the predictor and the coast (S, default 121.92 km)."""
    tolerance_m: Annotated[float, Field(gt=0.0, le=1.0e5)] | None = None
    """Corrector tolerance on the predicted downrange miss (T, default 300 m)."""
    max_predictions: Annotated[int, Field(ge=2, le=100)] | None = None
    """Predictions allowed per cycle (T, default 12)."""
    corridor_m: Distance | None = None
    """Lateral corridor, constant term c0 (T, default 2 km)."""
    corridor_speed_coefficient_s2_m: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    """Lateral corridor, c2 of c0 + c2 V^2 (T, default 4e-4 s^2/m)."""
    lift_drag_threshold_m_s2: Annotated[float, Field(ge=0.0, le=100.0)] | None = None
    """Sensed drag above which lift acts: reversals and the density filter (T, default 0.5)."""
    freeze_speed_m_s: Speed | None = None
    """Below this speed sigma_0 is no longer corrected (T, default 1,500 m/s)."""
    direct_drag_floor_m_s2: Annotated[float, Field(gt=0.0, le=100.0)] | None = None
    """Kepler-phase drag: the direct mode's floor and the skip events' threshold
    (R, default 6 ft/s^2, Apollo)."""
    density_filter_time_s: Annotated[float, Field(ge=0.0, le=1000.0)] | None = None
    """Time constant of the density-ratio filter, 0 disables it (T, default 10 s)."""
    density_correlation_length_m: Annotated[float, Field(ge=0.0)] | None = None
    """Horizontal correlation length over which a density-ratio profile bin is believed:
    weight exp(-d / L) against the single ratio, d the ground distance from where the bin
    was measured; 0 flies the single ratio only, a length far beyond the flight (1e12 m) the
    profile as measured (R, default 1,000 km; docs/skip_guidance.md)."""
    density_table_spacing_m: Annotated[float, Field(ge=1.0e3, le=5.0e4)] = 10.0e3
    """Node spacing of the guidance's density table, sampled from the mission's nominal
    atmosphere (T: 10 km, as the standalone tests)."""
    mass_kg: Mass | None = None
    """Mass the guidance believes (default ``vehicle.capsule.mass_kg``)."""
    drag_coefficient: Coefficient | None = None
    """Hypersonic C_D the guidance believes (default: the capsule's at its highest Mach)."""
    lift_to_drag: Annotated[float, Field(gt=0.0, le=5.0)] | None = None
    """L/D the guidance believes (default: the capsule's at its highest Mach)."""
    final_phase: bool = False
    """Hand over to the Apollo final phase: the terminal point controller of
    ``[guidance.entry]`` (gain, heading alignment) on a reference trajectory
    recomputed pre-flight from the nominal hand-over state (PredGuid's split,
    Bairstow 2006; docs/skip_guidance.md). Off: the predictor-corrector flies to
    the final point itself."""
    final_phase_speed_m_s: Speed | None = None
    """Hand-over speed when no skip came first: the final phase starts below it while
    descending (E, default: the circular speed at ``atmosphere_top_m``)."""
    initial_roll: bool = False
    """Apollo's initial roll: lift up from entry until ``initial_roll_drag_m_s2`` of
    sensed drag and an altitude rate above ``initial_roll_altitude_rate_m_s``."""
    initial_roll_drag_m_s2: Annotated[float, Field(gt=0.0, le=100.0)] | None = None
    """Sensed drag that may end the initial roll (R, default 0.05 g, Apollo)."""
    initial_roll_altitude_rate_m_s: Annotated[float, Field(ge=-5.0e3, le=0.0)] | None = None
    """Altitude rate above which the descent has levelled off (R, default -700 ft/s,
    Apollo)."""
