"""Convergence: the Monte Carlo tolerance against a 1e-10 reference, case by case."""

from __future__ import annotations

import numpy as np

from skycrane.montecarlo import DEFAULT_RTOL, Job, compute_columns


def test_monte_carlo_tolerance_moves_rest_points_by_under_a_metre(m2020) -> None:
    """Convergence: 12 dispersed cases at DEFAULT_RTOL vs rtol 1e-10.

    Bound stated in montecarlo.chunk.DEFAULT_RTOL: rover and descent-stage rest
    points within 1 m, parachute deploy height within 0.5 m, propellant 0.05 kg.
    """
    cases = np.arange(12)
    ref = compute_columns(Job(m2020, 21, 12, 1e-10), cases)
    mc = compute_columns(Job(m2020, 21, 12, DEFAULT_RTOL), cases)
    for col, tol in [
        ("body.rover.east_m", 1.0),
        ("body.rover.north_m", 1.0),
        ("body.descent_stage.east_m", 1.0),
        ("body.descent_stage.north_m", 1.0),
        ("parachute_deploy.altitude_above_ground_m", 0.5),
        ("propellant_remaining_kg", 0.05),
    ]:
        assert np.max(np.abs(mc[col] - ref[col])) < tol, col
