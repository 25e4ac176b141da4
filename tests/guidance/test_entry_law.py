"""ETPC law, one cycle at a time, on a synthetic reference table.

Each test names the equation of GUIDANCE.md section 1 it checks (Mendeck &
Craig, AIAA 2011-6192; Apollo lateral logic from Comanche 055
REENTRY_CONTROL.agc as summarised by Graves & Harpold, NASA TN D-6725).
"""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest

from skycrane.guidance import (
    default_gains,
    drag_filter,
    etpc_command,
    ref_interp,
    target_geometry,
)
from skycrane.guidance.entry_layout import (
    G_BANK_MAX,
    G_BANK_MIN,
    G_DEADBAND_C0,
    G_DEADBAND_C2,
    G_PRE_BANK,
    N_REF_ROWS,
    PHASE_HEADING_ALIGNMENT,
    PHASE_PRE_BANK,
    PHASE_RANGE_CONTROL,
    REF_DRAG,
    REF_F1,
    REF_F2,
    REF_F3,
    REF_HDOT,
    REF_RANGE,
    REF_U,
    REF_V,
)

RADIUS_M = 3396.19e3
LD = 0.24
V = 3000.0  # a range-control speed


@pytest.fixture(scope="module")
def table() -> np.ndarray:
    v = np.linspace(400.0, 6000.0, 15)
    out = np.empty((N_REF_ROWS, v.size))
    out[REF_V] = v
    out[REF_RANGE] = 10e3 + 60.0 * (v - 400.0)
    out[REF_DRAG] = 20.0 + 0.01 * v
    out[REF_HDOT] = -0.1 * v
    out[REF_U] = LD * np.cos(np.radians(np.interp(v, [1100.0, 3500.0], [10.0, 60.0])))
    out[REF_F1] = -800.0 - 0.01 * v
    out[REF_F2] = 150.0 + 0.001 * v
    out[REF_F3] = 100.0 * (v - 300.0)
    return out


@pytest.fixture
def gains() -> np.ndarray:
    return default_gains(RADIUS_M, math.radians(60.0))


def _ref(table, row, v=V):
    return ref_interp(v, table, row)


def _on_reference(table, v=V):
    """(v, hdot, drag, range) exactly on the reference."""
    return v, _ref(table, REF_HDOT, v), _ref(table, REF_DRAG, v), _ref(table, REF_RANGE, v)


def _deadband(gains, v=V):
    return gains[G_DEADBAND_C0] + gains[G_DEADBAND_C2] * v * v


def _rc(table, gains, *, crossrange=0.0, lift_sign=1.0, overflown=False, range_m=None, v=V):
    """One range-control cycle; range_m defaults to the reference range."""
    v, hdot, drag, rng = _on_reference(table, v)
    rng = rng if range_m is None else range_m
    return etpc_command(
        v, hdot, drag, rng, crossrange, 0.0, overflown, PHASE_RANGE_CONTROL, lift_sign, table, gains
    )


def test_ref_interp_is_linear_and_clamped(table):
    """GUIDANCE.md 1.2 step 4: linear interpolation in V, held beyond the table."""
    v = table[REF_V]
    mid = 0.25 * v[3] + 0.75 * v[4]
    assert ref_interp(mid, table, REF_F3) == pytest.approx(100.0 * (mid - 300.0), rel=1e-14)
    assert ref_interp(v[5], table, REF_RANGE) == table[REF_RANGE, 5]
    assert ref_interp(10.0, table, REF_F1) == table[REF_F1, 0]
    assert ref_interp(9000.0, table, REF_F1) == table[REF_F1, -1]


def test_on_the_reference_the_law_flies_u_ref(table, gains):
    """GUIDANCE.md 1.3 steps 4-8: R = R_p = R_ref gives u_c = u_ref, bank = acos(u_ref / (L/D))."""
    bank, sign, phase = _rc(table, gains)
    assert phase == PHASE_RANGE_CONTROL and sign == 1.0
    assert bank == pytest.approx(math.acos(_ref(table, REF_U) / LD), rel=1e-12)
    bank, sign, _ = _rc(table, gains, lift_sign=-1.0)
    assert bank == pytest.approx(-math.acos(_ref(table, REF_U) / LD), rel=1e-12)


def test_longitudinal_law(table, gains):
    """GUIDANCE.md 1.3: R_p = R_ref + F1 dD + F2 dhdot, u_c = u_ref + K (R - R_p) / F3."""
    d_drag, d_hdot, rng = 1.0, -5.0, _ref(table, REF_RANGE) + 500.0
    r_pred = _ref(table, REF_RANGE) + _ref(table, REF_F1) * d_drag + _ref(table, REF_F2) * d_hdot
    u_c = _ref(table, REF_U) + 3.0 * (rng - r_pred) / _ref(table, REF_F3)
    bank, _, _ = etpc_command(
        V,
        _ref(table, REF_HDOT) + d_hdot,
        _ref(table, REF_DRAG) + d_drag,
        rng,
        0.0,
        0.0,
        False,
        PHASE_RANGE_CONTROL,
        1.0,
        table,
        gains,
    )
    assert abs(u_c) < LD * math.cos(math.radians(15.0))  # unsaturated, no 15-degree rule
    assert abs(u_c - _ref(table, REF_U)) > 0.01
    assert bank == pytest.approx(math.acos(u_c / LD), rel=1e-12)


