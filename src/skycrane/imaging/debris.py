"""Debris model: what the descent stage's crash and the other hardware leave on the ground.

Scaling of the disturbed area
-----------------------------
Each impact of kinetic energy ``E`` disturbs a patch of dust of radius

.. math:: R = C \\, E^{\\beta}

with ``C = DebrisParams.radius_coeff_m`` (default 0.17 m J^-1/3) and
``beta = DebrisParams.radius_exponent`` (default 1/3).  ``beta = 1/3`` is pure
energy scaling (disturbed volume proportional to energy); the point-source
scaling of Holsapple (1993, "The scaling of impact processes in planetary
sciences", Annu. Rev. Earth Planet. Sci. 21, 333-373) gives exponents between
about 0.22 (gravity regime, sand, mu = 0.41) and 1/3 for crater size versus
energy at fixed impactor density, so both numbers are tunable.  ``C`` is
calibrated so that a ~650 kg descent stage hitting at ~40 m/s (E ~ 5e5 J)
disturbs a fan ~14 m long, the scale of the fans HiRISE saw after the MSL and
Mars 2020 landings.  It is a rendering model, not a crater-physics model.

Fragmentation
-------------
The descent stage sheds a fraction ``fragment_mass_fraction`` (default 0.15) of its
mass as fragments whose masses follow a truncated power law, cumulative
``N(>m) ~ m^-b`` with ``b = 0.8`` (Turcotte 1986, "Fractals and fragmentation",
J. Geophys. Res. 91, 1921; typical of impact and explosive fragmentation).
Fragment launch speeds are a log-normal fraction (median 0.45, sigma 0.35) of
the impact speed, azimuths are normal about the direction of travel (sigma 15
degrees) and elevation angles uniform in 10-35 degrees (a grazing impact throws
debris forward and low).  All of these are tunable model assumptions.

Flight is ballistic over a flat surface in Mars gravity (3.71 m/s^2) with no
drag and launch from ground level, so the range is ``v^2 sin(2 theta) / g`` and the
fragment lands at its launch speed.  Drag would shorten the flight of the
smallest fragments by a few per cent at these speeds in Mars' thin atmosphere.

Balance masses: crater scaling
------------------------------
The tungsten balance masses are small, dense and fast (25 kg at ~500 m/s, 70-75 kg
at ~4.3 km/s).  ``C E^(1/3)`` extrapolated from the descent stage's ~5e5 J to their
3e6-7e8 J gives marks of 25-150 m radius, far too big.  They get a crater instead,
from the point-source scaling of Holsapple (1993, eq. 18 with the strength and
gravity terms added; constants of Holsapple's crater-scaling notes for "dry soil":
``K1 = 0.132``, ``mu = 0.41``, ``Y = 0.065 MPa``, ``nu = 0.4``, ``R = 1.33 V^(1/3)``)::

    pi_V = K1 [pi_2 (rho/delta)^((6 nu - 2 - mu) / (3 mu))
               + pi_3^((2 + mu)/2) (rho/delta)^((6 nu - 2) / (3 mu))]^(-3 mu / (2 + mu))

with ``pi_V = rho V / m``, ``pi_2 = g a / U^2``, ``pi_3 = Y / (rho U^2)``, ``a`` the
impactor radius, ``delta`` its density (tungsten, 19 300 kg/m^3), ``rho`` the soil's
bulk density (1500 kg/m^3, within the 1.1-1.6 g/cm^3 of Martian soils, Moore and
Jakosky 1989, Icarus 81, 164) and ``U`` the *vertical* component of the impact speed
(crater volume ~ sin(angle), Gault and Wedekind 1978, Proc. Lunar Planet. Sci. Conf. 9,
3843).  At these sizes the strength term dominates, so ``R ~ m^(1/3) U^(0.41)``:
gentler than ``E^(1/3) ~ m^(1/3) U^(2/3)``.  Check: MSL's 75 kg cruise balance masses
at 4.3 km/s and 15-30 degrees give 4.6-6.0 m craters; HiRISE measured 3-5 m
(McEwen, HiRISE ESP_029245_1755 caption, 2012).  The darkened patch is the crater
plus its continuous ejecta, which reaches about one crater radius beyond the rim
(Melosh 1989, *Impact Cratering*, ch. 6): radius ``ejecta_radius_ratio * R``
(default 2).  The wider dark "blast zones" some fresh Martian craters show are not
modelled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from skycrane.imaging.marks import Mark, fan_half_angle_rad

MARS_G_M_S2 = 3.71


@dataclass(frozen=True, slots=True)
class DebrisParams:
    """Tunable numbers of the debris model (see the module docstring)."""

    radius_coeff_m: float = 0.17
    radius_exponent: float = 1.0 / 3.0
    crater_fraction: float = 0.25
    main_darkening: float = 0.45
    fragment_mass_fraction: float = 0.15
    fragment_mass_min_kg: float = 0.05
    fragment_mass_max_fraction: float = 0.05
    fragment_power_b: float = 0.8
    max_fragments: int = 150
    speed_fraction_median: float = 0.45
    speed_fraction_sigma: float = 0.35
    azimuth_sigma_deg: float = 15.0
    elevation_min_deg: float = 10.0
    elevation_max_deg: float = 35.0
    secondary_darkening: tuple[float, float] = (0.25, 0.45)
    gravity_m_s2: float = MARS_G_M_S2
    crater_k1: float = 0.132
    crater_mu: float = 0.41
    crater_nu: float = 0.4
    soil_strength_pa: float = 6.5e4
    soil_density_kg_m3: float = 1500.0
    crater_radius_factor: float = 1.33
    balance_mass_density_kg_m3: float = 19_300.0
    ejecta_radius_ratio: float = 2.0


def disturbed_radius_m(energy_j: float, params: DebrisParams = DebrisParams()) -> float:
    """Radius of dust disturbed by an impact of ``energy_j`` joules, ``C E^beta``."""
    return params.radius_coeff_m * max(energy_j, 0.0) ** params.radius_exponent


def crater_radius_m(
    mass_kg: float,
    speed_m_s: float,
    impact_angle_deg: float = 45.0,
    impactor_density_kg_m3: float = 19_300.0,
    params: DebrisParams = DebrisParams(),
) -> float:
    """Crater radius of a compact impactor, Holsapple (1993) point-source scaling.

    Parameters
    ----------
    mass_kg, speed_m_s : float
        Impactor mass and impact speed.
    impact_angle_deg : float
        Angle of the trajectory below the horizontal; only the vertical component
        ``U sin(angle)`` of the speed makes the crater (Gault and Wedekind 1978).
    impactor_density_kg_m3 : float
        Impactor density (tungsten 19 300 kg/m^3).
    params : DebrisParams
        Soil constants ``crater_*``, ``soil_*`` (see the module docstring).

    Returns
    -------
    float
        Crater radius in metres, ``crater_radius_factor * V^(1/3)``; 0 for no impact.
    """
    p = params
    u = speed_m_s * math.sin(math.radians(min(max(impact_angle_deg, 0.0), 90.0)))
    if mass_kg <= 0.0 or u <= 0.0:
        return 0.0
    a = (3.0 * mass_kg / (4.0 * math.pi * impactor_density_kg_m3)) ** (1.0 / 3.0)
    ratio = p.soil_density_kg_m3 / impactor_density_kg_m3
    mu, nu = p.crater_mu, p.crater_nu
    pi2 = p.gravity_m_s2 * a / u**2
    pi3 = p.soil_strength_pa / (p.soil_density_kg_m3 * u**2)
    gravity = pi2 * ratio ** ((6.0 * nu - 2.0 - mu) / (3.0 * mu))
    strength = pi3 ** ((2.0 + mu) / 2.0) * ratio ** ((6.0 * nu - 2.0) / (3.0 * mu))
    pi_v = p.crater_k1 * (gravity + strength) ** (-3.0 * mu / (2.0 + mu))
    volume_m3 = pi_v * mass_kg / p.soil_density_kg_m3
    return p.crater_radius_factor * volume_m3 ** (1.0 / 3.0)


def _math_angle(bearing_deg: float) -> float:
    """Compass bearing (clockwise from north) to counter-clockwise-from-east radians."""
    return math.radians(90.0 - bearing_deg)


def main_crash_fan(
    x_m: float,
    y_m: float,
    mass_kg: float,
    speed_m_s: float,
    heading_deg: float,
    impact_angle_deg: float,
    params: DebrisParams = DebrisParams(),
    ray_seed: int = 0,
) -> Mark:
    """The dark fan of the descent stage's crash, opening along its direction of travel.

    Its ejecta thin as ``(r/r_c)^-3`` and are spread round the crater by the impact
    angle: evenly above 45 degrees, none up-range at 20 degrees and below (Gault &
    Wedekind 1978; :func:`skycrane.imaging.marks.ejecta_azimuth_weight`); the truth
    outline's half opening is where their reach halves
    (:func:`skycrane.imaging.marks.fan_half_angle_rad`).

    Parameters
    ----------
    x_m, y_m : float
        Impact point, metres east/north.
    mass_kg, speed_m_s : float
        Mass and impact speed.
    heading_deg : float
        Direction of travel, compass bearing.
    impact_angle_deg : float
        Flight-path angle below the horizontal; steeper impacts open wider fans.
    params : DebrisParams
        Tunable numbers.
    ray_seed : int
        Seed of the ejecta rays (0: none).
    """
    energy = 0.5 * mass_kg * speed_m_s**2
    length = disturbed_radius_m(energy, params)
    angle = min(max(impact_angle_deg, 0.0), 90.0)
    return Mark(
        x_m=x_m,
        y_m=y_m,
        semi_major_m=length,
        semi_minor_m=params.crater_fraction * length,
        orientation_rad=_math_angle(heading_deg),
        darkening=params.main_darkening,
        kind="main_crash",
        shape="fan",
        half_angle_rad=fan_half_angle_rad(angle),
        energy_j=energy,
        impact_angle_deg=angle,
        ray_seed=ray_seed,
    )


def fragment_masses(rng: np.random.Generator, total_kg: float, params: DebrisParams) -> np.ndarray:
    """Fragment masses from a truncated power law until ``fragment_mass_fraction`` is used."""
    budget = params.fragment_mass_fraction * total_kg
    m_lo = params.fragment_mass_min_kg
    m_hi = max(params.fragment_mass_max_fraction * total_kg, 2.0 * m_lo)
    b = params.fragment_power_b
    # Inverse CDF of the pdf ~ m^(-b-1) on [m_lo, m_hi].
    u = rng.random(params.max_fragments)
    lo, hi = m_lo**-b, m_hi**-b
    masses = (lo - u * (lo - hi)) ** (-1.0 / b)
    cumulative = np.cumsum(masses)
    n = int(np.searchsorted(cumulative, budget)) + 1
    return masses[: min(n, params.max_fragments)]


def secondary_impacts(
    rng: np.random.Generator,
    x_m: float,
    y_m: float,
    mass_kg: float,
    speed_m_s: float,
    heading_deg: float,
    params: DebrisParams = DebrisParams(),
) -> list[Mark]:
    """Fragments of the crash flown ballistically to their secondary impacts.

    Returns one elliptical ``"secondary"`` mark per fragment, elongated along its
    flight direction, sized by :func:`disturbed_radius_m` of its landing energy.
    """
    masses = fragment_masses(rng, mass_kg, params)
    n = masses.size
    frac = np.exp(
        math.log(params.speed_fraction_median)
        + params.speed_fraction_sigma * rng.standard_normal(n)
    )
    v = speed_m_s * np.clip(frac, 0.05, 0.95)
    azimuth = _math_angle(heading_deg) + np.radians(params.azimuth_sigma_deg) * rng.standard_normal(
        n
    )
    elev = np.radians(rng.uniform(params.elevation_min_deg, params.elevation_max_deg, n))
    ranges = v**2 * np.sin(2.0 * elev) / params.gravity_m_s2
    energies = 0.5 * masses * v**2  # flat ground, no drag: lands at launch speed
    lo, hi = params.secondary_darkening
    dark = rng.uniform(lo, hi, n)
    marks = []
    for i in range(n):
        radius = disturbed_radius_m(float(energies[i]), params)
        stretch = 1.0 + 0.5 * math.cos(float(elev[i]))  # low, grazing hits smear forward
        marks.append(
            Mark(
                x_m=x_m + float(ranges[i] * math.cos(azimuth[i])),
                y_m=y_m + float(ranges[i] * math.sin(azimuth[i])),
                semi_major_m=radius * math.sqrt(stretch),
                semi_minor_m=radius / math.sqrt(stretch),
                orientation_rad=float(azimuth[i]),
                darkening=float(dark[i]),
                kind="secondary",
                energy_j=float(energies[i]),
            )
        )
    return marks


def descent_stage_debris(
    rng: np.random.Generator,
    x_m: float,
    y_m: float,
    mass_kg: float,
    speed_m_s: float,
    heading_deg: float,
    impact_angle_deg: float = 30.0,
    params: DebrisParams = DebrisParams(),
) -> list[Mark]:
    """Main crash fan plus the secondary impacts of its fragments.

    Parameters
    ----------
    rng : numpy.random.Generator
        Seeded generator; the only source of randomness.
    x_m, y_m : float
        Impact point, metres east/north of the reference.
    mass_kg, speed_m_s : float
        Descent-stage mass and impact speed.
    heading_deg : float
        Direction of travel at impact, compass bearing (degrees clockwise from north).
    impact_angle_deg : float
        Flight-path angle below the horizontal.
    params : DebrisParams
        Tunable numbers.

    Returns
    -------
    list of Mark
        The ``"main_crash"`` fan first, then the ``"secondary"`` marks.
    """
    ray_seed = int(rng.integers(1, 2**31))
    fan = main_crash_fan(
        x_m, y_m, mass_kg, speed_m_s, heading_deg, impact_angle_deg, params, ray_seed
    )
    return [fan, *secondary_impacts(rng, x_m, y_m, mass_kg, speed_m_s, heading_deg, params)]


def hardware_mark(
    kind: str,
    x_m: float,
    y_m: float,
    mass_kg: float,
    speed_m_s: float,
    size_m: float = 0.0,
    orientation_rad: float = 0.0,
    darkening: float = 0.35,
    params: DebrisParams = DebrisParams(),
) -> Mark:
    """Round mark of a large, light piece of hardware (heat shield, backshell).

    The radius is the larger of the energy-scaled disturbed radius and half the
    hardware's own size ``size_m`` (a 4.5 m heat shield covers at least its footprint).
    Balance masses are small and dense: see :func:`balance_mass_mark`.
    """
    energy = 0.5 * mass_kg * speed_m_s**2
    radius = max(disturbed_radius_m(energy, params), 0.5 * size_m)
    return Mark(
        x_m, y_m, radius * 1.1, radius / 1.1, orientation_rad, darkening, kind, energy_j=energy
    )


def balance_mass_mark(
    x_m: float,
    y_m: float,
    mass_kg: float,
    speed_m_s: float,
    impact_angle_deg: float = 45.0,
    orientation_rad: float = 0.0,
    darkening: float = 0.35,
    params: DebrisParams = DebrisParams(),
) -> Mark:
    """Crater and continuous ejecta of a tungsten balance mass.

    Radius ``ejecta_radius_ratio * crater_radius_m(...)`` (Holsapple 1993 scaling, see
    the module docstring), stretched along the direction of travel ``orientation_rad``
    by ``1 + 0.5 cos(angle)`` at constant area, as for the secondaries.
    """
    radius = params.ejecta_radius_ratio * crater_radius_m(
        mass_kg, speed_m_s, impact_angle_deg, params.balance_mass_density_kg_m3, params
    )
    stretch = 1.0 + 0.5 * math.cos(math.radians(impact_angle_deg))
    return Mark(
        x_m,
        y_m,
        radius * math.sqrt(stretch),
        radius / math.sqrt(stretch),
        orientation_rad,
        darkening,
        "balance_mass",
        energy_j=0.5 * mass_kg * speed_m_s**2,
    )


CANOPY_ALBEDO = 0.6
"""Lambert albedo of the white canopy as it lies, folded and dusted (assumed; tunable)."""
GROUND_ALBEDO = 0.25
"""Lambert albedo of the dusty plain (:class:`skycrane.imaging.surface.SurfaceParams`)."""


def parachute_mark(
    x_m: float, y_m: float, canopy_diameter_m: float = 21.5, orientation_rad: float = 0.0
) -> Mark:
    """The parachute lying collapsed downwind of the backshell: a long, *bright* ellipse.

    On HiRISE's images of the MSL and Mars 2020 landings the canopy is the brightest
    thing on the ground; it covers ``0.3 D x 0.12 D`` semi-axes of its diameter ``D``
    and has the darkening ``1 - CANOPY_ALBEDO / GROUND_ALBEDO`` (negative: brighter).
    """
    return Mark(
        x_m,
        y_m,
        0.3 * canopy_diameter_m,
        0.12 * canopy_diameter_m,
        orientation_rad,
        1.0 - CANOPY_ALBEDO / GROUND_ALBEDO,
        "parachute",
    )


def blast_zone_mark(
    x_m: float = 0.0,
    y_m: float = 0.0,
    radius_m: float = 10.0,
    darkening: float = 0.18,
    ray_seed: int = 0,
) -> Mark:
    """Engine-blast zone around the rover (tunable radius; Perseverance's was ~20 m across):
    the plumes' scour falls off as ``(R/r)^4`` with radial streaks (``ray_seed``, 0: none;
    :mod:`skycrane.imaging.marks`)."""
    return Mark(x_m, y_m, radius_m, radius_m * 0.9, 0.0, darkening, "blast_zone", ray_seed=ray_seed)


# Masses (mission presets) and impact speeds (simulated) of MSL and Mars 2020 hardware:
# heat shield 380 / 440 kg at 87 / 101 m/s, backshell 400 / 575 kg at 26 / 34 m/s,
# entry balance masses 25 kg at 500-526 m/s; ranges widened a little.
SITE_HARDWARE = {
    "heat_shield": {"mass_kg": (380.0, 440.0), "speed_m_s": (80.0, 105.0)},
    "backshell": {"mass_kg": (400.0, 575.0), "speed_m_s": (25.0, 36.0)},
    "balance_mass": {"mass_kg": (25.0, 25.0), "speed_m_s": (300.0, 600.0)},
}
HEAT_SHIELD_DIAMETER_M = 4.5
PARACHUTE_DIAMETER_M = 21.5


def _in_cone(pos: tuple[float, float], fan: Mark, half_angle_deg: float) -> bool:
    """Whether ``pos`` lies in the cone of ``half_angle_deg`` around ``fan``'s axis."""
    dx, dy = pos[0] - fan.x_m, pos[1] - fan.y_m
    dist = math.hypot(dx, dy)
    along = dx * math.cos(fan.orientation_rad) + dy * math.sin(fan.orientation_rad)
    return dist > 0.0 and along > dist * math.cos(math.radians(half_angle_deg))


