"""Where MSL's hardware came to rest, against the HiRISE positions (REFERENCE.md, as flown).

Reference: HiRISE image of 7 Aug 2012 (NASA release) and the JPL release of
Dec 2012, distances from the rover: descent stage 620-650 m to the
north-west ("flew away to the northwest", S/S2); backshell and parachute
610-615 m, probably west (S2); heat shield 1.2-1.5 km, probably south-east
(S2). Tolerances are the sources' own: the distance bands as given; a
direction named by one compass point (NW) is taken as +-45 deg, one given as
"probably" (W, SE) as +-67.5 deg (the neighbouring points). Physics alone:
nothing in the presets is set from these positions.

Measured (nominal MSL at this commit's base: parachute deploy 16.5 km above the
ground, heat-shield separation at 14.0 km and Mach 0.74, against ~10 km and ~7 km
flown, an entry-guidance matter): descent stage 1,062 m at 306 deg (NW, 63 %
beyond the band); backshell 388 m at 276 deg (W, 36 % short); heat shield
1,139 m at 92 deg (E, 5 % short of the band, 43 deg from SE), up from 497 m
with the entry capsule's hypersonic C_D 1.4 that it carried before its subsonic
drag table (70 deg cone, White Table 7.3 with the stagnation-pressure Mach
scaling; docs/powered_descent.md). The misses are marked expected failures (not
strict), so the gap stays visible rather than being tuned away, and the tests
pass as soon as the physics does.
"""

from __future__ import annotations

import pytest

import skycrane

HIRISE = {
    # body: (distance band m, bearing deg, bearing tolerance deg)
    "descent_stage": ((620.0, 650.0), 315.0, 45.0),
    "backshell": ((610.0, 615.0), 270.0, 67.5),
    "heat_shield": ((1200.0, 1500.0), 135.0, 67.5),
}
MISSES = {
    "descent_stage": "1,062 m at 306 deg: the direction is right, 63 % too far",
    "backshell": "388 m at 276 deg: the direction is right, 36 % too close",
    "heat_shield": "1,139 m at 92 deg: 5 % short, east rather than south-east",
}


@pytest.fixture(scope="module")
def msl() -> skycrane.Result:
    return skycrane.simulate("msl")


def _turn(a_deg: float, b_deg: float) -> float:
    return abs((a_deg - b_deg + 180.0) % 360.0 - 180.0)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b, marks=pytest.mark.xfail(reason=MISSES[b], strict=False))
        for b in sorted(HIRISE)
    ],
)
def test_msl_hardware_where_hirise_saw_it(msl, body) -> None:
    (lo, hi), bearing, tol = HIRISE[body]
    rest = msl.body(body)
    assert rest.distance_from_rover_m is not None
    assert lo <= rest.distance_from_rover_m <= hi, rest
    assert _turn(rest.bearing_from_rover_deg, bearing) <= tol, rest
