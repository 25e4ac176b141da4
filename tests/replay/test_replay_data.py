"""The replay's arrays against the simulation they come from, and the ground's interpolation
against a plane (exact for bilinear interpolation)."""

from __future__ import annotations

import numpy as np
import pytest

from skycrane.output.replay_data import (
    AT_REST,
    NOT_SEPARATED,
    HeightGrid,
    local_east_north_m,
    replay_data,
)


@pytest.fixture(scope="module")
def data(result, mission):
    return replay_data(result, mission)


def test_tracks_end_where_the_flight_left_each_body(data, result, mission):
    """Invariant: each recorded track is the flight that gave the body's rest point (flown
    again with output samples, so equal within the integration tolerance: < 1 m), and it ends
    on the ground: the site's terrain under it (heights are above the site elevation; the
    kernel's ground event is the terrain's surface), within the same tolerance."""
    checked = 0
    for body in result.bodies:
        if body.latitude_deg is None or body.name not in data.tracks:
            continue
        track = data.tracks[body.name]
        east, north = local_east_north_m(body.latitude_deg, body.longitude_deg, mission)
        assert track.east_m[-1] == pytest.approx(float(east), abs=1.0), body.name
        assert track.north_m[-1] == pytest.approx(float(north), abs=1.0), body.name
        ground_m = float(mission.terrain.relief_at(track.east_m[-1], track.north_m[-1]))
        assert track.height_m[-1] == pytest.approx(ground_m, abs=1.0), body.name
        checked += 1
    assert checked >= 10  # rover, descent stage, backshell, heat shield, balance masses, cruise


def test_every_body_has_a_track_and_the_cruise_stage_breaks_up(data, result):
    """Every body the result lists is replayed; the cruise stage's track ends at its break-up
    and its fragments start there (the fragments leave from the first flight's break-up, the
    recorded parent flies again with output samples: equal within the integration tolerance)."""
    assert {b.name for b in result.bodies} <= set(data.tracks)
    parent = data.tracks["cruise_stage"]
    fragments = [t for n, t in data.tracks.items() if n.startswith("cruise_stage/")]
    assert fragments
    for frag in fragments:
        assert frag.t_s[0] == pytest.approx(parent.t_s[-1], abs=1e-3)
        assert frag.east_m[0] == pytest.approx(parent.east_m[-1], abs=1.0)


def test_frames_hold_every_event_and_the_state_follows_separation_and_rest(data, result, mission):
    """Every event time is a frame; before its separation a body is not on its own, after
    its rest time it stays at its rest point."""
    for ev in result.events:
        assert np.min(np.abs(data.t_s - ev.t_s)) < 1e-3, ev.name
    hs = data.tracks["heat_shield"]
    k_sep = data.frame_at(result.event("heat_shield_separation").t_s)
    assert data.state["heat_shield"][k_sep - 1] == NOT_SEPARATED
    k_rest = data.frame_at(hs.t_rest_s)
    assert np.all(data.state["heat_shield"][k_rest:] == AT_REST)
    rest = data.position_m["heat_shield"][k_rest:]
    ground_m = mission.terrain.relief_at(rest[:, 0], rest[:, 1])
    assert np.all(rest[:, 2] == pytest.approx(ground_m, abs=0.05))
    k_td = data.frame_at(result.touchdown["t_s"])
    assert data.event[k_td] == "touchdown"
    assert data.state["rover"][k_td] == AT_REST
    assert data.rover_speed_m_s[k_td] == 0.0


def test_event_heights_above_ground_match_the_flight(data, result, mission):
    """At each event's frame the readout's height above ground is the event's altitude minus
    the site elevation (flat ground); for the rover, minus the bridle once lowered."""
    site = mission.spec.target.altitude_m
    for name in ("parachute_deploy", "heat_shield_separation", "backshell_separation"):
        ev = result.event(name)
        k = data.frame_at(ev.t_s)
        assert data.rover_height_m[k] == pytest.approx(ev.altitude_m - site, abs=0.5), name


def test_height_grid_is_exact_on_a_plane():
    """Bilinear interpolation reproduces a plane h = 100 + 0.02 e - 0.01 n exactly inside the
    grid, and holds the edge value outside it."""
    east = np.linspace(-1000.0, 1000.0, 11)
    north = np.linspace(-500.0, 1500.0, 7)
    ee, nn = np.meshgrid(east, north)
    grid = HeightGrid(east, north, 100.0 + 0.02 * ee - 0.01 * nn)
    e = np.array([-999.0, 123.4, 777.7, np.nan])
    n = np.array([-400.0, 0.0, 1499.0, 0.0])
    h = grid.at(e, n)
    np.testing.assert_allclose(h[:3], 100.0 + 0.02 * e[:3] - 0.01 * n[:3], rtol=0, atol=1e-9)
    assert np.isnan(h[3])
    assert grid.at(np.array([5000.0]), np.array([0.0]))[0] == pytest.approx(100.0 + 20.0)
    with pytest.raises(ValueError, match="height grid"):
        HeightGrid(east, north, np.zeros((11, 7)))


def test_replay_with_a_height_grid(result, mission):
    """With a ground 30 m above the site elevation everywhere, every recorded height above
    ground is 30 m less than on the flat site (the rover's rest point is put on the ground)."""
    site = mission.spec.target.altitude_m
    axis = np.array([-300e3, 300e3])
    raised = HeightGrid(axis, axis.copy(), np.full((2, 2), site + 30.0))
    flat = replay_data(result, mission)
    high = replay_data(result, mission, raised)
    np.testing.assert_allclose(
        high.tracks["heat_shield"].height_m, flat.tracks["heat_shield"].height_m - 30.0, atol=1e-6
    )
    np.testing.assert_allclose(
        high.tracks["rover"].height_m[:-1], flat.tracks["rover"].height_m[:-1] - 30.0, atol=1e-6
    )
