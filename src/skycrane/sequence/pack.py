"""Pack a mission into the kernel's parameter row and initial memory, from the field declaration.

Every slot of ``params[N_PARAMS]`` and ``mem[N_MEM]`` is declared once in
:mod:`skycrane.contract.fields` with its origin; this module only follows the
declarations:

* a :class:`~skycrane.contract.declare.Key` field takes the mission-file value
  at its key path (converted from degrees or Hz when declared so);
* a :class:`~skycrane.contract.declare.Derived` field is computed by the
  function of the same name in :data:`DERIVED`;
* a :class:`~skycrane.contract.declare.Fixed` field takes its value;
* a :class:`~skycrane.contract.declare.Preflight` field takes its default here
  and is set by the named solve before flight (:mod:`skycrane.sequence.build`);
* memory starts from each :class:`~skycrane.contract.declare.Kernel` field's
  initial value (:func:`skycrane.contract.layout.initial_memory`), then the
  mission's own start (:func:`nominal_memory`).

Fields of the powered-descent block are packed only when the mission has a
descent stage and a rover; without them the block stays zero and is never read.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from skycrane.constants import G0_M_S2
from skycrane.contract import layout as L
from skycrane.contract.declare import Derived, Field, Fixed, Key, Preflight
from skycrane.contract.fields import PARAMS, POWERED_DESCENT
from skycrane.planets import enu_matrix, pf_from_lla
from skycrane.sequence.skip_setup import skip_memory, skip_params
from skycrane.vehicle.parachute import nominal_area_m2

_MISSING = object()
MICRO_G_M_S2 = 1e-6 * G0_M_S2
"""One micro-g of acceleration, m/s^2 (accelerometer biases are quoted in it)."""


def key_value(spec: Any, path: str) -> Any:
    """The value at dotted ``path`` of the mission spec (``_MISSING``: a section is absent)."""
    value = spec
    for part in path.split("."):
        if value is None:
            return _MISSING
        value = getattr(value, part)
    return value


def _convert(value: float, convert: str | None) -> float:
    if convert == "deg":
        return math.radians(value)
    if convert == "cos_deg":  # libm's cos, as math.cos in compiled code: the same bits
        return math.cos(math.radians(value))
    if convert == "per":
        return 1.0 / value
    return value


def _events(mission) -> list:
    seq = mission.spec.sequence
    return [] if seq is None else list(seq.events)


def _enu(mission) -> np.ndarray:
    tgt = mission.spec.target
    return enu_matrix(tgt.latitude_deg, tgt.longitude_deg, mission.planet)


def _deploy(mission, key: str, absent: Any) -> Any:
    """``[parachute.deploy]``'s ``key`` (``absent`` if unset, or with no ``[parachute]``)."""
    chute = mission.spec.parachute
    value = None if chute is None else getattr(chute.deploy, key)
    return absent if value is None else value


