"""ETPC reference trajectory: adjoint sensitivities against finite differences of the planar model.

The planar model here is written out again, independently of the module, from
GUIDANCE.md 1.2. The adjoint sensitivities F1-F3 (Graves & Harpold, NASA
TN D-6725; Mendeck & Craig, AIAA 2011-6192) must reproduce the change of the
range flown to V_end when D (via h at fixed V), hdot (via gamma) or u is
perturbed at a node and the planar model is flown again.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from planar_entry import range_flown

from skycrane.atmosphere import exponential, mars_gram_average
from skycrane.guidance import EntryReference, build_entry_reference
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
from skycrane.guidance.entry_reference import EntryPoint

MU_M3_S2 = 4.282837e13
RADIUS_M = 3396.19e3
BETA_KG_M2 = 146.0
LIFT_TO_DRAG = 0.24
V_END_M_S = 420.0
# Reference bank: 60 deg above 3.5 km/s, ramps to 10 deg at 1.1 km/s (test 3 flies the same).
PROFILE = (np.array([1100.0, 1600.0, 2500.0, 3500.0]), np.array([10.0, 30.0, 50.0, 60.0]))
NODES = (6, 40, 100, 160, 220, 280)  # of 300: about 0.52, 1.1, 2.1, 3.1, 4.1 and 5.1 km/s


def _build(density, scale_height=None, **overrides) -> EntryReference:
    args = dict(
        mu_m3_s2=MU_M3_S2,
        planet_radius_m=RADIUS_M,
        density_kg_m3=density,
        scale_height_m=scale_height,
        ballistic_coefficient_kg_m2=BETA_KG_M2,
        lift_to_drag=LIFT_TO_DRAG,
        entry=EntryPoint(5400.0, math.radians(-15.5), 125e3),
        bank_profile_deg=PROFILE,
        v_end_m_s=V_END_M_S,
        end_range_to_target_m=10e3,
    )
    args.update(overrides)
    return build_entry_reference(**args)


@pytest.fixture(scope="module")
def density():
    table = mars_gram_average()
    return lambda h: table.evaluate(h).density_kg_m3


@pytest.fixture(scope="module")
def reference(density) -> EntryReference:
    return _build(density)


def _range_flown(density, v, gamma, h, du=0.0):
    """Planar range flown to V_end (GUIDANCE.md 1.2), control u_ref(V) + du."""

    def aero(speed, alt):
        return float(density(alt)) * speed**2 / (2.0 * BETA_KG_M2), LIFT_TO_DRAG

    return range_flown(aero, (v, gamma, h), (MU_M3_S2, RADIUS_M), PROFILE, V_END_M_S, du)


def _scale_height(density, h):
    return -20.0 / (math.log(density(h + 10.0)) - math.log(density(h - 10.0)))


def _node(reference, k):
    return reference.v_m_s[k], reference.gamma_rad[k], reference.altitude_m[k]


@pytest.mark.parametrize("k", NODES)
def test_range_to_go_is_the_planar_range_flown(reference, density, k):
    """Definition (GUIDANCE.md 1.2 step 3): R_ref(V) = planar range from V to V_end + end range."""
    flown = _range_flown(density, *_node(reference, k))
    expected = reference.range_to_go_m[k] - reference.end_range_to_target_m
    assert flown == pytest.approx(expected, abs=0.5)


@pytest.mark.parametrize("k", NODES)
def test_sensitivities_match_central_differences(reference, density, k):
    """Adjoints vs central differences, dD = 1 % (via h), dhdot = 2 m/s (via gamma), du = 0.002.

    Measured: F1 and F2 agree to 5e-5 (the 0.52 km/s node checks the
    fixed-end-speed terminal values), F3 to 1e-4 where it is not floored
    (Mendeck & Craig 2011 F1-F3 as defined in GUIDANCE.md 1.2); tolerance 1e-3.
    """
    v, gam, h = _node(reference, k)
    drag = reference.drag_m_s2[k]
    dd = 0.01 * drag
    dh = -_scale_height(density, h) / drag * dd  # dD = -(D/H) dh at fixed V
    f1 = (_range_flown(density, v, gam, h + dh) - _range_flown(density, v, gam, h - dh)) / (2 * dd)
    dhdot = 2.0
    dgam = dhdot / (v * math.cos(gam))  # dhdot = V cos(gamma) dgamma at fixed V
    up, down = _range_flown(density, v, gam + dgam, h), _range_flown(density, v, gam - dgam, h)
    f2 = (up - down) / (2 * dhdot)
    du = 0.002
    f3 = (_range_flown(density, v, gam, h, du) - _range_flown(density, v, gam, h, -du)) / (2 * du)
    assert reference.f1_s2[k] == pytest.approx(f1, rel=1e-3)
    assert reference.f2_s[k] == pytest.approx(f2, rel=1e-3)
    if reference.f3_m[k] > reference.f3_m[0]:  # above the floor
        assert reference.f3_m[k] == pytest.approx(f3, rel=1e-3)
    else:  # floored where the true dR/du is a few hundred m or less
        assert abs(f3) < reference.f3_m[0]


@pytest.mark.parametrize("k", NODES[1:])
def test_linear_prediction_of_finite_dispersions(reference, density, k):
    """One-sided, realistic dispersions, each alone: density +5 %, hdot +5 m/s, u +0.01.

    The brief asked for 5-10 % agreement. Measured: F1 dD within 2.5-3.3 %,
    F2 dhdot within 1 %, F3 du within 0.7-5.4 % (the range is convex in u
    early); the tolerance is 6 %.
    """
    v, gam, h = _node(reference, k)
    base = _range_flown(density, v, gam, h)
    dh = -_scale_height(density, h) * math.log1p(0.05)  # exactly +5 % density at fixed V
    dgam = math.asin(math.sin(gam) + 5.0 / v) - gam  # exactly +5 m/s of hdot
    cases = (
        (_range_flown(density, v, gam, h + dh), reference.f1_s2[k] * 0.05 * reference.drag_m_s2[k]),
        (_range_flown(density, v, gam + dgam, h), reference.f2_s[k] * 5.0),
        (_range_flown(density, v, gam, h, 0.01), reference.f3_m[k] * 0.01),
    )
    for flown, predicted in cases:
        assert predicted == pytest.approx(flown - base, rel=0.06)


def test_terminal_values_and_signs(reference):
    """Fixed-end-speed terminal values (GUIDANCE.md 1.2): F1, F2 -> 0, F3 -> its floor at V_end."""
    assert reference.v_m_s[0] == pytest.approx(V_END_M_S, abs=1e-6)
    assert np.all(np.diff(reference.v_m_s) > 0.0)
    assert reference.range_to_go_m[0] == pytest.approx(reference.end_range_to_target_m, abs=1e-3)
    assert abs(reference.f1_s2[0]) < 1e-6
    assert abs(reference.f2_s[0]) < 1e-6
    assert reference.f3_m[0] == pytest.approx(0.01 * reference.f3_m.max())
    assert np.all(reference.f1_s2[1:] < 0.0)  # more drag -> shorter
    fast = reference.v_m_s > 1100.0  # F2 changes sign in the last few hundred m/s
    assert np.all(reference.f2_s[fast] > 0.0)  # climbing -> longer
    assert np.all(reference.f3_m > 0.0)
    assert reference.entry_range_to_go_m > reference.range_to_go_m[-1]


def test_kernel_table_rows_follow_the_layout(reference):
    """Layout contract with the compiled law (entry_layout REF_* rows)."""
    table = reference.kernel_table()
    assert table.shape == (N_REF_ROWS, reference.v_m_s.size)
    assert table.dtype == np.float64 and table.flags.c_contiguous
    for row, values in (
        (REF_V, reference.v_m_s),
        (REF_RANGE, reference.range_to_go_m),
        (REF_DRAG, reference.drag_m_s2),
        (REF_HDOT, reference.hdot_m_s),
        (REF_U, reference.u_ref),
        (REF_F1, reference.f1_s2),
        (REF_F2, reference.f2_s),
        (REF_F3, reference.f3_m),
    ):
        np.testing.assert_array_equal(table[row], values)
    np.testing.assert_allclose(
        reference.u_ref,
        LIFT_TO_DRAG * np.cos(np.radians(np.interp(reference.v_m_s, *PROFILE))),
        rtol=1e-12,
    )
    assert not reference.v_m_s.flags.writeable


def test_given_scale_height_equals_the_numerical_one():
    """Exponential atmosphere: analytic H = 11.1 km and the numerical H give the same tables."""
    table = exponential(0.0158, 11.1e3, 210.0, 1.29, 191.0)
    density = lambda h: table.evaluate(h).density_kg_m3  # noqa: E731
    analytic = _build(density, lambda h: np.full(np.shape(h), 11.1e3))
    numerical = _build(density, None)
    np.testing.assert_allclose(analytic.f1_s2, numerical.f1_s2, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(analytic.f3_m, numerical.f3_m, rtol=1e-9)


def test_unreachable_end_speed_raises(density):
    """A reference that hits the ground before V_end is refused, naming the speed."""
    with pytest.raises(ValueError, match=r"v_end = 5\.0 m/s"):
        _build(density, v_end_m_s=5.0)


def test_invalid_tables_are_refused(reference):
    """Boundary checks: the compiled law divides by F3 and needs an ascending V."""
    fields = {name: getattr(reference, name) for name in reference.__slots__}
    with pytest.raises(ValueError, match="f3_m must be positive"):
        EntryReference(**{**fields, "f3_m": reference.f3_m - reference.f3_m[0]})
    with pytest.raises(ValueError, match="strictly increasing"):
        EntryReference(**{**fields, "v_m_s": reference.v_m_s[::-1]})
    with pytest.raises(ValueError, match="one size"):
        EntryReference(**{**fields, "u_ref": reference.u_ref[1:]})
