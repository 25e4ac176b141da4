"""A capsule's landing on vented gas bags: stroke, peak deceleration, rebound and slide.

The model is the classical one-dimensional analysis of soft landings on
gas-filled bags (Esgar & Morgan, "Analytical study of soft landings on
gas-filled bags", NASA TR R-75, 1960; Browning, "A theoretical approach to air
bag shock absorber design", ARC CP 751, 1964), applied to each of ``count``
identical bags carrying an equal share ``m = M / count`` of the capsule:

* geometry: a horizontal cylinder of inextensible fabric, radius ``R`` and
  length ``L``, pressed by the stroke ``s`` into a stadium of height
  ``H = 2R - s`` and unchanged perimeter, whose flat contact width is
  ``b = pi s / 2``. Footprint ``A(s) = L b``; volume
  ``V(s) = L (pi H^2 / 4 + b H)``, so that ``dV/ds = -A`` (the work the gas
  does is ``(p - p_a) A ds``). End caps are neglected;
* gas: the gas left in the bag follows an isentrope, ``p = p_0 (rho / rho_0)^gamma``
  with ``rho = m_g / V`` (adiabatic: the stroke lasts a fraction of a second);
* venting: once the pressure first reaches ``vent_open_pressure_pa`` (a
  burst patch) the orifice ``A_v`` discharges ``dm_g/dt = -C_d A_v p
  sqrt(gamma / (R_g T)) psi``, with ``psi`` the choked value
  ``(2 / (gamma + 1))^((gamma + 1) / (2 (gamma - 1)))`` below the critical
  pressure ratio and ``sqrt(2 / (gamma - 1) (r^(2/gamma) - r^((gamma+1)/gamma)))``
  above it, ``r = p_a / p``; never inward;
* motion: ``m dw/dt = m g - (p - p_a) A`` (``w`` downward), and the
  horizontal speed decays by sliding friction ``m du/dt = -mu (p - p_a) A``
  until it stops.

The landing is integrated (classical Runge-Kutta, fixed step) from the
touchdown until the bags let go of the ground (a rebound: ``w < 0`` at
``s = 0``), or the capsule, once stopped, sinks again onto venting bags (it
settles: no rebound), or the stroke runs out (``BOTTOMED_FRACTION`` of the
bags' height) while it still falls: its structure meets the ground at that
"bottoming" speed. The peak deceleration is the bags' force over the
capsule's weight (what an accelerometer reads, in g).

All functions take and return arrays over the cases of a batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from skycrane.atmosphere.perturbation import wind_perturbation_at
from skycrane.constants import G0_M_S2
from skycrane.contract import layout as L

__all__ = [
    "AIRBAG_COLUMNS",
    "BOTTOMED_FRACTION",
    "N2_GAS_CONSTANT_J_KG_K",
    "AirbagLanding",
    "airbag_columns",
    "bag_geometry",
    "gas_work_j",
    "land_on_airbags",
    "surface_wind_m_s",
    "vent_mass_flow_kg_s",
]

N2_GAS_CONSTANT_J_KG_K = 296.8
"""Specific gas constant of nitrogen, R / M = 8.31446 / 0.0280134 J/(kg K)."""
BOTTOMED_FRACTION = 0.9
"""Stroke, as a fraction of the bag's height 2R, at which the capsule meets the ground (R)."""


@dataclass(frozen=True, slots=True)
class AirbagLanding:
    """The outcome of each case's landing on its bags (arrays, one value per case).

    Attributes
    ----------
    peak_deceleration_g : numpy.ndarray
        Largest bag force over the capsule's weight, in Earth g.
    max_stroke_m : numpy.ndarray
        Deepest compression of the bags.
    rebound_speed_m_s : numpy.ndarray
        Upward speed as the bags leave the ground (0: settled on them).
    rebound_height_m : numpy.ndarray
        Height of the bounce, ``w^2 / (2 g)``.
    slide_speed_m_s : numpy.ndarray
        Horizontal speed left at the end of the contact (friction at the ground).
    bottoming_speed_m_s : numpy.ndarray
        Downward speed at which the stroke ran out (reached :data:`BOTTOMED_FRACTION`
        of the bags' height while still falling): the capsule's structure meets the
        ground at it. 0 when the bags stopped it.
    vented_enthalpy_j : numpy.ndarray
        Enthalpy carried out through the vents, per bag (the energy venting removes).
    gas_left_kg : numpy.ndarray
        Gas left in each bag at the end of the contact.
    """

    peak_deceleration_g: np.ndarray
    max_stroke_m: np.ndarray
    rebound_speed_m_s: np.ndarray
    rebound_height_m: np.ndarray
    slide_speed_m_s: np.ndarray
    bottoming_speed_m_s: np.ndarray
    vented_enthalpy_j: np.ndarray
    gas_left_kg: np.ndarray


