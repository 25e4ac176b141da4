"""Offline reference trajectory and adjoint range sensitivities for the ETPC.

The Entry Terminal Point Controller (Mendeck & Craig, AIAA 2011-6192) tracks
range to go about a reference trajectory flown with a scheduled vertical L/D
``u_ref(V)``. This module builds that reference on the ground (GUIDANCE.md
1.2): it integrates the planar point-mass model

    ds/dt = V cos(gamma) R_M / r          dV/dt = -D - g sin(gamma)
    dgamma/dt = u D / V + (V/r - g/V) cos(gamma)    dh/dt = V sin(gamma)
    D = rho(h) V^2 / (2 beta),   g = mu / r^2,   r = R_M + h

from the entry interface until V = V_end, then integrates the adjoint
(costate) equations lambda' = -(df/dx)^T lambda backwards from the
fixed-end-velocity terminal values and tabulates, against V, the
sensitivities of the final range (Graves & Harpold, NASA TN D-6725; Carman,
Ives & Geller, AIAA 98-4570):

    F1 = dR/dD = -(H/D) lambda_h,   F2 = dR/dhdot = lambda_gamma / (V cos gamma),
    F3 = dR/du = lambda_u.

Two terms complete GUIDANCE.md 1.2's adjoints so that they are the exact
linearisation of the model above (both derived in docs/entry_guidance.md): the
R_M/r factor of ds/dt (a 0.4 % effect at 15 km), and du/dV, because the
reference control is scheduled on speed, which is how the guidance flies it.
Both vanish where R_M/r -> 1 and the bank profile is flat.

The guidance measures range, speed and flight-path angle relative to the
rotating planet, so the reference is flown in that frame too when a
:class:`Rotation` is given: along the great circle from the entry point toward
the target it adds the Coriolis and centrifugal accelerations of Vinh, Busemann
& Culp, *Hypersonic and Planetary Entry Flight Mechanics* (1980), eqs. 2.2:

    dV/dt     += omega^2 r cos(phi) (sin(gamma) cos(phi) - cos(gamma) sin(phi) cos(psi))
    dgamma/dt += 2 omega cos(phi) sin(psi)
                 + omega^2 r cos(phi) (cos(gamma) cos(phi) + sin(gamma) sin(phi) cos(psi)) / V

with phi the latitude and psi the heading (clockwise from north) at the arc s.
For an eastward entry near the equator the Coriolis term is an upward
acceleration 2 omega V, a fifth of g - V^2/r at 5 km/s: a non-rotating
reference under-predicts the range an eastward entry flies.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.integrate import OdeSolution, solve_ivp
from scipy.optimize import brentq

from skycrane.guidance.entry_layout import (
    N_REF_ROWS,
    REF_DRAG,
    REF_F1,
    REF_F2,
    REF_F3,
    REF_HDOT,
    REF_RANGE,
    REF_U,
    REF_V,
)

__all__ = [
    "EntryPoint",
    "EntryReference",
    "MachAero",
    "Rotation",
    "build_entry_reference",
    "constant_bank_for_range",
]

DensityFn = Callable[[np.ndarray], np.ndarray]

_RTOL = 1e-10
_SCALE_HEIGHT_STEP_M = 10.0  # central-difference step of the numerical scale height
_MACH_STEP_V_M_S = 0.05  # central-difference steps of the Mach-dependent coefficients
_MACH_STEP_H_M = 10.0
_MAX_TIME_S = 5000.0


def _frozen(values: np.ndarray) -> np.ndarray:
    out = np.array(values, dtype=np.float64)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, slots=True, eq=False)
class EntryReference:
    """A reference entry trajectory and its range sensitivities, tabulated against speed.

    Parameters
    ----------
    v_m_s : numpy.ndarray
        Ascending planet-relative speed nodes, m/s.
    range_to_go_m : numpy.ndarray
        R_ref(V): range to go to the target, m (planar range remaining to the
        reference end plus ``end_range_to_target_m``).
    drag_m_s2 : numpy.ndarray
        D_ref, drag acceleration, m/s^2.
    hdot_m_s : numpy.ndarray
        Altitude rate, m/s.
    u_ref : numpy.ndarray
        Vertical L/D, (L/D) cos(bank_ref).
    f1_s2 : numpy.ndarray
        F1 = dR/dD at constant V, m per m/s^2 (negative).
    f2_s : numpy.ndarray
        F2 = dR/dhdot at constant V, s.
    f3_m : numpy.ndarray
        F3 = dR/du, m, floored at a small positive value.
    lift_to_drag : float
        Vehicle L/D of the reference.
    end_range_to_target_m : float
        Range from the reference end point to the target, m.
    altitude_m, gamma_rad : numpy.ndarray
        Reference altitude (m) and flight-path angle (rad), for analysis; the
        guidance does not read them.
    entry_range_to_go_m : float
        Range to go to the target from the entry interface, m: where to place
        the target for the nominal entry state.

    Raises
    ------
    ValueError
        If the arrays differ in size or have fewer than 2 nodes, V is not
        strictly increasing, or F3 is not positive.

    Notes
    -----
    Arrays are stored as read-only float64 copies; equality is identity.
    """

    v_m_s: np.ndarray
    range_to_go_m: np.ndarray
    drag_m_s2: np.ndarray
    hdot_m_s: np.ndarray
    u_ref: np.ndarray
    f1_s2: np.ndarray
    f2_s: np.ndarray
    f3_m: np.ndarray
    lift_to_drag: float
    end_range_to_target_m: float
    altitude_m: np.ndarray
    gamma_rad: np.ndarray
    entry_range_to_go_m: float

    def __post_init__(self) -> None:
        sizes = set()
        for name in self.__slots__:
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                object.__setattr__(self, name, _frozen(value))
                sizes.add(value.size)
        if len(sizes) != 1 or self.v_m_s.size < 2:
            raise ValueError("EntryReference arrays must share one size of at least 2 nodes")
        if np.any(np.diff(self.v_m_s) <= 0.0):
            raise ValueError("EntryReference.v_m_s must be strictly increasing")
        if np.any(self.f3_m <= 0.0):
            raise ValueError("EntryReference.f3_m must be positive (the law divides by it)")

    def kernel_table(self) -> np.ndarray:
        """The reference as one array for the compiled law.

        Returns
        -------
        numpy.ndarray
            float64[N_REF_ROWS, n_nodes], C-contiguous, rows in the order of
            the ``REF_*`` constants of :mod:`skycrane.guidance.entry_layout`.
        """
        table = np.empty((N_REF_ROWS, self.v_m_s.size))
        table[REF_V] = self.v_m_s
        table[REF_RANGE] = self.range_to_go_m
        table[REF_DRAG] = self.drag_m_s2
        table[REF_HDOT] = self.hdot_m_s
        table[REF_U] = self.u_ref
        table[REF_F1] = self.f1_s2
        table[REF_F2] = self.f2_s
        table[REF_F3] = self.f3_m
        return table


class Rotation(NamedTuple):
    """The planet's rotation and the reference's great circle (planet-fixed, spherical).

    The reference flies along the great circle that leaves the entry point at
    ``latitude_rad`` with heading ``heading_rad`` (clockwise from north, planet
    relative); its latitude and heading at each arc give the Coriolis and
    centrifugal terms of the module docstring.
    """

    rate_rad_s: float
    latitude_rad: float
    heading_rad: float


def _track(rotation: Rotation, arc_rad: float) -> tuple[float, float, float]:
    """cos^2(phi), sin(phi) cos(phi) cos(psi) and cos(phi) sin(psi) at ``arc_rad`` along the track.

    In vectors: 1 - p_z^2, p_z t_z and (p x t)_z.

    p is the unit position and t the unit direction of travel at the arc; the
    start is at longitude 0 (the rotation terms do not depend on longitude).
    """
    lat, psi = rotation.latitude_rad, rotation.heading_rad
    p0 = np.array([math.cos(lat), 0.0, math.sin(lat)])
    east = np.array([0.0, 1.0, 0.0])
    north = np.array([-math.sin(lat), 0.0, math.cos(lat)])
    d0 = math.sin(psi) * east + math.cos(psi) * north
    p = math.cos(arc_rad) * p0 + math.sin(arc_rad) * d0
    t = -math.sin(arc_rad) * p0 + math.cos(arc_rad) * d0
    return 1.0 - p[2] * p[2], p[2] * t[2], p[0] * t[1] - p[1] * t[0]


@dataclass(frozen=True, slots=True)
class MachAero:
    """The capsule's drag and lift against Mach, for a reference flown through the supersonic.

    The hypersonic constants (beta, L/D) hold above Mach 5; below it a 70 deg
    sphere-cone's C_D rises and its L/D falls (the mission's aerodynamic
    table), and the reference must fly what the capsule flies between heading
    alignment and the deploy speed, where no range control corrects it.

    Parameters
    ----------
    mach : numpy.ndarray
        Strictly increasing Mach nodes.
    drag_factor : numpy.ndarray
        C_D(M) / C_D of the reference's ballistic coefficient (dimensionless).
    lift_to_drag : numpy.ndarray
        L/D(M) (dimensionless).
    speed_of_sound : callable
        Speed of sound (m/s) as a function of an array of altitudes (m).

    Notes
    -----
    Linear in Mach between the nodes and held beyond the ends, as the
    kernel's aerodynamic tables (``vehicle.aerodynamics.interp_clamped``).
    """

    mach: np.ndarray
    drag_factor: np.ndarray
    lift_to_drag: np.ndarray
    speed_of_sound: DensityFn

    def __call__(self, v_m_s: float, h_m: float) -> tuple[float, float]:
        """(C_D(M) / C_D_ref, L/D(M)) at planet-relative speed V and altitude h."""
        m = v_m_s / float(self.speed_of_sound(np.asarray(h_m)))
        return (
            float(np.interp(m, self.mach, self.drag_factor)),
            float(np.interp(m, self.mach, self.lift_to_drag)),
        )

    def partials(self, v_m_s: float, h_m: float) -> np.ndarray:
        """[[f, f_V, f_h], [L/D, (L/D)_V, (L/D)_h]] by central differences (f the drag factor)."""
        dv, dh = _MACH_STEP_V_M_S, _MACH_STEP_H_M
        c = np.array(self(v_m_s, h_m))
        d_v = (np.array(self(v_m_s + dv, h_m)) - np.array(self(v_m_s - dv, h_m))) / (2.0 * dv)
        d_h = (np.array(self(v_m_s, h_m + dh)) - np.array(self(v_m_s, h_m - dh))) / (2.0 * dh)
        return np.stack([c, d_v, d_h], axis=1)


@dataclass(frozen=True, slots=True)
class _PlanarModel:
    """Planar point-mass entry model of GUIDANCE.md 1.2 and its Jacobian."""

    mu_m3_s2: float
    radius_m: float
    density: DensityFn
    scale_height: DensityFn
    beta_kg_m2: float
    lift_to_drag: float
    bank_v_m_s: np.ndarray  # ascending
    bank_rad: np.ndarray
    rotation: Rotation | None = None
    aero: MachAero | None = None

    def drag(self, v: float, h: float) -> tuple[float, float, float]:
        """Drag acceleration D (m/s^2) and its partials dD/dV (1/s), dD/dh (1/s^2)."""
        d = float(self.density(np.asarray(h))) * v * v / (2.0 * self.beta_kg_m2)
        hs = float(self.scale_height(np.asarray(h)))
        if self.aero is None:
            return d, 2.0 * d / v, -d / hs
        (f, f_v, f_h), _ = self.aero.partials(v, h)
        return d * f, d * f * (2.0 / v + f_v / f), d * f * (-1.0 / hs + f_h / f)

    def rotating_terms(self, x: np.ndarray) -> tuple[float, float, np.ndarray]:
        """Coriolis and centrifugal parts of dV/dt and dgamma/dt, and their partials.

        Returns (dV/dt part, dgamma/dt part, 2x3 array of their partials with
        respect to (V, gamma, h)); zeros without a rotation. The latitude and
        heading follow the arc s of the nominal; their change with a
        perturbation of s (O(ds / R)) is not linearised.
        """
        if self.rotation is None:
            return 0.0, 0.0, np.zeros((2, 3))
        s, v, gam, h = x
        w = self.rotation.rate_rad_s
        c1, c2, k = _track(self.rotation, s / self.radius_m)
        r = self.radius_m + h
        cg, sg = math.cos(gam), math.sin(gam)
        a_v = w * w * r * (c1 * sg - c2 * cg)
        a_n = w * w * r * (c1 * cg + c2 * sg)  # centrifugal, normal to v in the vertical plane
        partials = np.array(
            [
                [0.0, a_n, a_v / r],
                [-a_n / v**2, w * w * r * (-c1 * sg + c2 * cg) / v, a_n / (r * v)],
            ]
        )
        return a_v, 2.0 * w * k + a_n / v, partials

    def control(self, v_m_s: float, h_m: float = 0.0) -> tuple[float, float, float]:
        """Vertical L/D u(V, h), du/dV [s/m] and du/dh [1/m] (bank flat beyond the profile ends).

        u depends on h only through L/D(M) when ``aero`` is given.
        """
        bank = float(np.interp(v_m_s, self.bank_v_m_s, self.bank_rad))
        k = int(np.searchsorted(self.bank_v_m_s, v_m_s)) - 1
        slope = 0.0
        if 0 <= k < self.bank_v_m_s.size - 1:
            slope = (self.bank_rad[k + 1] - self.bank_rad[k]) / (
                self.bank_v_m_s[k + 1] - self.bank_v_m_s[k]
            )
        ld, ld_v, ld_h = self.lift_to_drag, 0.0, 0.0
        if self.aero is not None:
            _, (ld, ld_v, ld_h) = self.aero.partials(v_m_s, h_m)
        cb, sb = math.cos(bank), math.sin(bank)
        return ld * cb, ld_v * cb - ld * sb * slope, ld_h * cb

    def rhs(self, _t: float, x: np.ndarray) -> np.ndarray:
        """Derivative of x = (s, V, gamma, h)."""
        _, v, gam, h = x
        r = self.radius_m + h
        g = self.mu_m3_s2 / r**2
        d = self.drag(v, h)[0]
        u = self.control(v, h)[0]
        cg, sg = np.cos(gam), np.sin(gam)
        rot_v, rot_g, _ = self.rotating_terms(x)
        return np.array(
            [
                v * cg * self.radius_m / r,
                -d - g * sg + rot_v,
                u * d / v + (v / r - g / v) * cg + rot_g,
                v * sg,
            ]
        )

    def adjoint_rhs(self, x: np.ndarray, lam: np.ndarray) -> np.ndarray:
        """lambda' = -(df/dx)^T lambda for lambda = (l_V, l_gamma, l_h, l_u), l_s = 1."""
        _, v, gam, h = x
        l_v, l_g, l_h, _ = lam
        r = self.radius_m + h
        g = self.mu_m3_s2 / r**2
        d, d_v, d_h = self.drag(v, h)
        u, du_dv, du_dh = self.control(v, h)
        cg, sg = np.cos(gam), np.sin(gam)
        k = self.radius_m / r
        # d_v = 2D/V and d_h = -D/H with constant coefficients (GUIDANCE.md 1.2's form).
        dl_v = (
            -cg * k
            + d_v * l_v
            - (u * d_v / v - u * d / v**2 + du_dv * d / v + (1.0 / r + g / v**2) * cg) * l_g
            - sg * l_h
        )
        dl_g = v * sg * k + g * cg * l_v + (v / r - g / v) * sg * l_g - v * cg * l_h
        dl_h = (
            v * cg * k / r
            + (d_h - 2.0 * g * sg / r) * l_v
            - (u * d_h / v + du_dh * d / v - v * cg / r**2 + 2.0 * g * cg / (r * v)) * l_g
        )
        _, _, rot = self.rotating_terms(x)  # -(d rot/dx)^T (l_V, l_gamma)
        dl_v -= rot[1, 0] * l_g
        dl_g -= rot[0, 1] * l_v + rot[1, 1] * l_g
        dl_h -= rot[0, 2] * l_v + rot[1, 2] * l_g
        return np.array([dl_v, dl_g, dl_h, -d / v * l_g])


