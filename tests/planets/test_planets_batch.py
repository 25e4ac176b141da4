"""Batch-shape independence of the vectorised wrappers: scalar, (n,) and (n, m) inputs
give bit-identical numbers, because every element goes through the same scalar code."""

from __future__ import annotations

import numpy as np

from skycrane.planets import (
    EARTH,
    MARS,
    destination,
    enu_matrix,
    gravity,
    great_circle,
    inertial_from_pf,
    lla_from_pf,
    local_from_velocity_pf,
    ned_from_pf,
    pf_from_inertial,
    pf_from_lla,
    velocity_pf_from_local,
)

RNG = np.random.default_rng(23)
SHAPE = (3, 7)
LAT = RNG.uniform(-90.0, 90.0, SHAPE)
LON = RNG.uniform(-180.0, 180.0, SHAPE)
ALT = RNG.uniform(-10e3, 1e6, SHAPE)
VEC = RNG.normal(size=(*SHAPE, 3)) * 3000.0
POS = pf_from_lla(LAT, LON, ALT, MARS)
T = RNG.uniform(0.0, 1000.0, SHAPE)


def _check(func, *args) -> None:
    """func(*args) on the (3, 7) grid, on its raveled (21,) form and element by element."""
    full = func(*args)
    full = full if isinstance(full, tuple) else (full,)
    flat_args = [
        a.reshape(-1, *a.shape[len(SHAPE) :]) if isinstance(a, np.ndarray) else a for a in args
    ]
    flat = func(*flat_args)
    flat = flat if isinstance(flat, tuple) else (flat,)
    for f, g in zip(full, flat, strict=True):
        np.testing.assert_array_equal(f.reshape(g.shape), g)
    for idx in np.ndindex(*SHAPE):
        one = func(*(a[idx] if isinstance(a, np.ndarray) else a for a in args))
        one = one if isinstance(one, tuple) else (one,)
        for f, o in zip(full, one, strict=True):
            assert np.shape(o) == f.shape[len(SHAPE) :]
            np.testing.assert_array_equal(f[idx], o)


def test_lla_batches() -> None:
    """Invariant: lla_from_pf and pf_from_lla are batch-shape independent (both planets)."""
    for planet in (EARTH, MARS):
        _check(lla_from_pf, POS, planet)
        _check(pf_from_lla, LAT, LON, ALT, planet)


def test_local_frame_batches() -> None:
    """Invariant: enu_matrix, velocity conversions and ned_from_pf are batch-shape independent."""
    _check(enu_matrix, LAT, LON, EARTH)
    _check(velocity_pf_from_local, np.abs(ALT), LAT, LON + 180.0, LAT, LON, MARS)
    _check(local_from_velocity_pf, VEC, LAT, LON, EARTH)
    _check(ned_from_pf, VEC, LAT, LON, MARS)


def test_gravity_and_rotation_batches() -> None:
    """Invariant: gravity, great circles and inertial rotation are batch-shape independent."""
    _check(gravity, POS, MARS)
    _check(great_circle, LAT, LON, LAT[::-1], LON[:, ::-1], MARS.mean_radius_m)
    _check(destination, LAT, LON, LON + 180.0, np.abs(ALT) * 5.0, MARS.mean_radius_m)
    _check(inertial_from_pf, POS, VEC, T, MARS.rotation_rad_s)
    _check(pf_from_inertial, POS, VEC, T, MARS.rotation_rad_s)


def test_broadcasting() -> None:
    """Invariant: a scalar position broadcasts against arrays of the other arguments."""
    out = pf_from_lla(LAT, 10.0, 0.0, EARTH)
    assert out.shape == (*SHAPE, 3)
    np.testing.assert_array_equal(
        out, pf_from_lla(LAT, np.full(SHAPE, 10.0), np.zeros(SHAPE), EARTH)
    )
    r_i, v_i = inertial_from_pf(POS[0, 0], VEC[0, 0], T, 1e-4)
    assert r_i.shape == v_i.shape == (*SHAPE, 3)