def test_saturation_and_bank_limits(table, gains):
    """GUIDANCE.md 1.3 step 8: u_c clipped to +-L/D, then |bank| limited to 15-165 deg."""
    rng = _ref(table, REF_RANGE)
    short, _, _ = _rc(table, gains, range_m=rng + 500e3)  # far too short: full lift up
    long_, _, _ = _rc(table, gains, range_m=rng - 500e3)  # far too long: full lift down
    assert short == pytest.approx(math.radians(15.0))
    assert long_ == pytest.approx(math.radians(165.0))
    gains[G_BANK_MIN], gains[G_BANK_MAX] = 0.0, math.pi
    assert _rc(table, gains, range_m=rng + 500e3)[0] == 0.0
    assert _rc(table, gains, range_m=rng - 500e3)[0] == pytest.approx(math.pi)


def test_overflown_commands_lift_down_and_freezes_the_lift_side(table, gains):
    """GUIDANCE.md 1.3 step 6 and 1.4: overflown -> u_c = -L/D, no reversals."""
    far_wrong_side = 10.0 * _deadband(gains)
    bank, sign, _ = _rc(table, gains, crossrange=far_wrong_side, overflown=True)
    assert sign == 1.0
    assert bank == pytest.approx(gains[G_BANK_MAX])
    gains[G_BANK_MAX] = math.pi
    assert _rc(table, gains, overflown=True, lift_sign=-1.0)[0] == pytest.approx(-math.pi)


@pytest.mark.parametrize(
    ("lift_sign", "ratio", "flips"),
    [
        (1.0, 1.01, True),  # lift right, target left beyond Y: reverse
        (1.0, 0.99, False),  # inside the deadband
        (1.0, -5.0, False),  # target on the lift side
        (-1.0, -1.01, True),  # lift left, target right beyond Y
        (-1.0, -0.99, False),
        (-1.0, 5.0, False),
    ],
)
def test_reversal_when_the_target_is_away_from_the_lift(table, gains, lift_sign, ratio, flips):
    """GUIDANCE.md 1.4: reverse when sign(sigma) chi > Y(V); chi > 0 is a target on the left."""
    bank, sign, _ = _rc(table, gains, crossrange=ratio * _deadband(gains), lift_sign=lift_sign)
    assert sign == (-lift_sign if flips else lift_sign)
    assert math.copysign(1.0, bank) == sign


def test_near_full_lift_halves_the_deadband_or_caps_the_lift(table, gains):
    """GUIDANCE.md 1.4, Apollo 15-degree rule: |u_c| >= (L/D) cos 15 deg halves Y when the
    lift points away from the target, and caps |u_c| there when it points toward it."""
    rng_short = _ref(table, REF_RANGE) + 200e3  # demands full lift up
    chi = 0.6 * _deadband(gains)
    assert _rc(table, gains, crossrange=chi)[1] == 1.0  # moderate demand: Y holds
    assert _rc(table, gains, crossrange=chi, range_m=rng_short)[1] == -1.0  # Y / 2: reverse
    gains[G_BANK_MIN] = 0.0
    bank, sign, _ = _rc(table, gains, crossrange=-chi, range_m=rng_short)
    assert sign == 1.0
    assert bank == pytest.approx(math.radians(15.0), rel=1e-12)


def test_heading_alignment_bank_is_proportional_and_limited(table, gains):
    """GUIDANCE.md 1.5: sigma = clip(K_HA psi_err, +-30 deg); target right -> right bank."""
    v = 900.0

    def ha(heading_error):
        return etpc_command(v, 0.0, 30.0, 5e4, 0.0, heading_error, False, 2, 1.0, table, gains)

    assert ha(0.05)[0] == pytest.approx(0.25)
    assert ha(-0.05)[0] == pytest.approx(-0.25) and ha(-0.05)[1] == -1.0
    assert ha(1.0)[0] == pytest.approx(math.radians(30.0))
    assert ha(-2.0)[0] == pytest.approx(-math.radians(30.0))
    assert ha(0.0)[2] == PHASE_HEADING_ALIGNMENT