def _numerical_scale_height(density: DensityFn) -> DensityFn:
    """H(h) = -rho / (d rho/dh), from a central difference of ln rho."""
    step = _SCALE_HEIGHT_STEP_M

    def scale_height(h_m: np.ndarray) -> np.ndarray:
        h = np.asarray(h_m, dtype=np.float64)
        dlnrho = np.log(density(h + step)) - np.log(density(h - step))
        return -2.0 * step / dlnrho

    return scale_height


def _fly(model: _PlanarModel, x0: np.ndarray, v_end_m_s: float) -> tuple[OdeSolution, float, float]:
    """Integrate the planar model until V = v_end.

    Returns the dense solution, the time after which V decreases monotonically
    (the last maximum of V, or 0) and the time V reaches ``v_end_m_s``.
    """

    def speed_reached(_t, x):
        return x[1] - v_end_m_s

    def ground(_t, x):
        return x[3]

    def speed_peak(t, x):
        return model.rhs(t, x)[1]

    speed_reached.terminal = True
    speed_reached.direction = -1.0
    ground.terminal = True
    speed_peak.direction = -1.0
    sol = solve_ivp(
        model.rhs,
        (0.0, _MAX_TIME_S),
        x0,
        method="DOP853",
        rtol=_RTOL,
        atol=np.array([1e-6, 1e-9, 1e-13, 1e-6]),
        events=(speed_reached, ground, speed_peak),
        dense_output=True,
    )
    if sol.status != 1 or sol.t_events[0].size == 0:
        raise ValueError(
            f"the reference does not reach v_end = {v_end_m_s} m/s above ground "
            f"(stopped at V = {sol.y[1, -1]:.1f} m/s, h = {sol.y[3, -1]:.0f} m)"
        )
    peaks = sol.t_events[2]
    t_top = float(peaks[-1]) if peaks.size else 0.0
    return sol.sol, t_top, float(sol.t_events[0][0])