def bag_geometry(
    stroke_m: np.ndarray, radius_m: float, length_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Footprint [m^2] and volume [m^3] of a horizontal cylinder pressed by ``stroke_m``.

    The cross-section keeps its perimeter 2 pi R (inextensible fabric): two
    half-circles of diameter H = 2R - s joined by flats of width b = pi s / 2
    (Esgar & Morgan 1960). Strokes are clipped to [0, 2R].
    """
    s = np.clip(stroke_m, 0.0, 2.0 * radius_m)
    height = 2.0 * radius_m - s
    width = 0.5 * np.pi * s
    return length_m * width, length_m * (0.25 * np.pi * height**2 + width * height)


def gas_work_j(volume_m3, v0_m3: float, p0_pa: float, p_amb_pa: float, gamma: float):
    """Work a closed bag absorbs compressed isentropically from ``v0_m3`` to ``volume_m3``.

    ``W = p0 V0 / (gamma - 1) ((V0 / V)^(gamma - 1) - 1) - p_a (V0 - V)``: the
    integral of ``(p - p_a) (-dV)`` along ``p V^gamma = p0 V0^gamma``.
    """
    ratio = v0_m3 / np.asarray(volume_m3)
    return p0_pa * v0_m3 / (gamma - 1.0) * (ratio ** (gamma - 1.0) - 1.0) - p_amb_pa * (
        v0_m3 - np.asarray(volume_m3)
    )


def vent_mass_flow_kg_s(p_pa, rho_kg_m3, p_amb_pa, area_m2, cd: float, gamma: float):
    """Mass flow out of an orifice, choked or not, from a reservoir at ``p_pa``, ``rho_kg_m3``.

    Isentropic nozzle flow (e.g. Anderson, *Modern Compressible Flow*, sec. 5.4),
    ``C_d A p sqrt(gamma / (R T)) psi(p_a / p)`` with ``R T = p / rho``; zero
    when the bag is not above the ambient pressure.
    """
    p = np.asarray(p_pa, dtype=np.float64)
    ratio = np.clip(p_amb_pa / np.maximum(p, 1e-9), 0.0, 1.0)
    critical = (2.0 / (gamma + 1.0)) ** (gamma / (gamma - 1.0))
    choked = (2.0 / (gamma + 1.0)) ** ((gamma + 1.0) / (2.0 * (gamma - 1.0)))
    sub = np.sqrt(
        np.maximum(
            2.0 / (gamma - 1.0) * (ratio ** (2.0 / gamma) - ratio ** ((gamma + 1.0) / gamma)),
            0.0,
        )
    )
    psi = np.where(ratio <= critical, choked, sub)
    flow = cd * area_m2 * np.sqrt(gamma * p * np.maximum(rho_kg_m3, 0.0)) * psi
    return np.where(p > p_amb_pa, flow, 0.0)


def land_on_airbags(
    vertical_speed_m_s,
    horizontal_speed_m_s,
    mass_kg,
    ambient: tuple[float, float],
    spec,
    gravity_m_s2: float = G0_M_S2,
    step_s: float = 5.0e-4,
    duration_s: float = 4.0,
) -> AirbagLanding:
    """Land each case on ``spec.count`` bags (``[vehicle.airbags]``; module docstring).

    ``vertical_speed_m_s`` (down, > 0), ``horizontal_speed_m_s`` and
    ``mass_kg`` are per case (NaN: no touchdown, NaN out); ``ambient`` is the
    site's (pressure [Pa], temperature [K]); the bags are filled at
    ``spec.inflation_pressure_pa`` at the ambient temperature.
    """
    w0 = np.asarray(vertical_speed_m_s, dtype=np.float64)
    u0 = np.asarray(horizontal_speed_m_s, dtype=np.float64)
    m = np.asarray(mass_kg, dtype=np.float64) / spec.count
    p_a, t_a = ambient
    radius, length, gamma = spec.radius_m, spec.length_m, spec.gas_gamma
    rg = spec.gas_constant_j_kg_k
    _, v0 = bag_geometry(np.zeros(1), radius, length)
    v0 = float(v0[0])
    p0 = spec.inflation_pressure_pa
    rho0 = p0 / (rg * t_a)
    cp = gamma * rg / (gamma - 1.0)
    ok = np.isfinite(w0) & np.isfinite(m) & (w0 > 0.0)
    n = w0.shape[0]
    # state: stroke, downward speed, gas mass, horizontal speed, vented enthalpy
    y = np.zeros((n, 5))
    y[:, 1] = np.where(ok, w0, 0.0)
    y[:, 2] = rho0 * v0
    y[:, 3] = np.where(ok, np.abs(u0), 0.0)
    vent_open = np.zeros(n, dtype=bool)
    stopped = np.zeros(n, dtype=bool)
    active = ok.copy()
    peak_force = np.zeros(n)
    rebound = np.zeros(n)
    max_stroke = np.zeros(n)
    bottom_speed = np.zeros(n)
    bottom = BOTTOMED_FRACTION * 2.0 * radius
    m_safe = np.where(ok, m, 1.0)

    def rates(state, is_open, mass):
        area, volume = bag_geometry(state[:, 0], radius, length)
        rho = state[:, 2] / np.maximum(volume, 1e-9 * v0)  # a stroke clipped at 2R
        p = p0 * (np.maximum(rho, 0.0) / rho0) ** gamma
        force = np.maximum(p - p_a, 0.0) * area
        mdot = np.where(
            is_open,
            vent_mass_flow_kg_s(p, rho, p_a, spec.vent_area_m2, spec.discharge_coefficient, gamma),
            0.0,
        )
        out = np.empty_like(state)
        out[:, 0] = state[:, 1]
        out[:, 1] = gravity_m_s2 - force / mass
        out[:, 2] = -mdot
        out[:, 3] = np.where(state[:, 3] > 0.0, -spec.friction_coefficient * force / mass, 0.0)
        out[:, 4] = mdot * cp * p / (np.maximum(rho, 1e-12) * rg)  # h = c_p T
        return out, p, force

    for _ in range(round(duration_s / step_s)):
        if not active.any():
            break
        idx = np.flatnonzero(active)
        s0 = y[idx]
        is_open = vent_open[idx]
        mass = m_safe[idx]
        k1, p, force = rates(s0, is_open, mass)
        k2, _, _ = rates(s0 + 0.5 * step_s * k1, is_open, mass)
        k3, _, _ = rates(s0 + 0.5 * step_s * k2, is_open, mass)
        k4, _, _ = rates(s0 + step_s * k3, is_open, mass)
        s1 = s0 + step_s / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        s1[:, 3] = np.maximum(s1[:, 3], 0.0)
        y[idx] = s1
        max_stroke[idx] = np.maximum(max_stroke[idx], s1[:, 0])
        peak_force[idx] = np.maximum(peak_force[idx], force)
        vent_open[idx] = is_open | (p >= spec.vent_open_pressure_pa)
        left = (s1[:, 0] <= 0.0) & (s1[:, 1] < 0.0)  # the bags let go: a rebound
        hit = (s1[:, 0] >= bottom) & ~stopped[idx]  # the stroke ran out while still falling
        settled = stopped[idx] & (s1[:, 1] > 0.0)  # stopped, then sinking again: no rebound
        stopped[idx] |= s1[:, 1] <= 0.0
        rebound[idx[left]] = -s1[left, 1]
        bottom_speed[idx[hit]] = s1[hit, 1]
        active[idx[left | hit | settled]] = False
    nan = np.full(n, np.nan)
    return AirbagLanding(
        peak_deceleration_g=np.where(ok, peak_force / (m_safe * G0_M_S2), nan),
        max_stroke_m=np.where(ok, max_stroke, nan),
        rebound_speed_m_s=np.where(ok, rebound, nan),
        rebound_height_m=np.where(ok, rebound**2 / (2.0 * gravity_m_s2), nan),
        slide_speed_m_s=np.where(ok, y[:, 3], nan),
        bottoming_speed_m_s=np.where(ok, bottom_speed, nan),
        vented_enthalpy_j=np.where(ok, y[:, 4], nan),
        gas_left_kg=np.where(ok, y[:, 2], nan),
    )


AIRBAG_COLUMNS = (
    "touchdown.surface_wind_m_s",
    "touchdown.airbag_peak_deceleration_g",
    "touchdown.airbag_stroke_m",
    "touchdown.airbag_bottoming_speed_m_s",
    "touchdown.rebound_speed_m_s",
    "touchdown.rebound_height_m",
    "touchdown.slide_speed_m_s",
)
"""The table's landing columns of a capsule with ``[vehicle.airbags]`` (NaN: no touchdown)."""


def surface_wind_m_s(batch, ground_alt_m: np.ndarray) -> np.ndarray:
    """Each case's wind speed at the ground, as the kernel flies it.

    The ``[atmosphere.wind]`` profile at the ground altitude (held beyond its
    ends, :func:`skycrane.atmosphere.wind.wind_at`), scaled by the case's
    ``1 + P_WIND_SCALE_ERROR``, plus its constant ``P_WIND_E/N_M_S`` bias and
    its wind perturbation profile there
    (:func:`skycrane.propagate.dynamics` composes them the same way).
    """
    p = batch.params
    h_tab, east_tab, north_tab = batch.model[7], batch.model[8], batch.model[9]
    scale = 1.0 + p[:, L.P_WIND_SCALE_ERROR]
    east = scale * np.interp(ground_alt_m, h_tab, east_tab) + p[:, L.P_WIND_E_M_S]
    north = scale * np.interp(ground_alt_m, h_tab, north_tab) + p[:, L.P_WIND_N_M_S]
    h = np.broadcast_to(np.asarray(ground_alt_m, dtype=float), east.shape)
    for i in np.flatnonzero(p[:, L.P_WIND_PERT] != 0.0):
        d_east, d_north = wind_perturbation_at(float(h[i]), p[i])
        east[i] += d_east
        north[i] += d_north
    return np.hypot(east, north)


def airbag_columns(raw, batch, mission, table: dict) -> None:
    """Write :data:`AIRBAG_COLUMNS` for every case into ``table`` (a capsule with airbags).

    The landing starts from each case's touchdown velocity on the kernel's
    planet-fixed frame (``touchdown.vertical_speed_m_s`` and
    ``touchdown.horizontal_speed_m_s``, the drift with the wind included) and
    its mass then; the bags are filled in the site's air (the mission's
    nominal atmosphere at the target's altitude).
    """
    spec = mission.spec.vehicle.airbags
    fired = raw.event_fired[:, L.EV_TOUCHDOWN]
    mass = np.where(fired, raw.event_y[:, L.EV_TOUCHDOWN, L.S_MASS], np.nan)
    ground = batch.params[:, L.P_GROUND_ALT_M]
    air = mission.atmosphere.evaluate(mission.spec.target.altitude_m)
    landing = land_on_airbags(
        table["touchdown.vertical_speed_m_s"],
        table["touchdown.horizontal_speed_m_s"],
        mass,
        (float(air.pressure_pa), float(air.temperature_k)),
        spec,
    )
    table["touchdown.surface_wind_m_s"] = np.where(fired, surface_wind_m_s(batch, ground), np.nan)
    table["touchdown.airbag_peak_deceleration_g"] = landing.peak_deceleration_g
    table["touchdown.airbag_stroke_m"] = landing.max_stroke_m
    table["touchdown.airbag_bottoming_speed_m_s"] = landing.bottoming_speed_m_s
    table["touchdown.rebound_speed_m_s"] = landing.rebound_speed_m_s
    table["touchdown.rebound_height_m"] = landing.rebound_height_m
    table["touchdown.slide_speed_m_s"] = landing.slide_speed_m_s
