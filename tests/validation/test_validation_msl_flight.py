"""Nominal MSL against what Curiosity flew on 6 August 2012: entry state, timeline, landing point.

Every figure below is written with its citation and the tolerance its source
allows (the as-flown section of REFERENCE.md). The simulation is the preset's
nominal: average atmosphere, no wind, no delivery error. Such a run can only
be held to a flown figure within the scatter the flight itself belonged to,
so the tolerances are the source's own precision widened by the spread the
pre-flight Monte Carlo predicted where the source gives one; each test says
which. Tests the model does not meet today are marked ``xfail(strict=True)``
with the measured value, so fixing the physics turns them into passes that
must be kept.

Sources (as cited in REFERENCE.md):
- [W13] Way, Davis & Shidner, "Assessment of the MSL EDL Simulation",
  AAS 13-420 (2013): entry at 125 km and 5.845 km/s relative; landing
  2.385 km from the 4.5965 S, 137.4019 E target, ~2.4 km east and ~0.4 km north.
- [L16] Lakdawalla, *The Design and Engineering of Curiosity* (2018), Table
  2.2: guidance start (0.2 g) E+45-46 s, peak deceleration E+80 s, heading
  alignment E+135 s, entry balance masses (SUFR) E+239 s, parachute deploy
  E+259 s, heat-shield separation E+278 s; touchdown E+427-431 s.
- [MC11] Mendeck & Craig, "Entry Guidance for the 2011 Mars Science
  Laboratory Mission", AIAA 2011-6192: touchdown ellipse 25 km x 20 km.
- [HR16] Holstein-Rathlou, Maue & Withers, "Atmospheric studies from the
  Mars Science Laboratory Entry, Descent and Landing atmospheric structure
  reconstruction", Planet. Space Sci. (2016), on the reconstructed trajectory
  of Karlgaard et al., JSR 51(4), 2014: entry (3522.2 km) 131.1 km above the
  landing site (radius 3391.1 km), "horizontal flight at about 18.4 km height,
  between 640 s and 720 s" (E+100 to E+180), parachute deployment at E+259
  "and a height of 12.1 km" above the landing site.
- [NASA12] "opened at Mach 1.7" (NASA MSL blog, Aug 2012; REFERENCE.md).
- [JPL12] "Heat Shield, Meet Mars", JPL video, 17 Aug 2012 (not in REFERENCE.md): the
  Mars Descent Imager saw the heat shield hit the ground 68 s before touchdown, the vehicle
  about 3,000 m above the ground.

The preset flies the Gale atmosphere of that day: [HR16]'s reconstruction
above 22.5 km over the site, a hydrostatic column with its temperatures below
(msl.toml [atmosphere]); the figures below test the vehicle, the guidance and
the sequence flown through it, none of which is fitted to them.
"""

from __future__ import annotations

import numpy as np
import pytest

import skycrane
from skycrane.planets import great_circle

pytestmark = pytest.mark.slow

# [L16] event times are printed to the second from telemetry time tags; the table's own
# alignment is uncertain by a few seconds (REFERENCE.md), so events are held to +-5 s.
EVENT_TOLERANCE_S = 5.0


@pytest.fixture(scope="module")
def msl():
    return skycrane.load_mission("msl")


@pytest.fixture(scope="module")
def flown(msl):
    result = skycrane.simulate(msl)
    assert result.ok, result.status_text
    return result


def test_entry_interface_state(flown):
    """[W13]: entry at 125 km and 5.845 km/s planet-relative, from the preset's inertial state.

    The preset gives the inertial speed, flight-path angle and heading (S2);
    the relative speed comes out of the frame conversion and the back-propagation
    from E-600 s. Tolerance: 125 km to 10 m (the event is located on it); 5 m/s
    on the speed ([W13] quotes 1 m/s; 3522.2 km vs the ellipsoid's radius there
    changes the relative speed by ~1 m/s).
    """
    ei = flown.event("entry_interface")
    assert ei.t_s == pytest.approx(0.0, abs=1e-6)
    assert ei.altitude_m == pytest.approx(125e3, abs=10.0)
    assert ei.speed_m_s == pytest.approx(5845.0, abs=5.0)