class EntryPoint(NamedTuple):
    """Where the reference trajectory starts: the entry interface, planet-relative."""

    speed_m_s: float
    flight_path_angle_rad: float  # negative down
    altitude_m: float


N_NODES = 300
"""Speed nodes of the reference table, uniform from V_end to the speed at which the
reference starts to decelerate (the table is single valued in V only there); 100-500 is
the usual range."""
F3_FLOOR_FRACTION = 0.01
"""F3 is floored at this fraction of its largest value (F3 -> 0 at the end; the law
divides by it)."""


def _planar_model(
    mu_m3_s2: float,
    planet_radius_m: float,
    density_kg_m3: DensityFn,
    scale_height_m: DensityFn | None,
    ballistic_coefficient_kg_m2: float,
    lift_to_drag: float,
    bank_profile_deg: tuple[np.ndarray, np.ndarray],
    rotation: Rotation | None,
    aero: MachAero | None,
) -> _PlanarModel:
    """The planar model of :func:`build_entry_reference`'s arguments (bank sorted by V)."""
    bank_v = np.asarray(bank_profile_deg[0], dtype=np.float64)
    order = np.argsort(bank_v)
    return _PlanarModel(
        mu_m3_s2=float(mu_m3_s2),
        radius_m=float(planet_radius_m),
        density=density_kg_m3,
        scale_height=(
            _numerical_scale_height(density_kg_m3) if scale_height_m is None else scale_height_m
        ),
        beta_kg_m2=float(ballistic_coefficient_kg_m2),
        lift_to_drag=float(lift_to_drag),
        bank_v_m_s=bank_v[order],
        bank_rad=np.radians(np.asarray(bank_profile_deg[1], dtype=np.float64))[order],
        rotation=rotation,
        aero=aero,
    )


