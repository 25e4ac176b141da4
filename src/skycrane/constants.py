"""Physical constants that more than one package uses, each defined here once.

This module imports nothing from skycrane, so every package can import it
without an arrow pointing up. Constants of one planet belong to its
:class:`skycrane.planets.Planet`; constants of one model (the U.S. Standard
Atmosphere's gas constant, a Sutton–Graves coefficient) stay with that model.

Compiled functions read these as compile-time constants, so this file is part
of the source digest that keys numba's on-disk cache (:mod:`skycrane._jit_cache`).
"""

G0_M_S2 = 9.80665
"""Standard acceleration of gravity, m/s², exact by definition (3rd CGPM, 1901;
ISO 80000-3). It turns specific impulse (s) into effective exhaust speed, scales
decelerations quoted in Earth g, and is the U.S. Standard Atmosphere 1976's g0'
(in m²/(s² m'), the geopotential metre)."""