def test_guidance_start_and_peak_deceleration(flown):
    """[L16]: range control from 0.2 g at E+45-46 s; peak deceleration E+80 s (+-5 s)."""
    assert flown.event("range_control_start").t_s == pytest.approx(45.5, abs=EVENT_TOLERANCE_S)
    assert flown.event("peak_deceleration").t_s == pytest.approx(80.0, abs=EVENT_TOLERANCE_S)


def test_heading_alignment(flown):
    """[L16]: heading alignment begins at E+135 s (+-5 s)."""
    assert flown.event("heading_alignment").t_s == pytest.approx(135.0, abs=EVENT_TOLERANCE_S)


def test_sufr_and_parachute_deploy(flown):
    """[L16]: SUFR (first entry balance mass) E+239 s, parachute deploy E+259 s (+-5 s each)."""
    assert flown.event("straighten_up_and_fly_right").t_s == pytest.approx(
        239.0, abs=EVENT_TOLERANCE_S
    )
    assert flown.event("parachute_deploy").t_s == pytest.approx(259.0, abs=EVENT_TOLERANCE_S)


# [HR16]: the height of the reconstructed trajectory is known to far better than 0.1 km; the
# density the capsule decelerates in is uncertain by its 5 % (1 sigma) axial-force coefficient,
# and 2 sigma of density moves a height on a ~10 km scale height by 10 km x ln(1.1) = 1.0 km.
HEIGHT_TOLERANCE_M = 1000.0


def test_parachute_deploy_height_above_the_site(flown):
    """[HR16]: the parachute deployed 12.1 km above the landing site (+-1.0 km, HEIGHT_TOLERANCE_M).

    The preset's 405 m/s trigger read the planet-relative speed, so the height it fires at is
    where the capsule's drag has slowed it to that speed: a check of the drag, lift and
    guidance through the reconstructed atmosphere, none of which is fitted to it.
    """
    deploy = flown.event("parachute_deploy")
    assert deploy.altitude_above_ground_m == pytest.approx(12.1e3, abs=HEIGHT_TOLERANCE_M)


def test_parachute_deploy_mach(flown):
    """[NASA12]: the parachute opened at Mach 1.7. Tolerance 0.1: the figure's own rounding
    (0.05) plus the spread of the ratio of specific heats at 211 K (1.29-1.33, REFERENCE.md,
    1.5 % in the speed of sound, 0.03 in Mach)."""
    assert flown.event("parachute_deploy").mach == pytest.approx(1.7, abs=0.1)


@pytest.mark.xfail(
    strict=True,
    reason="nominal mean 19.6 km over E+100-180 (flown ~18.4 km): to cover the 631 km from the "
    "flown entry point this capsule model must fly higher than Curiosity did (a planar reference "
    "covering 636 km passes 1,100 m/s 19.9 km above the site): its drag is too high or its lift "
    "too low between Mach 30 and 2, whose supersonic tables are R (docs/entry_guidance.md)",
)
def test_horizontal_flight_height(flown):
    """[HR16]: "horizontal flight at about 18.4 km height, between 640 s and 720 s" (E+100 to
    E+180, heights above the landing site): the mean height of the nominal over that window
    within HEIGHT_TOLERANCE_M of 18.4 km."""
    tr = flown.trajectory
    window = (tr.t_s >= 100.0) & (tr.t_s <= 180.0)
    height_m = tr.altitude_m[window] - flown.site["site_elevation_m"]
    assert height_m.mean() == pytest.approx(18.4e3, abs=HEIGHT_TOLERANCE_M)


def test_heat_shield_separation(flown):
    """[L16]: heat-shield separation E+278 s (+-5 s)."""
    assert flown.event("heat_shield_separation").t_s == pytest.approx(278.0, abs=EVENT_TOLERANCE_S)


