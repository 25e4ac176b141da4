"""Navigation as flown: the errors of the navigated state, propagated by the IMU, fixed by sensors.

The flight software navigates by integrating its IMU from the entry-state
upload (GUIDANCE.md 1.1). The kernel keeps the *error* of that solution,
navigated minus true, in memory: position ``M_NAV_*`` and velocity
``M_NAV_VEL_*`` (planet-fixed). :mod:`skycrane.propagate.sensing` adds them
to the truth to give guidance its navigated state. This module changes them:

* :func:`propagate_errors` -- between two updates (every guidance cycle and
  every sequence event) the errors grow as an IMU's do (Savage, *Strapdown
  Analytics*, 2000, ch. 12; Titterton & Weston, *Strapdown Inertial
  Navigation Technology*, 2004, sec. 12.3): with s the specific force the
  accelerometers sense (truth: dv/dt minus gravity and the frame's terms),

      de_v/dt = b + k_sf s + theta x s + G(r) e_r - 2 omega x e_v - omega x (omega x e_r)
      de_r/dt = e_v

  b the accelerometer bias (P_ACC_BIAS_*), k_sf the scale-factor error
  (P_ACC_SCALE_PPM), theta the attitude knowledge error (P_IMU_ATT_*),
  G = mu / r^3 (3 u u^T - I) the gravity gradient the navigation's own
  gravity model feeds back through its position error (the vertical
  channel's instability). The rate is held over the interval from the
  specific force sampled at its end (the update times are 1 s apart in
  entry, 1/8 s in powered descent; under the parachute only the sequence
  events sample it, where the specific force is close to weight).
* :func:`radar_update` -- after the terminal descent sensor locks (event
  ``navigation = "radar"``) the filter blends the navigated altitude and
  velocity toward the radar's: a first-order blend of time constant
  P_TDS_TAU_S over measurements at P_TDS_RATE_HZ, each with white noise of
  1-sigma P_TDS_VEL_NOISE_M_S per axis and P_TDS_ALT_NOISE_FRAC times the
  height (Pollard & Chen, "A Radar Terminal Descent Sensor for the Mars
  Science Laboratory Mission", IEEE Aerospace 2009: decimetre-per-second
  velocity and better than 2 % range accuracy). Over an interval of n
  measurements with blend gain k per measurement, an error e becomes
  a e + sigma sqrt(k / (2 - k) (1 - a^2)) N(0, 1), a = (1 - k)^n: exactly
  the sum of the n first-order updates.
* :func:`terrain_fix` -- the Mars 2020 Lander Vision System fix (event
  ``navigation = "terrain_relative"``): inside the LVS envelope the horizontal
  position error becomes the case's P_TRN_* (GUIDANCE.md 3.4); outside it
  the IMU error stays and M_LVS_FIX records -1.
* :func:`state_update` -- an external update of the whole navigated state
  (event ``navigation = "state_update"``): a GPS-aided solution's last fix
  before the plasma blackout, or a ground uplink. The position and velocity
  errors become the case's knowledge errors again (P_NAV_*, P_NAV_VEL_*) and
  the free-inertial growth restarts from them at the event; the attitude
  error (P_IMU_ATT_*) and the accelerometer's errors are the IMU's and stay.

Noise is drawn from a counter-based stream: draw j of a case is a pure
function of (P_NAV_SEED, j) (SplitMix64, Steele, Lea & Flood, OOPSLA 2014;
Box-Muller), so a case flies the same numbers in any batch, on any worker.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from skycrane._jit_options import SCALAR_INLINE, STEP_PATH
from skycrane.contract.layout import (
    A_ALT_M,
    A_GROUND_ALT_M,
    M_LVS_FIX,
    M_NAV_DRAWS,
    M_NAV_T,
    M_NAV_VEL_X,
    M_NAV_VEL_Y,
    M_NAV_VEL_Z,
    M_NAV_X,
    M_NAV_Y,
    M_NAV_Z,
    M_TDS_LOCK,
    NAV_RADAR,
    NAV_STATE_UPDATE,
    NAV_TERRAIN,
    P_ACC_BIAS_X,
    P_ACC_BIAS_Y,
    P_ACC_BIAS_Z,
    P_ACC_SCALE_PPM,
    P_GROUND_ALT_M,
    P_IMU_ATT_X,
    P_IMU_ATT_Y,
    P_IMU_ATT_Z,
    P_NAV_SEED,
    P_NAV_VEL_X,
    P_NAV_VEL_Y,
    P_NAV_VEL_Z,
    P_NAV_X,
    P_NAV_Y,
    P_NAV_Z,
    P_TDS_ALT_NOISE_FRAC,
    P_TDS_RATE_HZ,
    P_TDS_TAU_S,
    P_TDS_VEL_NOISE_M_S,
    P_TRN_X,
    P_TRN_Y,
    P_TRN_Z,
)
from skycrane.guidance.terrain_nav import in_lvs_envelope
from skycrane.planets.constants import PC_A, PC_J2, PC_MU, PC_OMEGA
from skycrane.planets.gravity import gravity_j2

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TWO_M53 = 2.0**-53


@numba.njit(**SCALAR_INLINE)
def _splitmix64(x):
    """SplitMix64's output function of the 64-bit counter ``x`` (Steele, Lea & Flood 2014)."""
    z = x + _GOLDEN
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@numba.njit(**SCALAR_INLINE)
def _unit(seed, k):
    """Uniform in (0, 1): word ``k`` of the stream ``seed`` (both integers below 2^53)."""
    x = _splitmix64(np.uint64(seed) * _GOLDEN + np.uint64(k))
    return (float(x >> _S11) + 0.5) * _TWO_M53