def _place(
    rng: np.random.Generator,
    marks: list[Mark],
    reach_m: float,
    half: tuple[float, float],
    avoid_cone: Mark | None = None,
) -> tuple[float, float]:
    """A random point ``reach_m`` inside the frame, as far from ``marks`` as 200 draws allow.

    With ``avoid_cone``, points in the 50-degree cone downrange of that fan are refused.
    """
    best, best_gap = (0.0, 0.0), -math.inf
    for _ in range(200):
        pos = (
            float(rng.uniform(-1.0, 1.0) * max(half[0] - reach_m, 0.0)),
            float(rng.uniform(-1.0, 1.0) * max(half[1] - reach_m, 0.0)),
        )
        if avoid_cone is not None and _in_cone(pos, avoid_cone, 50.0):
            continue
        gap = min(
            (math.hypot(pos[0] - m.x_m, pos[1] - m.y_m) - m.extent_m - reach_m for m in marks),
            default=math.inf,
        )
        if gap > best_gap:
            best, best_gap = pos, gap
        if gap > 5.0:
            break
    return best


def random_site(
    rng: np.random.Generator, width_m: float, height_m: float, params: DebrisParams = DebrisParams()
) -> list[Mark]:
    """A random landing site compressed into one image, for testing detection.

    Rover and blast zone, the descent stage's crash with its fragments, a heat
    shield, a backshell with its parachute and two balance masses, all within
    ``width_m x height_m`` centred on the origin (real sites spread these over
    kilometres).  The rover lies up-range of the crash, 60-75 % of the way from the
    centre to the frame's edge along the stage's heading, and the crash within 10 % of
    the centre, so the blast zone is out of the crash's ejecta halo (on real sites the
    crash is 650-700 m away) and the fragments fly into the frame's down-range half.
    Hardware masses and speeds are drawn from :data:`SITE_HARDWARE`;
    each piece is placed clear of everything placed before it (5 m when there is room),
    and balance masses outside the 50-degree cone downrange of the crash (real ones
    land kilometres away from its fragments).  Marks reaching outside the frame are
    dropped.
    """
    hw, hh = 0.5 * width_m, 0.5 * height_m
    half = min(hw, hh)
    heading = float(rng.uniform(0.0, 360.0))
    th = _math_angle(heading)
    along, across = (math.cos(th), math.sin(th)), (-math.sin(th), math.cos(th))
    radius = float(rng.uniform(6.0, 10.0))
    # The stage flies away from the rover and comes down downrange of it (MSL 650 m,
    # Mars 2020 700 m): the rover in the up-range part of the frame, the crash near
    # its centre, 44-67 m apart in a 200 m frame, clear of the fan's ejecta halo.
    rover_at = (
        -float(rng.uniform(0.6, 0.75)) * (half - radius),
        float(rng.uniform(-0.2, 0.2)) * (half - radius),
    )
    crash_at = (-float(rng.uniform(0.0, 0.1)) * half, float(rng.uniform(-0.1, 0.1)) * half)
    rover, crash = (
        (a * along[0] + c * across[0], a * along[1] + c * across[1])
        for a, c in (rover_at, crash_at)
    )
    marks = [blast_zone_mark(*rover, radius_m=radius, ray_seed=int(rng.integers(1, 2**31)))]
    marks += descent_stage_debris(
        rng,
        crash[0],
        crash[1],
        float(rng.uniform(500.0, 800.0)),
        float(rng.uniform(30.0, 45.0)),
        heading,
        float(rng.uniform(20.0, 60.0)),
        params,
    )
    for kind in ("heat_shield", "backshell", "balance_mass", "balance_mass"):
        ranges = SITE_HARDWARE[kind]
        mass = float(rng.uniform(*ranges["mass_kg"]))
        speed = float(rng.uniform(*ranges["speed_m_s"]))
        orient = float(rng.uniform(0.0, 2.0 * math.pi))
        if kind == "balance_mass":
            angle = float(rng.uniform(20.0, 70.0))
            new = [balance_mass_mark(0.0, 0.0, mass, speed, angle, orient, params=params)]
        else:
            new = [
                hardware_mark(
                    kind, 0.0, 0.0, mass, speed, HEAT_SHIELD_DIAMETER_M, orient, params=params
                )
            ]
        if kind == "backshell":
            offset = new[0].extent_m + 0.2 * PARACHUTE_DIAMETER_M
            new.append(
                parachute_mark(
                    offset * math.cos(orient),
                    offset * math.sin(orient),
                    PARACHUTE_DIAMETER_M,
                    orientation_rad=orient,
                )
            )
        reach = max(math.hypot(m.x_m, m.y_m) + m.extent_m for m in new)
        # Real balance masses land kilometres from the crash, never among its fragments.
        avoid = marks[1] if kind == "balance_mass" else None
        pos = _place(rng, marks, reach, (hw, hh), avoid)
        marks += [m.shifted(*pos) for m in new]
    return [m for m in marks if abs(m.x_m) + m.extent_m < hw and abs(m.y_m) + m.extent_m < hh]