def test_phase_transitions(table, gains):
    """GUIDANCE.md 1.1: pre-bank until D >= 1.96 m/s^2, then range control; HA at V <= 1100."""
    v, hdot, _, rng = _on_reference(table, 5400.0)

    def cycle(speed, drag, phase):
        return etpc_command(speed, hdot, drag, rng, 0.0, 0.0, False, phase, 1.0, table, gains)

    bank, _, phase = cycle(v, 1.95, PHASE_PRE_BANK)
    assert phase == PHASE_PRE_BANK and bank == pytest.approx(math.radians(60.0))
    assert cycle(v, 1.96, PHASE_PRE_BANK)[2] == PHASE_RANGE_CONTROL
    assert cycle(v, 0.5, PHASE_RANGE_CONTROL)[2] == PHASE_RANGE_CONTROL  # never goes back
    assert cycle(1100.5, 30.0, PHASE_RANGE_CONTROL)[2] == PHASE_RANGE_CONTROL
    assert cycle(1100.0, 30.0, PHASE_RANGE_CONTROL)[2] == PHASE_HEADING_ALIGNMENT
    assert cycle(1500.0, 30.0, PHASE_HEADING_ALIGNMENT)[2] == PHASE_HEADING_ALIGNMENT


def test_pre_bank_points_the_lift_toward_the_target_and_never_reverses(table, gains):
    """GUIDANCE.md 1.1/1.4: initial lift toward the target (lift_sign = 0 on the first call);
    no reversals before range control."""

    def pre(chi, sign):
        return etpc_command(5400.0, -900.0, 0.1, 6e5, chi, 0.0, False, 0, sign, table, gains)

    y = _deadband(gains, 5400.0)
    assert pre(0.5 * y, 0.0)[:2] == (-gains[G_PRE_BANK], -1.0)  # target left: lift left
    assert pre(-0.5 * y, 0.0)[:2] == (gains[G_PRE_BANK], 1.0)
    assert pre(10.0 * y, 1.0)[1] == 1.0


def test_drag_filter_is_the_exact_first_order_response():
    """tau dD/dt = D_m - D under a zero-order hold: exp(-dt/tau) steps, which compose exactly."""
    one = drag_filter(2.0, 10.0, 0.4, 0.8)
    assert one == pytest.approx(10.0 + math.exp(-0.5) * (2.0 - 10.0), rel=1e-15)
    half = drag_filter(drag_filter(2.0, 10.0, 0.2, 0.8), 10.0, 0.2, 0.8)
    assert half == pytest.approx(one, rel=1e-14)
    assert drag_filter(2.0, 10.0, 0.4, 0.0) == 10.0


def _rotz(angle_rad):
    return np.array([math.cos(angle_rad), math.sin(angle_rad), 0.0])


def test_target_geometry_signs():
    """GUIDANCE.md 1.3-1.5 conventions: chi > 0 and psi_err < 0 for a target on the left.

    Position on +x, velocity along +y (n_hat = +z is the left side).
    """
    r = np.array([RADIUS_M + 20e3, 0.0, 0.0])
    v = np.array([-100.0, 3000.0, 0.0])
    ahead = _rotz(0.02)
    rng, chi, psi, over = target_geometry(r, v, ahead, RADIUS_M)
    assert rng == pytest.approx(0.02 * RADIUS_M, rel=1e-12)
    assert chi == pytest.approx(0.0, abs=1e-15) and psi == pytest.approx(0.0, abs=1e-15)
    assert not over
    s, c = math.sin(0.02), math.cos(0.02)
    left = np.array([c, s * math.cos(0.1), s * math.sin(0.1)])  # 0.1 rad left of the track
    _, chi, psi, _ = target_geometry(r, v, left, RADIUS_M)
    assert chi == pytest.approx(s * math.sin(0.1), rel=1e-12)
    assert psi == pytest.approx(-0.1, rel=1e-9)
    assert target_geometry(r, v, _rotz(-0.01), RADIUS_M)[3]  # behind: overflown
    vertical = target_geometry(r, np.array([-50.0, 0.0, 0.0]), left, RADIUS_M)
    assert vertical[1:] == (0.0, 0.0, False)  # no plane of flight: neutral, no exception


@numba.njit(parallel=True)
def _lanes(table, gains, speed, chi, phase, sign):
    out = np.empty((speed.size, 3))
    for i in numba.prange(speed.size):
        bank, s, p = etpc_command(
            speed[i], -50.0, 40.0, 1e5, chi[i], 0.1, False, phase[i], sign[i], table, gains
        )
        out[i, 0], out[i, 1], out[i, 2] = bank, s, p
    return out


def test_the_law_runs_in_a_parallel_kernel(table, gains):
    """Kernel contract: a prange lane per case gives the same commands as one call per case."""
    n = 64
    speed = np.linspace(700.0, 5800.0, n)
    chi = np.linspace(-0.01, 0.01, n)
    phase = np.arange(n) % 3
    sign = np.where(np.arange(n) % 2, 1.0, -1.0)
    out = _lanes(table, gains, speed, chi, phase, sign)
    for i in range(n):
        expected = etpc_command(
            speed[i], -50.0, 40.0, 1e5, chi[i], 0.1, False, phase[i], sign[i], table, gains
        )
        np.testing.assert_array_equal(out[i], expected)