@numba.njit(**SCALAR_INLINE)
def noise_normal(seed, j):
    """Standard normal draw ``j`` of the case's stream ``seed`` (Box-Muller on words 2j, 2j+1)."""
    u1 = _unit(seed, 2 * j)
    u2 = _unit(seed, 2 * j + 1)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


@numba.njit(**SCALAR_INLINE)
def _draw(p, mem):
    """The case's next standard normal draw; advances the draw counter M_NAV_DRAWS."""
    j = int(mem[M_NAV_DRAWS])
    mem[M_NAV_DRAWS] = j + 1
    return noise_normal(int(p[P_NAV_SEED]), j)


@numba.njit(**STEP_PATH)
def specific_force_pf(y, f, planet):
    """Specific force the accelerometers sense, planet-fixed [m/s^2], from dv/dt ``f[3:6]``.

    dv/dt = g_J2 - 2 omega x v - omega x (omega x r) + s (propagate/dynamics.py), so
    s = dv/dt - g_J2 + 2 omega x v + omega x (omega x r).
    """
    x, yy, z = y[0], y[1], y[2]
    gx, gy, gz = gravity_j2(x, yy, z, planet[PC_MU], planet[PC_A], planet[PC_J2])
    w = planet[PC_OMEGA]
    sx = f[3] - gx - 2.0 * w * y[4] - w * w * x
    sy = f[4] - gy + 2.0 * w * y[3] - w * w * yy
    sz = f[5] - gz
    return sx, sy, sz


@numba.njit(**SCALAR_INLINE)
def accelerometer_error(sx, sy, sz, p):
    """The accelerometers' error at the specific force s [m/s^2]: b + k_sf s + theta x s.

    Bias b (P_ACC_BIAS_*), scale factor k_sf (P_ACC_SCALE_PPM) and the
    misalignment theta of the IMU's initial attitude (P_IMU_ATT_*), small-angle
    (Titterton & Weston 2004, sec. 12.3).
    """
    k_sf = 1e-6 * p[P_ACC_SCALE_PPM]
    tx, ty, tz = p[P_IMU_ATT_X], p[P_IMU_ATT_Y], p[P_IMU_ATT_Z]
    return (
        p[P_ACC_BIAS_X] + k_sf * sx + (ty * sz - tz * sy),
        p[P_ACC_BIAS_Y] + k_sf * sy + (tz * sx - tx * sz),
        p[P_ACC_BIAS_Z] + k_sf * sz + (tx * sy - ty * sx),
    )


