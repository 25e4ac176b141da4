"""Where MSL's hardware came to rest, against the HiRISE positions (REFERENCE.md, as flown).

Reference: HiRISE image of 7 Aug 2012 (NASA release) and the JPL release of
Dec 2012, distances from the rover: descent stage 620-650 m to the
north-west ("flew away to the northwest", S/S2); backshell and parachute
610-615 m, probably west (S2); heat shield 1.2-1.5 km, probably south-east
(S2). Tolerances are the sources' own: the distance bands as given; a
direction named by one compass point (NW) is taken as +-45 deg, one given as
"probably" (W, SE) as +-67.5 deg (the neighbouring points). Physics alone:
nothing in the presets is set from these positions.

What limits each today (nominal MSL; the figures of each change are in
docs/powered_descent.md): the descent stage's flyaway stops its engines
once the predicted impact lies at the design's pre-flight 450 m (E from S,
"The flyaway's engine cut-off"), so it crashes 454 m out, short of HiRISE;
powered descent flies MSL's 300 m backshell-avoidance divert (Sell et al.
2013, S2) and no other, so the backshell lands 298 m from the rover;
the backshell and heat shield separate where MSL's entry delivers the
parachute (in Gale's reconstructed air 12.7 km above the site, flown 12.1 km:
docs/entry_guidance.md), and the heat shield falls with its subsonic
70-degree-cone drag (White Table 7.3). The preset flies calm air: no cited
Gale wind for the descent was found, and the what-if in
docs/powered_descent.md ("The winds MSL descended through") finds no single
plausible wind that moves both the heat shield and the backshell to HiRISE.
The misses are marked expected failures (not strict), so
the gap stays visible rather than being tuned away, and the tests pass as
soon as the physics does.

Impact speed of the descent stage: "about 100 mph (161 kph)" (AP, 10 Aug
2012, quoting JPL; NASA's video caption on space.com: "slammed into Mars
surface at about 100 mph"), S2: 44.7 m/s, taken as +-10 m/s (a figure
rounded to 100 mph).
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
    "descent_stage": "454 m: the flyaway's cut-off at the pre-flight 450 m design crash",
    "backshell": "298 m at 280 deg: the flown 300 m divert alone separates it from the rover",
    "heat_shield": "977 m at 91 deg: calm air (no cited Gale wind found), no glide of the shield",
}
IMPACT_SPEED_M_S = 44.7  # "about 100 mph" (S2)


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


def test_msl_descent_stage_impact_speed(msl) -> None:
    """The descent stage hit the ground at about 100 mph (S2, see the module doc)."""
    speed = msl.body("descent_stage").impact_speed_m_s
    assert speed == pytest.approx(IMPACT_SPEED_M_S, abs=10.0)
