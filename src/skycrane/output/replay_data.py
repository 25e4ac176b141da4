"""What the replay shows, as plain arrays: every body's path and its place at each frame.

Nothing here draws or flies; :func:`replay_data` turns a finished
:class:`~skycrane.results.Result` (with the body tracks recorded by
``skycrane.simulate(mission, body_tracks=True)``) into :class:`ReplayData`:

* one :class:`Track` per body in the target's local frame: east and north
  [m] on the azimuthal-equidistant plane about the target (great-circle
  distance and bearing, as the Monte Carlo table and the reduction place rest
  points) and height above the ground [m];
* a time grid of frames (10 s apart during cruise and entry, 1 s from the
  parachute on, plus every event and every body's rest time exactly), each
  body's position at every frame, the event in progress, and the rover's
  height above ground, speed and Mach.

The main vehicle's recorded trajectory is cut into what it carries at the
time: the capsule up to backshell separation, then the rover and the descent
stage. The rover hangs the bridle length below the descent stage from the sky
crane's start (where the kernel places it at touchdown) and rests where it
touched down; the descent stage flies on to its crash. Every jettisoned body
follows its own recorded flight from its separation to rest.

The ground is the site's elevation (the target altitude) unless a
:class:`HeightGrid` is given: heights above ground are then altitude minus the
grid's height, bilinearly interpolated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import RegularGridInterpolator

from skycrane.planets import east_north_m

__all__ = [
    "AT_REST",
    "ENDED",
    "FLYING",
    "NOT_SEPARATED",
    "STATE_TEXT",
    "HeightGrid",
    "ReplayData",
    "Track",
    "flat_ground",
    "local_east_north_m",
    "replay_data",
]

NOT_SEPARATED, FLYING, AT_REST, ENDED = 0, 1, 2, 3
"""A body's state at a frame: not yet a body of its own, flying, at rest, or ended in the
air (the capsule splitting into backshell and powered descent vehicle, a break-up)."""
STATE_TEXT = {NOT_SEPARATED: "not separated", FLYING: "flying", AT_REST: "at rest", ENDED: "ended"}

COARSE_DT_S = 10.0
"""Frame spacing before the parachute opens [s]."""
FINE_DT_S = 1.0
"""Frame spacing from the parachute deploy (or the last 300 s) to the end [s]."""


@dataclass(frozen=True, slots=True)
class HeightGrid:
    """Ground heights above the reference datum on a regular east/north grid [m].

    ``height_m[j, i]`` is the height at ``(east_m[i], north_m[j])``, east/north
    about the target on the azimuthal-equidistant plane; both axes increase.
    """

    east_m: np.ndarray
    north_m: np.ndarray
    height_m: np.ndarray

    def __post_init__(self) -> None:
        if self.height_m.shape != (self.north_m.size, self.east_m.size):
            raise ValueError(
                f"height grid {self.height_m.shape}: expected (north {self.north_m.size}, "
                f"east {self.east_m.size})"
            )

    def at(self, east_m: np.ndarray, north_m: np.ndarray) -> np.ndarray:
        """Ground height [m] at the points, bilinear; the edge value beyond the grid."""
        e = np.clip(east_m, self.east_m[0], self.east_m[-1])
        n = np.clip(north_m, self.north_m[0], self.north_m[-1])
        interp = RegularGridInterpolator((self.north_m, self.east_m), self.height_m)
        pts = np.stack([np.nan_to_num(n), np.nan_to_num(e)], axis=-1)
        out = interp(pts)
        return np.where(np.isfinite(east_m) & np.isfinite(north_m), out, np.nan)


def site_ground(mission, elevation_m: float) -> HeightGrid:
    """The mission's site terrain (``[site]``, skycrane.terrain) as heights above the datum,
    flat at ``elevation_m`` beyond it, as the kernel's ground (propagate.ground: no relief
    off the grid; a ring of zero relief one cell outside it, then flat to 1,000 km); flat
    everywhere without a terrain."""
    terrain = getattr(mission, "terrain", None)
    if terrain is None or terrain.is_flat:
        return flat_ground(elevation_m, 50_000.0)
    h, far = terrain.spacing_m, 1.0e6
    east = np.concatenate(
        [[-far, terrain.east_m[0] - h], terrain.east_m, [terrain.east_m[-1] + h, far]]
    )
    north = np.concatenate(
        [[-far, terrain.north_m[0] - h], terrain.north_m, [terrain.north_m[-1] + h, far]]
    )
    return HeightGrid(east, north, elevation_m + np.pad(terrain.relief_m, 2))


def flat_ground(elevation_m: float, half_width_m: float) -> HeightGrid:
    """A flat site at ``elevation_m`` above the datum, ``half_width_m`` around the target."""
    axis = np.array([-half_width_m, half_width_m])
    return HeightGrid(axis, axis.copy(), np.full((2, 2), float(elevation_m)))


@dataclass(frozen=True, slots=True)
class Track:
    """One body's path: times [s from entry], east/north [m], height above ground [m].

    ``t_start_s`` is when it became a body of its own (None: from the start),
    ``t_rest_s`` when it came to rest (None: it did not, e.g. it broke up).
    """

    name: str
    t_s: np.ndarray
    east_m: np.ndarray
    north_m: np.ndarray
    height_m: np.ndarray
    speed_m_s: np.ndarray
    mach: np.ndarray
    t_start_s: float | None = None
    t_rest_s: float | None = None
    status: str = ""


@dataclass(frozen=True, slots=True)
class ReplayData:
    """Frames of the replay: every body's position, the event and the rover's readout.

    Attributes
    ----------
    t_s : float64[n_frames]
        Frame times [s from entry].
    event : list of str
        The latest event at or before each frame ("" before the first).
    tracks : dict of str to Track
        Every body's whole path.
    position_m : dict of str to float64[n_frames, 3]
        Each body's east, north, height above ground at each frame (NaN when
        it is not a body of its own yet).
    state : dict of str to int8[n_frames]
        :data:`NOT_SEPARATED`, :data:`FLYING`, :data:`AT_REST` or :data:`ENDED`.
    rover_height_m, rover_speed_m_s, rover_mach : float64[n_frames]
        The vehicle carrying the rover, then the rover at rest.
    events : list of (name, t_s)
    ground : HeightGrid
        The ground heights above ground are measured from (default: flat at the site
        elevation, as every event's ``altitude_above_ground_m``).
    site_elevation_m : float
        The target's altitude above the datum: the flat ground's height.
    t_touchdown_s : float or None
    surface : HeightGrid or None
        The ground the 3-D view draws: the site's terrain (:func:`site_ground`);
        None: ``ground``.
    """

    t_s: np.ndarray
    event: list[str]
    tracks: dict[str, Track]
    position_m: dict[str, np.ndarray]
    state: dict[str, np.ndarray]
    rover_height_m: np.ndarray
    rover_speed_m_s: np.ndarray
    rover_mach: np.ndarray
    events: list[tuple[str, float]]
    ground: HeightGrid
    site_elevation_m: float
    t_touchdown_s: float | None = None
    surface: HeightGrid | None = None

    def frame_at(self, t_s: float) -> int:
        """Index of the frame nearest ``t_s``."""
        return int(np.argmin(np.abs(self.t_s - t_s)))


def local_east_north_m(lat_deg, lon_deg, mission) -> tuple[np.ndarray, np.ndarray]:
    """East and north of the target [m] on the azimuthal-equidistant plane (as the reduction)."""
    tgt = mission.spec.target
    east, north = east_north_m(
        tgt.latitude_deg, tgt.longitude_deg, lat_deg, lon_deg, mission.planet.mean_radius_m
    )
    return np.asarray(east, dtype=float), np.asarray(north, dtype=float)


def _track(name, traj, mission, ground, keep=None, t_start=None, t_rest=None, status=""):
    """A :class:`Track` from a :class:`~skycrane.results.Trajectory`'s samples ``keep``."""
    keep = slice(None) if keep is None else keep
    lat = traj.latitude_deg[keep]
    east, north = local_east_north_m(lat, traj.longitude_deg[keep], mission)
    height = traj.altitude_m[keep] - ground.at(east, north)
    return Track(
        name,
        np.asarray(traj.t_s[keep], dtype=float),
        east,
        north,
        height,
        np.asarray(traj.speed_m_s[keep], dtype=float),
        np.asarray(traj.mach[keep], dtype=float),
        t_start,
        t_rest,
        status,
    )


def _with_events(result):
    """The main trajectory's samples and its events' states, in time order (dict of arrays)."""
    tr = result.trajectory
    ev = result.events
    cols = {
        "t_s": (tr.t_s, [e.t_s for e in ev]),
        "latitude_deg": (tr.latitude_deg, [e.latitude_deg for e in ev]),
        "longitude_deg": (tr.longitude_deg, [e.longitude_deg for e in ev]),
        "altitude_m": (tr.altitude_m, [e.altitude_m for e in ev]),
        "speed_m_s": (tr.speed_m_s, [e.speed_m_s for e in ev]),
        "mach": (tr.mach, [e.mach for e in ev]),
    }
    t_all = np.concatenate([cols["t_s"][0], np.asarray(cols["t_s"][1], dtype=float)])
    order = np.argsort(t_all, kind="stable")
    return _Samples(
        **{k: np.concatenate([a, np.asarray(b, dtype=float)])[order] for k, (a, b) in cols.items()}
    )


@dataclass(frozen=True, slots=True)
class _Samples:
    t_s: np.ndarray
    latitude_deg: np.ndarray
    longitude_deg: np.ndarray
    altitude_m: np.ndarray
    speed_m_s: np.ndarray
    mach: np.ndarray


def _event_t(result, name: str) -> float | None:
    for ev in result.events:
        if ev.name == name:
            return ev.t_s
    return None


def _main_tracks(result, mission, ground) -> dict[str, Track]:
    """Capsule (to backshell separation), rover (to touchdown) and descent stage (to its crash)."""
    main = _with_events(result)
    t = main.t_s
    t_bs = _event_t(result, "backshell_separation")
    t_td = None if result.touchdown is None else result.touchdown["t_s"]
    tracks = {}
    if t_bs is None:  # no powered descent: the capsule is the whole flight
        tracks["capsule"] = _track("capsule", main, mission, ground, status=result.status_text)
        return tracks
    tracks["capsule"] = _track("capsule", main, mission, ground, t <= t_bs, None, None, "")
    rover = (t >= t_bs) & (t <= (np.inf if t_td is None else t_td))
    track = _track("rover", main, mission, ground, rover, t_bs)
    t_sc = _event_t(result, "sky_crane_start")
    if t_sc is not None:
        bridle = mission.spec.rover.bridle_length_m
        lowered = track.t_s >= t_sc
        track = _replace(track, height_m=np.where(lowered, track.height_m - bridle, track.height_m))
    if t_td is not None:
        rover_rest = result.body("rover") if any(b.name == "rover" for b in result.bodies) else None
        track = _replace(track, t_rest_s=t_td, status="at rest" if rover_rest else "")
        if rover_rest is not None and rover_rest.latitude_deg is not None:
            e, n = local_east_north_m(rover_rest.latitude_deg, rover_rest.longitude_deg, mission)
            ground_m = 0.0 if mission.terrain is None else mission.terrain.relief_at(e, n)
            track = _append(track, t_td, float(e), float(n), float(ground_m))
    tracks["rover"] = track
    ds = next((b for b in result.bodies if b.name == "descent_stage"), None)
    tracks["descent_stage"] = _track(
        "descent_stage",
        main,
        mission,
        ground,
        t >= t_bs,
        t_bs,
        None if ds is None else ds.t_rest_s,
        "" if ds is None else ds.status,
    )
    return tracks


def _replace(track: Track, **changes) -> Track:
    values = {name: getattr(track, name) for name in Track.__dataclass_fields__}
    values.update(changes)
    return Track(**values)


def _append(track: Track, t_s: float, east_m: float, north_m: float, height_m: float) -> Track:
    """``track`` with one more point (at rest: zero speed and Mach)."""
    return _replace(
        track,
        t_s=np.append(track.t_s, t_s),
        east_m=np.append(track.east_m, east_m),
        north_m=np.append(track.north_m, north_m),
        height_m=np.append(track.height_m, height_m),
        speed_m_s=np.append(track.speed_m_s, 0.0),
        mach=np.append(track.mach, 0.0),
    )


def _body_tracks(result, mission, ground) -> dict[str, Track]:
    """Every jettisoned body's recorded flight (``result.body_tracks``)."""
    rest = {b.name: b for b in result.bodies}
    out = {}
    for name, traj in result.body_tracks.items():
        if name == "rover" or traj.t_s.size == 0:
            continue
        b = rest.get(name)
        out[name] = _track(
            name,
            traj,
            mission,
            ground,
            None,
            float(traj.t_s[0]),
            None if b is None else b.t_rest_s,
            "" if b is None else b.status,
        )
    return out


def frame_times(result, tracks: dict[str, Track]) -> np.ndarray:
    """10 s frames, then 1 s frames from the parachute deploy, plus every event and rest time."""
    t0 = min(float(tr.t_s[0]) for tr in tracks.values())
    t_end = max(float(tr.t_s[-1]) for tr in tracks.values())
    t_fine = _event_t(result, "parachute_deploy")
    if t_fine is None:
        t_fine = t_end - 300.0
    t_fine = min(max(t_fine, t0), t_end)
    coarse = np.arange(t0, t_fine, COARSE_DT_S)
    fine = np.arange(t_fine, t_end, FINE_DT_S)
    exact = [ev.t_s for ev in result.events]
    exact += [tr.t_rest_s for tr in tracks.values() if tr.t_rest_s is not None]
    exact = np.unique(np.asarray([*exact, t_end], dtype=float))
    exact = exact[(exact >= t0) & (exact <= t_end)]
    grid = np.concatenate([coarse, fine])
    if exact.size:  # a grid time within 0.05 s of an exact one would be a duplicate frame
        nearest = np.min(np.abs(grid[:, None] - exact[None, :]), axis=1)
        grid = grid[nearest > 0.05]
    return np.unique(np.concatenate([grid, exact]))


def _positions(track: Track, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position [n, 3] (east, north, height [m]) of ``track`` at times ``t``, and its state."""
    start = track.t_s[0] if track.t_start_s is None else track.t_start_s
    pos = np.full((t.size, 3), np.nan)
    on = (t >= start - 1e-6) & (t <= track.t_s[-1] + 1e-6)
    for k, values in enumerate((track.east_m, track.north_m, track.height_m)):
        pos[on, k] = np.interp(t[on], track.t_s, values)
    state = np.where(on, FLYING, NOT_SEPARATED).astype(np.int8)
    state[t > track.t_s[-1] + 1e-6] = ENDED
    if track.t_rest_s is not None:
        resting = t >= track.t_rest_s - 1e-6
        pos[resting] = (track.east_m[-1], track.north_m[-1], track.height_m[-1])
        state[resting] = AT_REST
    return pos, state


def replay_data(result, mission, ground: HeightGrid | None = None) -> ReplayData:
    """The frames of ``result``'s replay (see the module docstring).

    Parameters
    ----------
    result : skycrane.results.Result
        A simulated case; its ``body_tracks`` give the jettisoned bodies' paths
        (without them only the main vehicle's are drawn).
    mission : skycrane.Mission
        The mission it flew (target, rover bridle length, planet radius).
    ground : HeightGrid, optional
        The site's ground; default: flat at the target altitude.
    """
    site = float(mission.spec.target.altitude_m)
    if ground is None:
        ground = flat_ground(site, 50_000.0)
    tracks = _main_tracks(result, mission, ground)
    tracks.update(_body_tracks(result, mission, ground))
    t = frame_times(result, tracks)
    position, state = {}, {}
    for name, tr in tracks.items():
        position[name], state[name] = _positions(tr, t)
    events = [(ev.name, ev.t_s) for ev in result.events]
    ev_t = np.asarray([e[1] for e in events])
    k = np.searchsorted(ev_t, t + 1e-6, side="right") - 1
    event = [events[i][0] if i >= 0 else "" for i in k]
    height, speed, mach = _rover_readout(tracks, t)
    t_td = None if result.touchdown is None else result.touchdown["t_s"]
    return ReplayData(
        t,
        event,
        tracks,
        position,
        state,
        height,
        speed,
        mach,
        events,
        ground,
        site,
        t_td,
        surface=site_ground(mission, site),
    )


def _rover_readout(tracks: dict[str, Track], t: np.ndarray):
    """Height above ground, speed and Mach of the capsule, then the rover (at rest: 0)."""
    height = np.full(t.size, np.nan)
    speed = np.full(t.size, np.nan)
    mach = np.full(t.size, np.nan)
    for name in ("capsule", "rover"):
        tr = tracks.get(name)
        if tr is None:
            continue
        start = tr.t_s[0] if tr.t_start_s is None else tr.t_start_s
        on = t >= start - 1e-6
        height[on] = np.interp(t[on], tr.t_s, tr.height_m)
        speed[on] = np.interp(t[on], tr.t_s, tr.speed_m_s)
        mach[on] = np.interp(t[on], tr.t_s, tr.mach)
        if tr.t_rest_s is not None:
            resting = t >= tr.t_rest_s - 1e-6
            height[resting] = tr.height_m[-1]
            speed[resting] = 0.0
            mach[resting] = 0.0
    return height, speed, mach
