"""NASA NESC atmospheric check-cases 1 and 4-10 flown through the batch kernel.

Reference: NASA/TM-2015-218675, "Check-cases for Verification of 6-DoF Flight
Vehicle Simulations" (Murri, Jackson, Shelton et al., NESC 2015); scenario
definitions in ../shared/validation/nesc/README.md. We compare against the
median of SIM 04, 05 and 06 (the consensus group) at every 0.1 s sample:
altitude and ECI position within 0.1 ft (cases 1, 4-8) or 1 ft (cases 9-10),
Earth-relative NED velocity within 0.01 ft/s. A final test checks the check:
a 1 % drag error must fail it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np
import pytest

from skycrane.atmosphere import WindProfile, us76
from skycrane.contract.layout import (
    N_PARAMS,
    N_STATE,
    P_CD_SCALE,
    P_CL_SCALE,
    P_DENSITY_SCALE,
    P_GROUND_ALT_M,
    P_NOSE_RADIUS_M,
    P_REF_AREA_M2,
    P_STOP_KIND,
    P_T_MAX_S,
    S_MASS,
    ST_TIME_LIMIT,
    STOP_NONE,
)
from skycrane.planets import (
    EARTH,
    EARTH_ROUND,
    Planet,
    inertial_from_pf,
    lla_from_pf,
    ned_from_pf,
    pf_from_lla,
    with_overrides,
)
from skycrane.propagate.kernel import default_memory, default_settings, run_batch
from skycrane.propagate.model import build_model
from skycrane.vehicle.aerodynamics import AeroBank, AeroTable

FT = 0.3048  # m, exact
SLUG = 14.593902937  # kg
SPHERE_AREA_M2 = 0.1963495 * FT**2
FOLDERS = {
    1: "Atmos_01_DroppedSphere",
    4: "Atmos_04_DroppedSphereRoundNonRotation",
    5: "Atmos_05_DroppedSphereRoundRotation",
    6: "Atmos_06_DroppedSphereEllipsoidalNoWind",
    7: "Atmos_07_DroppedSphereSteadyWind",
    8: "Atmos_08_DroppedSphere2DWindShear",
    9: "Atmos_09_EastwardCannonball",
    10: "Atmos_10_NorthwardCannonball",
}


@dataclass(frozen=True)
class Case:
    number: int
    planet: Planet
    wind: WindProfile
    cd_scale: float
    alt_ft: float
    v_ned_ft_s: tuple[float, float, float]
    tol_pos_ft: float


def _cases() -> list[Case]:
    calm = WindProfile.calm()
    steady = WindProfile(np.array([0.0]), np.array([20.0 * FT]), np.array([0.0]))
    # shear: wind toward the east at (0.003 h_ft - 20) ft/s, linear in altitude
    h_top_ft = 40_000.0
    shear = WindProfile(
        np.array([0.0, h_top_ft * FT]),
        np.array([-20.0 * FT, (0.003 * h_top_ft - 20.0) * FT]),
        np.zeros(2),
    )
    round_still = with_overrides(EARTH_ROUND, rotation_rad_s=0.0)
    rest = (0.0, 0.0, 0.0)
    return [
        Case(1, EARTH, calm, 0.0, 30_000.0, rest, 0.1),
        Case(4, round_still, calm, 1.0, 30_000.0, rest, 0.1),
        Case(5, EARTH_ROUND, calm, 1.0, 30_000.0, rest, 0.1),
        Case(6, EARTH, calm, 1.0, 30_000.0, rest, 0.1),
        Case(7, EARTH, steady, 1.0, 30_000.0, rest, 0.1),
        Case(8, EARTH, shear, 1.0, 30_000.0, rest, 0.1),
        Case(9, EARTH, calm, 1.0, 0.0, (0.0, 1000.0, -1000.0), 1.0),
        Case(10, EARTH, calm, 1.0, 0.0, (1000.0, 0.0, -1000.0), 1.0),
    ]


def _read(path) -> dict[str, np.ndarray]:
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    header = [h.strip() for h in rows[0]]
    data = np.array([[float(x) for x in r[: len(header)]] for r in rows[1:] if r], dtype=float)
    return {name: data[:, k] for k, name in enumerate(header) if name}


def _consensus(folder, case: int) -> dict[str, np.ndarray]:
    """Median of SIM 04, 05, 06 for every column they share."""
    sims = [_read(folder / f"Atmos_{case:02d}_sim_{k:02d}.csv") for k in (4, 5, 6)]
    keys = set(sims[0]).intersection(*sims[1:])
    n = min(len(s["time"]) for s in sims)
    return {k: np.median(np.stack([s[k][:n] for s in sims]), axis=0) for k in keys}


def _fly(case: Case) -> dict[str, np.ndarray]:
    """Fly one NESC case through the kernel; return its samples in feet."""
    aero = AeroBank.from_tables([AeroTable([0.0], [0.1], [0.0], [0.0])])
    model = build_model(case.planet, us76(), case.wind, aero)
    r0 = pf_from_lla(0.0, 0.0, case.alt_ft * FT, case.planet)
    ned = np.array(case.v_ned_ft_s) * FT
    # at lat = lon = 0: north = +z, east = +y, down = -x (planet-fixed axes)
    v0 = np.array([-ned[2], ned[1], ned[0]])
    y0 = np.zeros((1, N_STATE))
    y0[0, 0:3] = r0
    y0[0, 3:6] = v0
    y0[0, S_MASS] = SLUG
    p = np.zeros((1, N_PARAMS))
    p[0, P_REF_AREA_M2] = SPHERE_AREA_M2
    p[0, P_NOSE_RADIUS_M] = 1.0
    p[0, P_CD_SCALE] = case.cd_scale
    p[0, P_CL_SCALE] = 0.0
    p[0, P_DENSITY_SCALE] = 1.0
    p[0, P_STOP_KIND] = STOP_NONE
    p[0, P_GROUND_ALT_M] = -1.0e5
    p[0, P_T_MAX_S] = 30.0
    settings = default_settings(rtol=1e-12, atol=1e-10, max_step_s=0.1, output_dt_s=0.1)
    raw = run_batch(0.0, y0, p, default_memory(p[0])[None], model, settings)
    assert raw.status[0] == ST_TIME_LIMIT
    n = int(raw.traj_n[0])
    t = raw.traj_t_s[0, :n]
    r = raw.traj_y[0, :n, 0:3]
    v = raw.traj_y[0, :n, 3:6]
    lat, lon, alt = lla_from_pf(r, case.planet)
    r_i, _ = inertial_from_pf(r, v, t, case.planet.rotation_rad_s)
    v_ned = ned_from_pf(v, lat, lon, case.planet)
    return {"time": t, "alt_ft": alt / FT, "r_i_ft": r_i / FT, "v_ned_ft_s": v_ned / FT}


@pytest.mark.parametrize("case", _cases(), ids=lambda c: f"case{c.number:02d}")
def test_nesc_checkcase(case: Case, nesc_dir) -> None:
    """Altitude, ECI position and NED velocity against the NESC consensus (SIM 04/05/06)."""
    ref = _consensus(nesc_dir / FOLDERS[case.number], case.number)
    ours = _fly(case)
    n = len(ref["time"])
    assert len(ours["time"]) == n == 301
    np.testing.assert_allclose(ours["time"], ref["time"], atol=1e-4)
    alt_err = np.abs(ours["alt_ft"] - ref["altitudeMsl_ft"])
    ref_pos = np.stack([ref[f"eiPosition_ft_{c}"] for c in "XYZ"], axis=1)
    pos_err = np.linalg.norm(ours["r_i_ft"] - ref_pos, axis=1)
    ref_vel = np.stack([ref[f"feVelocity_ft_s_{c}"] for c in "XYZ"], axis=1)
    vel_err = np.abs(ours["v_ned_ft_s"] - ref_vel).max(axis=1)
    assert alt_err.max() < case.tol_pos_ft, f"altitude off by {alt_err.max():.4g} ft"
    assert pos_err.max() < case.tol_pos_ft, f"position off by {pos_err.max():.4g} ft"
    assert vel_err.max() < 0.01, f"velocity off by {vel_err.max():.4g} ft/s"


def test_nesc_physics_errors_are_detected(nesc_dir) -> None:
    """Invariant of the check itself: a 1 % drag error must fail case 6 (README: 6-150 ft)."""
    base = next(c for c in _cases() if c.number == 6)
    ref = _consensus(nesc_dir / FOLDERS[6], 6)
    wrong = _fly(Case(6, base.planet, base.wind, 1.01, base.alt_ft, base.v_ned_ft_s, 0.1))
    assert np.abs(wrong["alt_ft"] - ref["altitudeMsl_ft"]).max() > 0.1
