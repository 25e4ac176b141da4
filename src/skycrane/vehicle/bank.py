"""Bank-angle response to a held command: the closed-form solution of the attitude model.

The vehicle follows its bank command as a first-order lag limited to its
roll rate (GUIDANCE.md 1.5: "a first-order, rate-limited bank response"):

    d sigma / dt = clamp(e / tau, -R, R),    e = wrap(sigma_c - sigma)

With the command sigma_c held (it changes only at guidance cycles and
sequence events), this has an exact solution. The error e0 = wrap(sigma_c -
sigma0) at the moment the command is set shrinks monotonically along the
shorter arc, so no wrap is needed afterwards. While |e| > tau R the roll is
at full rate; from then on e decays exponentially:

    t_s = max(|e0| - tau R, 0) / R
    e(s) = e0 - sign(e0) R s                       for s <= t_s
    e(s) = sign(e0) min(|e0|, tau R) exp(-(s - t_s) / tau)   for s > t_s
    sigma(s) = sigma0 + e0 - e(s)

Evaluating it instead of integrating the bank as a stiff, saturating state
lets the integrator step over a whole guidance cycle: the only kink, at t_s,
is made a step breakpoint (:func:`saturation_end_s`).
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import SCALAR_INLINE, STEP_PATH
from skycrane.contract.layout import (
    GUID_CONSTANT_BANK,
    GUID_ENTRY,
    GUID_SKIP,
    M_BANK0,
    M_BANK_CMD,
    M_BANK_T0,
    M_GUIDANCE,
    P_BANK_RATE_MAX,
    P_BANK_TAU_S,
    S_BANK,
)


@numba.njit(**SCALAR_INLINE)
def bank_guided(guidance):
    """True in the guidance modes that steer the bank angle (else it is held)."""
    return guidance == GUID_CONSTANT_BANK or guidance == GUID_ENTRY or guidance == GUID_SKIP


@numba.njit(**SCALAR_INLINE)
def wrap_pi(angle):
    """Angle wrapped to [-pi, pi] (pi itself only by rounding).

    With ``floor``, one instruction, where Python's float ``%`` compiles to a
    call of C ``fmod`` and a sign fix (4 % of the kernel's time in the bank
    response, which wraps on every right-hand-side evaluation).
    """
    return angle - 2.0 * math.pi * math.floor((angle + math.pi) / (2.0 * math.pi))


@numba.njit(**SCALAR_INLINE)
def _roll_start(bank0, cmd, tau, rate_max):
    """``(e0, t_s)``: wrapped error when the command is set, and when the rate limit ends."""
    e0 = wrap_pi(cmd - bank0)
    return e0, (abs(e0) - tau * rate_max) / rate_max


@numba.njit(**SCALAR_INLINE)
def bank_response(s, bank0, cmd, tau, rate_max):
    """``(bank, bank_rate)`` a time ``s`` >= 0 after the command ``cmd`` was set at ``bank0``.

    The exact solution of the rate-limited first-order lag (module docstring);
    angles in rad, ``tau`` in s, ``rate_max`` in rad/s.
    """
    e0, t_sat = _roll_start(bank0, cmd, tau, rate_max)
    direction = math.copysign(1.0, e0)
    if s <= t_sat:
        return bank0 + direction * rate_max * s, direction * rate_max
    if t_sat > 0.0:
        e = direction * tau * rate_max * math.exp(-(s - t_sat) / tau)
    else:
        e = e0 * math.exp(-s / tau)
    return bank0 + e0 - e, e / tau


@numba.njit(**SCALAR_INLINE)
def bank_now(t, y, p, mem):
    """``(bank, bank_rate)`` of the vehicle at time ``t``: the response, or the held state."""
    if bank_guided(mem[M_GUIDANCE]):
        return bank_response(
            t - mem[M_BANK_T0], mem[M_BANK0], mem[M_BANK_CMD], p[P_BANK_TAU_S], p[P_BANK_RATE_MAX]
        )
    return y[S_BANK], 0.0


@numba.njit(**STEP_PATH)
def saturation_end_s(p, mem):
    """Absolute time at which the current roll stops being rate-limited (-inf if it is not)."""
    if not bank_guided(mem[M_GUIDANCE]):
        return -math.inf
    _, t_sat = _roll_start(mem[M_BANK0], mem[M_BANK_CMD], p[P_BANK_TAU_S], p[P_BANK_RATE_MAX])
    return mem[M_BANK_T0] + t_sat if t_sat > 0.0 else -math.inf


@numba.njit(**STEP_PATH)
def anchor_bank(t, y, mem):
    """Start a new response segment at time ``t`` from the bank of state ``y``.

    Called whenever the command or the guidance mode changes. The kernel keeps
    ``y[S_BANK]`` equal to the response at every step end, so it is the bank
    the vehicle has at that moment.
    """
    mem[M_BANK0] = y[S_BANK]
    mem[M_BANK_T0] = t