@numba.njit(**STEP_PATH)
def accelerometer_reading_pf(y, f, p, planet):
    """What the accelerometers read, planet-fixed [m/s^2]: the true specific force
    (:func:`specific_force_pf`) plus :func:`accelerometer_error`, the error whose
    integral :func:`error_rate` carries into the navigated state."""
    sx, sy, sz = specific_force_pf(y, f, planet)
    ex, ey, ez = accelerometer_error(sx, sy, sz, p)
    return sx + ex, sy + ey, sz + ez


@numba.njit(**STEP_PATH)
def error_rate(y, f, p, mem, planet):
    """de_v/dt of the navigation error at the state ``y`` (module docstring) [m/s^2]."""
    sx, sy, sz = specific_force_pf(y, f, planet)
    ax, ay, az = accelerometer_error(sx, sy, sz, p)
    ex, ey, ez = mem[M_NAV_X], mem[M_NAV_Y], mem[M_NAV_Z]
    vx, vy = mem[M_NAV_VEL_X], mem[M_NAV_VEL_Y]
    r = math.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2])
    ux, uy, uz = y[0] / r, y[1] / r, y[2] / r
    gg = planet[PC_MU] / (r * r * r)
    ue = 3.0 * (ux * ex + uy * ey + uz * ez)
    w = planet[PC_OMEGA]
    ax += gg * (ue * ux - ex)
    ay += gg * (ue * uy - ey)
    az += gg * (ue * uz - ez)
    # -2 omega x e_v - omega x (omega x e_r), omega = w z_hat
    ax += 2.0 * w * vy + w * w * ex
    ay += -2.0 * w * vx + w * w * ey
    return ax, ay, az


@numba.njit(**STEP_PATH)
def propagate_errors(t, y, f, p, mem, planet):
    """Grow the navigation errors from the last update to ``t`` (module docstring).

    The first call only starts the clock: the initial knowledge errors
    (P_NAV_*, P_NAV_VEL_*) hold at the first navigation update.
    """
    t0 = mem[M_NAV_T]
    mem[M_NAV_T] = t
    if math.isnan(t0) or t <= t0:
        return
    dt = t - t0
    ax, ay, az = error_rate(y, f, p, mem, planet)
    half = 0.5 * dt * dt
    mem[M_NAV_X] += mem[M_NAV_VEL_X] * dt + ax * half
    mem[M_NAV_Y] += mem[M_NAV_VEL_Y] * dt + ay * half
    mem[M_NAV_Z] += mem[M_NAV_VEL_Z] * dt + az * half
    mem[M_NAV_VEL_X] += ax * dt
    mem[M_NAV_VEL_Y] += ay * dt
    mem[M_NAV_VEL_Z] += az * dt


@numba.njit(**STEP_PATH)
def blend(dt, rate_hz, tau_s):
    """(decay a, noise factor sqrt(k / (2 - k) (1 - a^2))) of dt s of radar blending."""
    if rate_hz <= 0.0 or tau_s <= 0.0:
        return 1.0, 0.0
    k = -math.expm1(-1.0 / (rate_hz * tau_s))
    a = math.exp(-dt / tau_s)
    return a, math.sqrt(k / (2.0 - k) * (1.0 - a * a))


@numba.njit(**STEP_PATH)
def radar_update(dt, y, height_m, terrain_offset_m, p, mem):
    """dt s of the navigation filter's blend toward the radar's velocity and altitude.

    The radar ranges to the ground under the vehicle (``height_m`` above it),
    which the filter takes for the landing site's elevation: the navigated
    altitude converges to the true one minus ``terrain_offset_m`` (the local
    ground's height above the target's), so guidance flies its last metres
    relative to the ground it will land on, as the terminal descent sensor
    makes the real vehicle do (GUIDANCE.md 3.1).
    """
    a, q = blend(dt, p[P_TDS_RATE_HZ], p[P_TDS_TAU_S])
    sig_v = p[P_TDS_VEL_NOISE_M_S] * q
    for i in range(3):
        noise = sig_v * _draw(p, mem) if sig_v > 0.0 else 0.0
        mem[M_NAV_VEL_X + i] = a * mem[M_NAV_VEL_X + i] + noise
    r = math.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2])
    e_up = (mem[M_NAV_X] * y[0] + mem[M_NAV_Y] * y[1] + mem[M_NAV_Z] * y[2]) / r
    sig_h = p[P_TDS_ALT_NOISE_FRAC] * max(height_m, 0.0) * q
    e_radar = -terrain_offset_m
    e_new = e_radar + a * (e_up - e_radar) + (sig_h * _draw(p, mem) if sig_h > 0.0 else 0.0)
    for i in range(3):
        mem[M_NAV_X + i] += (e_new - e_up) * y[i] / r


