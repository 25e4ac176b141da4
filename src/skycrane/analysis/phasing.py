"""Phase an orbit mission to a landing site: the plane and the phase that land it there.

A flight from orbit (docs/orbit_and_deorbit.md) with its burn time fixed lands
where its orbit's plane and its position along the orbit at the epoch take
it. :func:`phase_orbit` solves the two angles that decide this, ``raan_deg``
(the plane: mostly across the track) and ``true_anomaly_deg`` (the phase:
along it), by Newton's method on the nominal flight's touchdown. The Jacobian
comes from finite differences of flown flights, so whatever the vehicle
flies (lift, guidance, drag) is accounted for. The entry time and state that
follow are then outputs, to compare with a flight's published timeline.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from skycrane.contract import layout as L
from skycrane.errors import InputError
from skycrane.missions.loader import Mission
from skycrane.planets import east_north_m, lla_from_pf
from skycrane.propagate.kernel import run_batch
from skycrane.sequence.build import build_batch

STEP_DEG = 0.2
"""Finite-difference step of both angles: ~45 km of the orbit, where the map is smooth."""


def with_phase(mission: Mission, raan_deg: float, true_anomaly_deg: float) -> Mission:
    """``mission`` with its orbit's RAAN and true anomaly replaced."""
    orbit = mission.spec.orbit.model_copy(
        update={"raan_deg": raan_deg, "true_anomaly_deg": true_anomaly_deg}
    )
    return dataclasses.replace(mission, spec=mission.spec.model_copy(update={"orbit": orbit}))


def touchdown_offset_m(mission: Mission, latitude_deg: float, longitude_deg: float) -> np.ndarray:
    """(east, north) [m] of the nominal flight's touchdown from a site (planets.east_north_m)."""
    batch = build_batch(mission, 1, record_trajectory=False)
    raw = run_batch(batch.t0_s, batch.y0, batch.params, batch.mem0, batch.model, batch.settings)
    if not raw.event_fired[0, L.EV_TOUCHDOWN]:
        raise InputError(
            "orbit.raan_deg",
            mission.spec.orbit.raan_deg,
            f"an orbit whose nominal flight lands ({L.STATUS_TEXT[int(raw.status[0])]})",
        )
    lat, lon, _ = lla_from_pf(raw.event_y[0, L.EV_TOUCHDOWN, 0:3], mission.planet)
    east, north = east_north_m(latitude_deg, longitude_deg, lat, lon, mission.planet.mean_radius_m)
    return np.array([east, north], dtype=float)


def phase_orbit(
    mission: Mission,
    latitude_deg: float,
    longitude_deg: float,
    tolerance_m: float = 500.0,
    max_iterations: int = 8,
) -> tuple[float, float, float]:
    """RAAN and true anomaly [deg] that land ``mission`` within ``tolerance_m`` of a site.

    Starts from the mission's own angles, which must land it within reach of
    the linearisation (a few hundred km). Returns (raan_deg, true_anomaly_deg,
    miss_m). Raises :class:`~skycrane.errors.InputError` if the iteration does
    not converge.
    """
    x = np.array([mission.spec.orbit.raan_deg, mission.spec.orbit.true_anomaly_deg])
    for _ in range(max_iterations):
        f = touchdown_offset_m(with_phase(mission, *x), latitude_deg, longitude_deg)
        if np.linalg.norm(f) <= tolerance_m:
            return float(x[0]), float(x[1]), float(np.linalg.norm(f))
        jac = np.empty((2, 2))
        for j in range(2):
            dx = x.copy()
            dx[j] += STEP_DEG
            jac[:, j] = (
                touchdown_offset_m(with_phase(mission, *dx), latitude_deg, longitude_deg) - f
            ) / STEP_DEG
        x = x - np.linalg.solve(jac, f)
    raise InputError(
        "orbit.raan_deg",
        mission.spec.orbit.raan_deg,
        f"a first guess from which the landing converges on ({latitude_deg:g}, "
        f"{longitude_deg:g}) within {max_iterations} Newton steps",
    )