def constant_bank_for_range(
    range_m: float,
    bank_limits_deg: tuple[float, float],
    *,
    mu_m3_s2: float,
    planet_radius_m: float,
    density_kg_m3: DensityFn,
    ballistic_coefficient_kg_m2: float,
    lift_to_drag: float,
    entry: EntryPoint,
    v_end_m_s: float,
    rotation: Rotation | None = None,
    aero: MachAero | None = None,
) -> float:
    """The constant bank magnitude (deg) whose reference flight covers ``range_m`` to ``v_end_m_s``.

    Apollo's final phase flies a reference of constant vertical L/D (Graves &
    Harpold, NASA TN D-6725); this picks the one whose planar flight (the
    model of :func:`build_entry_reference`, same arguments) from ``entry``
    covers ``range_m``, by Brent's method between ``bank_limits_deg`` (lift
    up flies farthest). Raises ValueError, naming the range either limit
    flies, when ``range_m`` lies outside them.
    """
    x0 = np.array([0.0, *entry], dtype=np.float64)

    def flown_m(bank_deg: float) -> float:
        model = _planar_model(
            mu_m3_s2,
            planet_radius_m,
            density_kg_m3,
            None,
            ballistic_coefficient_kg_m2,
            lift_to_drag,
            (np.array([0.0, 1.0]), np.array([bank_deg, bank_deg])),
            rotation,
            aero,
        )
        traj, _, t_end = _fly(model, x0, v_end_m_s)
        return float(traj(t_end)[0])

    lo, hi = bank_limits_deg
    far_m, near_m = flown_m(lo), flown_m(hi)
    if not near_m <= range_m <= far_m:
        raise ValueError(
            f"a range of {range_m / 1e3:.0f} km, outside the {near_m / 1e3:.0f}-"
            f"{far_m / 1e3:.0f} km a constant bank of {lo:g}-{hi:g} deg flies"
        )
    return float(brentq(lambda b: flown_m(b) - range_m, lo, hi, xtol=1e-2))