def test_heat_shield_hits_the_ground_while_the_vehicle_hangs_on_its_parachute(flown):
    """[JPL12] "Heat Shield, Meet Mars" (JPL video caption, 17 Aug 2012; Mars Descent
    Imager frames of the heat shield's impact): when the heat shield hit the ground the
    vehicle photographing it "was nearly two miles (about 3,000 meters) above the ground and
    68 seconds away from its own touchdown". The time is held to +-5 s (EVENT_TOLERANCE_S,
    the event clock of this file), the height to +-1 km (HEIGHT_TOLERANCE_M: the caption's
    "about"). It checks the heat shield's fall (its subsonic cone drag, msl.toml
    [bodies.heat_shield.aerodynamics]) against the vehicle's parachute descent, which nothing
    in the preset is set from."""
    shield = flown.body("heat_shield")
    touchdown_s = flown.event("touchdown").t_s
    assert touchdown_s - shield.t_rest_s == pytest.approx(68.0, abs=EVENT_TOLERANCE_S)
    t_s = np.asarray(flown.trajectory.t_s)
    i = int(np.searchsorted(t_s, shield.t_rest_s))
    above_site_m = float(flown.trajectory.altitude_m[i]) - flown.site["site_elevation_m"]
    assert above_site_m == pytest.approx(3000.0, abs=HEIGHT_TOLERANCE_M)


def test_backshell_separation(flown):
    """REFERENCE.md (as flown, SPICE-based animation; E+375.9 s on the event clock of Karlgaard
    et al., JSR 51(4), 2014): backshell separation at about E+375 s (+-5 s). It ends the
    parachute descent, so it checks the air below the deploy, where no reconstruction exists
    (the preset's hydrostatic column, msl.toml [atmosphere])."""
    assert flown.event("backshell_separation").t_s == pytest.approx(375.0, abs=EVENT_TOLERANCE_S)


def test_touchdown_time(flown):
    """[L16]: touchdown E+427-431 s. The timeline of a nominal run against one flight: the
    parachute and powered phases add the scatter of the whole descent, so the tolerance is
    the +-15 s of [NASA graphic: deploy times vary by 10-15 s for a successful landing]."""
    assert flown.event("touchdown").t_s == pytest.approx(429.0, abs=15.0)


def test_deploy_where_the_reference_ends(msl, flown):
    """Invariant: the nominal flight (no dispersion) deploys where its entry reference ends.

    Below heading alignment nothing controls range, so the reference must
    predict the range the capsule flies there. ``reference_end_range_m`` is
    where the reference ends from the target; with no dispersion the
    velocity-triggered deploy must fall there, within 500 m (the backshell
    clearance the preset adds, GUIDANCE.md 3.2). A reference that held the
    hypersonic C_D and L/D through the supersonic fell 2.5 km short of it.
    """
    deploy = flown.event("parachute_deploy")
    target = msl.spec.target
    distance_m, _ = great_circle(
        deploy.latitude_deg,
        deploy.longitude_deg,
        target.latitude_deg,
        target.longitude_deg,
        msl.planet.mean_radius_m,
    )
    assert distance_m == pytest.approx(msl.spec.guidance.entry.reference_end_range_m, abs=500.0)


def test_landing_point_within_the_flown_scatter(msl, flown):
    """[W13] Curiosity landed at 4.5895 S, 137.4417 E, 2.385 km from the target.

    A nominal run with no wind and no delivery error cannot reproduce one
    flight's miss; it is held to lie within the pre-flight touchdown ellipse
    of [MC11] (25 km x 20 km, semi-minor 10 km) around the flown point.
    """
    landed = flown.event("touchdown")
    distance_m, _ = great_circle(
        landed.latitude_deg, landed.longitude_deg, -4.5895, 137.4417, msl.planet.mean_radius_m
    )
    assert distance_m < 10e3