DERIVED: dict[str, Callable[[Any, tuple[str, ...]], Any]] = {
    "P_REF_AREA_M2": lambda m, _: m.reference_area_m2,
    "P_HEAT_K": lambda m, _: m.sutton_graves_k,
    "P_HEAT_CONV": lambda m, _: L.CODE["HC"][m.spec.vehicle.heating.convective],
    "P_HEAT_RAD": lambda m, _: L.CODE["HR"][m.spec.vehicle.heating.radiative],
    "P_PULSE_THRESHOLD_W_M2": lambda m, _: m.spec.vehicle.heating.pulse_threshold_w_cm2 * 1e4,
    "P_TGT": lambda m, _: pf_from_lla(
        m.spec.target.latitude_deg, m.spec.target.longitude_deg, m.spec.target.altitude_m, m.planet
    ),
    "P_RANGE_RADIUS_M": lambda m, _: m.planet.mean_radius_m,
    "P_CHUTE_S0_M2": lambda m, _: (
        0.0 if m.spec.parachute is None else nominal_area_m2(m.spec.parachute.diameter_m)
    ),
    "P_NAV": lambda m, _: np.asarray(m.spec.navigation.position_error_enu_m) @ _enu(m),
    "P_TRN": lambda m, _: np.asarray(m.spec.navigation.terrain_relative_error_enu_m) @ _enu(m),
    "P_NAV_VEL": lambda m, _: np.asarray(m.spec.navigation.velocity_error_enu_m_s) @ _enu(m),
    "P_IMU_ATT": lambda m, _: np.radians(m.spec.navigation.attitude_error_enu_deg) @ _enu(m),
    "P_ACC_BIAS": lambda m, _: (
        np.asarray(m.spec.navigation.accelerometer_bias_enu_ug) * MICRO_G_M_S2 @ _enu(m)
    ),
    "P_DEPLOY_RANGE_M": lambda m, _: (
        _deploy(m, "range_to_target_m", 0.0) if _deploy(m, "trigger", "") == "range" else 0.0
    ),
    "P_DEPLOY_V_MAX": lambda m, _: _deploy(m, "speed_max_m_s", math.inf),
    "P_DEPLOY_V_MIN": lambda m, _: _deploy(m, "speed_min_m_s", 0.0),
    "P_DEPLOY_SPEED": lambda m, _: _deploy(m, "speed_m_s", 0.0),
    "P_SUFR_LEAD_S": lambda m, _: next(
        (e.lead_s for e in _events(m) if e.trigger == "sufr_lead"), 0.0
    ),
    "P_ISP_S": lambda m, _: m.spec.powered_descent.isp_s if _has_descent_stage(m) else 1.0,
    "P_ROVER_BODY": lambda m, bodies: bodies.index("rover") if _has_descent_stage(m) else 0.0,
    "P_FLYAWAY_AZ_RAD": lambda m, _: _flyaway_azimuth_rad(m),
    "PDP_FLYAWAY_CUTOFF_M": lambda m, _: _flyaway_cutoff_m(m),
    "P_BACKSHELL_MASS_KG": lambda m, _: _backshell(m)[0],
    "P_BACKSHELL_CDS_M2": lambda m, _: _backshell(m)[1],
    "P_CHUTE_VEHICLE_CDS_M2": lambda m, _: _backshell(m)[2],
    "P_SITE_SCALE_HEIGHT_M": lambda m, _: _site_scale_height_m(m),
    "P_GROUND_OK": lambda m, _: 2.0 if m.spec.sequence and m.spec.sequence.end_on_ground else 0.0,
    "P_ENTRY_ALT_M": lambda m, _: (
        0.0 if m.spec.orbit is None else m.spec.orbit.entry_interface_altitude_m
    ),
    "P_SKIP0": lambda m, _: skip_params(m),
    "P_SKIP_MEM0": lambda m, _: skip_memory(m),
}
"""How each ``Derived`` parameter is computed from ``(mission, body_names)``."""


def _flyaway_azimuth_rad(mission) -> float:
    """The mission's absolute flyaway azimuth in rad, or NaN: relative to the approach track."""
    pd = mission.spec.powered_descent
    if pd is None or pd.flyaway_azimuth_deg is None:
        return math.nan
    return math.radians(pd.flyaway_azimuth_deg)


def _flyaway_cutoff_m(mission) -> float:
    """The flyaway's engine cut-off distance in m, or inf: the burn goes on to depletion."""
    pd = mission.spec.powered_descent
    if pd is None or pd.flyaway_cutoff_distance_m is None:
        return math.inf
    return pd.flyaway_cutoff_distance_m


SCALE_HEIGHT_SPAN_M = 2000.0
"""Height over which the site's density scale height is taken: the backshell's last fall (S:
Mars 2020 separates it at ~2.1 km, MSL at ~1.8 km)."""


def _site_scale_height_m(mission) -> float:
    """Density scale height [m] of the mission's atmosphere over the 2 km above the target.

    H = dh / ln(rho(z_t) / rho(z_t + dh)): the exponential that passes through both
    densities, which is what the backshell's fall prediction integrates (a constant
    density scale, ``atmosphere.density_scale``, cancels).
    """
    z_t = mission.spec.target.altitude_m
    rho = mission.atmosphere.evaluate(np.array([z_t, z_t + SCALE_HEIGHT_SPAN_M])).density_kg_m3
    ratio = float(rho[0]) / float(rho[1])
    return SCALE_HEIGHT_SPAN_M / math.log(ratio) if ratio > 1.0 else math.inf


def _drag_area_m2(drag) -> float:
    """Subsonic drag area C_D A [m^2] of a DragSpec: its coefficient at Mach 0 (the first row)."""
    return float(np.interp(0.0, drag.mach, drag.drag_coefficient)) * drag.reference_area_m2