def build_entry_reference(
    *,
    mu_m3_s2: float,
    planet_radius_m: float,
    density_kg_m3: DensityFn,
    scale_height_m: DensityFn | None,
    ballistic_coefficient_kg_m2: float,
    lift_to_drag: float,
    entry: EntryPoint,
    bank_profile_deg: tuple[np.ndarray, np.ndarray],
    v_end_m_s: float,
    end_range_to_target_m: float = 0.0,
    rotation: Rotation | None = None,
    aero: MachAero | None = None,
) -> EntryReference:
    """Fly the reference trajectory and tabulate the ETPC gains (GUIDANCE.md 1.2).

    Parameters
    ----------
    mu_m3_s2 : float
        Gravitational parameter, m^3/s^2; g = mu / r^2 with r = R + h.
    planet_radius_m : float
        Sphere radius R, m; ranges are arcs on this sphere.
    density_kg_m3 : callable
        Density (kg/m^3) as a function of an array of altitudes (m).
    scale_height_m : callable or None
        Local density scale height (m) as a function of altitude (m); None
        computes H = -rho / (d rho/dh) from ``density_kg_m3`` numerically.
    ballistic_coefficient_kg_m2 : float
        beta = m / (C_D S), kg/m^2.
    lift_to_drag : float
        Vehicle L/D (> 0).
    entry : EntryPoint
        Planet-relative speed (m/s), flight-path angle (rad, negative down)
        and altitude (m) at the entry interface.
    bank_profile_deg : tuple of numpy.ndarray
        (V nodes in m/s, bank magnitude in degrees): the reference bank,
        piecewise linear in V and held beyond the end nodes.
    v_end_m_s : float
        The reference ends at this speed (nominal deploy), m/s.
    end_range_to_target_m : float
        Range from the reference end point to the target, m.
    rotation : Rotation or None
        Fly the reference relative to a rotating planet along the entry's
        great circle (Coriolis and centrifugal terms, module docstring); None
        for a non-rotating planet.
    aero : MachAero or None
        Fly the capsule's C_D(M) and L/D(M) (``ballistic_coefficient_kg_m2``
        then holds the C_D the factors are relative to); None holds beta and
        ``lift_to_drag`` constant.

    Returns
    -------
    EntryReference

    Raises
    ------
    ValueError
        If the reference does not reach ``v_end_m_s`` above ground.

    Notes
    -----
    Adjoints (GUIDANCE.md 1.2 with the R_M/r and du/dV terms of the module
    docstring) start from the fixed-end-speed terminal values

        lambda_V = V_f cos(gamma_f) (R_M / r_f) / (D_f + g_f sin(gamma_f)),
        lambda_gamma = lambda_h = lambda_u = 0,

    the range added while the vehicle bleeds off a speed excess dV at the
    end (see docs/entry_guidance.md). The altitude-terminated Apollo values
    are lambda_h = -cot(gamma_f), lambda_V = 0 (Graves & Harpold, TN D-6725).
    """
    model = _planar_model(
        mu_m3_s2,
        planet_radius_m,
        density_kg_m3,
        scale_height_m,
        ballistic_coefficient_kg_m2,
        lift_to_drag,
        bank_profile_deg,
        rotation,
        aero,
    )
    x0 = np.array([0.0, *entry], dtype=np.float64)
    traj, t_top, t_end = _fly(model, x0, v_end_m_s)

    # Speed nodes on the decelerating branch, and their times by root finding.
    v_lo, v_hi = traj(t_end)[1], traj(t_top)[1]
    n_nodes = N_NODES
    v_nodes = np.linspace(v_lo, v_hi, n_nodes)
    t_nodes = np.empty(n_nodes)
    t_nodes[0], t_nodes[-1] = t_end, t_top
    for k in range(1, n_nodes - 1):
        t_nodes[k] = brentq(lambda t, vk=v_nodes[k]: traj(t)[1] - vk, t_top, t_end, xtol=1e-12)
    states = traj(t_nodes)
    s_end = traj(t_end)[0]

    # Adjoints, backwards from the fixed-end-speed terminal values.
    x_f = traj(t_end)
    _, v_f, gam_f, h_f = x_f
    r_f = model.radius_m + h_f
    g_f = model.mu_m3_s2 / r_f**2
    d_f = model.drag(v_f, h_f)[0]
    decel_f = d_f + g_f * np.sin(gam_f) - model.rotating_terms(x_f)[0]  # -dV/dt at the end
    lam_end = np.array([v_f * np.cos(gam_f) * (model.radius_m / r_f) / decel_f, 0, 0, 0])
    adj = solve_ivp(
        lambda t, lam: model.adjoint_rhs(traj(t), lam),
        (t_end, t_top),
        lam_end,
        method="DOP853",
        rtol=_RTOL,
        atol=1e-9,
        t_eval=t_nodes,
    )
    if adj.status != 0:
        raise ValueError(f"adjoint integration failed: {adj.message}")
    # lambda_V feeds the others but is not tabulated: guidance compares states at equal V.
    _, lam_g, lam_h, lam_u = adj.y
    _, _, gam, h = states
    v = v_nodes
    drag, _, drag_h = np.array([model.drag(vk, hk) for vk, hk in zip(v, h, strict=True)]).T
    u_ref = np.array([model.control(vk, hk)[0] for vk, hk in zip(v, h, strict=True)])
    f3 = np.maximum(lam_u, F3_FLOOR_FRACTION * np.max(lam_u))
    return EntryReference(
        v_m_s=v,
        range_to_go_m=s_end - states[0] + end_range_to_target_m,
        drag_m_s2=drag,
        hdot_m_s=v * np.sin(gam),
        u_ref=u_ref,
        f1_s2=lam_h / drag_h,  # at constant V, dD = (dD/dh) dh: -(H/D) lambda_h for constant C_D
        f2_s=lam_g / (v * np.cos(gam)),
        f3_m=f3,
        lift_to_drag=float(lift_to_drag),
        end_range_to_target_m=float(end_range_to_target_m),
        altitude_m=h,
        gamma_rad=gam,
        entry_range_to_go_m=float(s_end + end_range_to_target_m),
    )
