"""An independent planar entry model for the reference-trajectory tests (GUIDANCE.md 1.2).

Point mass over a non-rotating sphere, integrated with scipy's DOP853 to 1e-11:
dR/dt = V cos(gamma) R_p / r, dV/dt = -D - g sin(gamma),
dgamma/dt = u D / V + (V / r - g / V) cos(gamma), dh/dt = V sin(gamma),
with g = mu / r^2 and u = L/D cos(bank_ref(V)) + du. The tests' tabulated
reference is checked against it, so it shares no code with
skycrane.guidance.entry_reference.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy.integrate import solve_ivp


def range_flown(
    aero: Callable[[float, float], tuple[float, float]],
    state: tuple[float, float, float],
    planet: tuple[float, float],
    profile: tuple[np.ndarray, np.ndarray],
    v_end_m_s: float,
    du: float = 0.0,
) -> float:
    """Planar range [m] flown from ``state`` = (V, gamma, h) to ``v_end_m_s``.

    ``aero(speed, altitude)`` gives (drag acceleration [m/s^2], L/D); ``planet``
    is (mu [m^3/s^2], radius [m]); ``profile`` the reference bank (V nodes,
    degrees); ``du`` a constant added to the vertical lift fraction.
    """
    mu, radius = planet
    v, gamma, h = state

    def rhs(_t, x):
        _, speed, gam, alt = x
        r = radius + alt
        g = mu / r**2
        drag, lift_to_drag = aero(speed, alt)
        u = lift_to_drag * math.cos(math.radians(np.interp(speed, *profile))) + du
        return [
            speed * math.cos(gam) * radius / r,
            -drag - g * math.sin(gam),
            u * drag / speed + (speed / r - g / speed) * math.cos(gam),
            speed * math.sin(gam),
        ]

    def end(_t, x):
        return x[1] - v_end_m_s

    end.terminal, end.direction = True, -1.0
    sol = solve_ivp(
        rhs,
        (0.0, 3000.0),
        [0.0, v, gamma, h],
        method="DOP853",
        rtol=1e-11,
        atol=[1e-6, 1e-9, 1e-13, 1e-6],
        events=end,
    )
    return sol.y_events[0][0][0]