@numba.njit(**STEP_PATH)
def terrain_fix(y, p, mem):
    """The LVS fix: inside its envelope the horizontal error becomes P_TRN_* (GUIDANCE.md 3.4).

    The envelope (terrain_nav.in_lvs_envelope) is checked on the true state:
    descent speed and horizontal speed from the planet-relative velocity, the
    camera's off-nadir angle as the velocity's angle from the downward
    vertical (the backshell hangs on its parachute along the flow); the body
    rate is not modelled (3 degrees of freedom) and counts as zero.
    """
    r = math.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2])
    ux, uy, uz = y[0] / r, y[1] / r, y[2] / r
    v_up = y[3] * ux + y[4] * uy + y[5] * uz
    speed = math.sqrt(y[3] * y[3] + y[4] * y[4] + y[5] * y[5])
    v_h = math.sqrt(max(speed * speed - v_up * v_up, 0.0))
    off_nadir = math.acos(min(1.0, max(-1.0, -v_up / max(speed, 1e-9))))
    if not in_lvs_envelope(-v_up, v_h, off_nadir, 0.0):
        mem[M_LVS_FIX] = -1.0
        return
    mem[M_LVS_FIX] = 1.0
    e_up = mem[M_NAV_X] * ux + mem[M_NAV_Y] * uy + mem[M_NAV_Z] * uz
    t_up = p[P_TRN_X] * ux + p[P_TRN_Y] * uy + p[P_TRN_Z] * uz
    mem[M_NAV_X] = p[P_TRN_X] + (e_up - t_up) * ux
    mem[M_NAV_Y] = p[P_TRN_Y] + (e_up - t_up) * uy
    mem[M_NAV_Z] = p[P_TRN_Z] + (e_up - t_up) * uz


@numba.njit(**STEP_PATH)
def navigation_update(t, y, f, aux, p, mem, planet):
    """Bring the navigation errors to ``t``: IMU growth, then the radar's blend once locked."""
    t0 = mem[M_NAV_T]
    propagate_errors(t, y, f, p, mem, planet)
    if mem[M_TDS_LOCK] > 0.0 and not math.isnan(t0) and t > t0:
        ground_m = aux[A_GROUND_ALT_M]
        radar_update(t - t0, y, aux[A_ALT_M] - ground_m, ground_m - p[P_GROUND_ALT_M], p, mem)


@numba.njit(**STEP_PATH)
def state_update(t, p, mem):
    """An external update of the navigated state at ``t``: the errors restart from the case's
    knowledge errors P_NAV_*, P_NAV_VEL_* and grow from ``t`` on (module docstring)."""
    mem[M_NAV_X] = p[P_NAV_X]
    mem[M_NAV_Y] = p[P_NAV_Y]
    mem[M_NAV_Z] = p[P_NAV_Z]
    mem[M_NAV_VEL_X] = p[P_NAV_VEL_X]
    mem[M_NAV_VEL_Y] = p[P_NAV_VEL_Y]
    mem[M_NAV_VEL_Z] = p[P_NAV_VEL_Z]
    mem[M_NAV_T] = t


@numba.njit(**STEP_PATH)
def navigation_event(code, t, y, p, mem):
    """A sequence event's navigation action (SQ_NAV, one of NAV_*) at ``t``: terrain-relative
    fix, radar lock or state update."""
    if code == NAV_TERRAIN:
        terrain_fix(y, p, mem)
    elif code == NAV_RADAR:
        mem[M_TDS_LOCK] = 1.0
    elif code == NAV_STATE_UPDATE:
        state_update(t, p, mem)