def _backshell(mission) -> tuple[float, float, float]:
    """(mass kg, drag area m^2, vehicle's drag area m^2) for the backshell's fall prediction.

    The backshell is the body with the open parachute that the hand-over to powered
    descent (the event with ``guidance = "powered"``) jettisons; its drag area on the
    canopy is its own C_D A plus the canopy's C_D S0 (the parachute's table and
    ``parachute.drag_scale``), both at Mach 0: it falls at Mach 0.1-0.3, where the
    disk-gap-band table is flat (GUIDANCE.md section 4). The vehicle's drag area is
    the same canopy plus the configuration flown before the event (the last earlier
    event that sets ``aerodynamics``). No such body: all zero.
    """
    spec = mission.spec
    events = _events(mission)
    k = next((i for i, e in enumerate(events) if e.guidance == "powered"), None)
    if k is None or spec.parachute is None:
        return 0.0, 0.0, 0.0
    body = next(
        (
            spec.bodies[n]
            for n in events[k].jettison
            if n in spec.bodies and spec.bodies[n].parachute
        ),
        None,
    )
    if body is None:
        return 0.0, 0.0, 0.0
    chute = spec.parachute
    canopy = (
        float(np.interp(0.0, chute.mach, chute.drag_coefficient))
        * nominal_area_m2(chute.diameter_m)
        * chute.drag_scale
    )
    config = next((e.aerodynamics for e in reversed(events[:k]) if e.aerodynamics), "capsule")
    if config in spec.vehicle.configurations:
        vehicle = _drag_area_m2(spec.vehicle.configurations[config])
    else:  # the capsule itself
        aero = mission.capsule_aero
        vehicle = float(aero.drag_coefficient[0]) * mission.reference_area_m2
    return body.mass_kg, _drag_area_m2(body.aerodynamics) + canopy, vehicle + canopy


def _has_descent_stage(mission) -> bool:
    return mission.spec.powered_descent is not None and mission.spec.rover is not None


def field_value(f: Field, mission, body_names: tuple[str, ...]) -> Any:
    """The nominal value of parameter field ``f`` for ``mission`` (a number or ``size`` numbers)."""
    src = f.source
    if isinstance(src, Key):
        value = key_value(mission.spec, src.path)
        return 0.0 if value is _MISSING else _convert(value, src.convert)
    if isinstance(src, Derived):
        return DERIVED[f.name](mission, body_names)
    if isinstance(src, Fixed):
        return src.value
    if isinstance(src, Preflight):
        return src.default
    return 0.0


def nominal_params(
    mission, body_names: tuple[str, ...], start_t_s: float | None = None
) -> np.ndarray:
    """The nominal per-case parameter row (layout.P_*), field by declared field, for a flight
    starting ``start_t_s`` from the entry interface (default: ``sequence.start_t_s``)."""
    if start_t_s is None:
        start_t_s = 0.0 if mission.spec.sequence is None else mission.spec.sequence.start_t_s
    p = np.zeros(L.N_PARAMS)
    for f in PARAMS:
        if f.source is not None:
            at = L.INDEX[f.name]
            p[at : at + f.size] = field_value(f, mission, body_names)
    p[L.P_T_MAX_S] = mission.spec.simulation.time_limit_s - start_t_s
    if _has_descent_stage(mission):
        p[L.P_PD0 : L.P_PD0 + L.N_PD_PARAMS] = pd_block(mission)
    return p


def pd_block(mission) -> np.ndarray:
    """The powered-descent block (layout.PDP_*) of a mission with a descent stage and a rover."""
    return np.array([field_value(f, mission, ()) for f in POWERED_DESCENT], dtype=np.float64)


def nominal_memory(mission, params_row: np.ndarray) -> np.ndarray:
    """The mission's initial memory: pre-bank, lift off until an event turns it on, rover on."""
    mem = L.initial_memory(params_row[None])[0]
    mem[L.M_GUIDANCE] = L.GUID_CONSTANT_BANK  # the pre-bank until an event changes it
    first_lift = next((e.lift for e in _events(mission) if e.lift is not None), None)
    mem[L.M_LIFT_ON] = 0.0 if first_lift is True else 1.0
    mem[L.M_ROVER_ON] = 1.0 if mission.spec.rover is not None else 0.0
    return mem


def vacuum_params(reference_area_m2: float, duration_s: float) -> np.ndarray:
    """Parameters of a drag-free coast of ``duration_s`` (no atmosphere, no events, no ground)."""
    p = np.zeros(L.N_PARAMS)
    p[L.P_REF_AREA_M2] = reference_area_m2
    p[L.P_NOSE_RADIUS_M] = 1.0
    p[L.P_DENSITY_SCALE] = 0.0
    p[L.P_GROUND_ALT_M] = -1.0e9
    p[L.P_T_MAX_S] = duration_s
    p[L.P_ISP_S] = 1.0
    p[L.P_BANK_TAU_S] = 1.0
    return p
