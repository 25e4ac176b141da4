"""The public functions: load a mission, check it, simulate it.

>>> import skycrane
>>> result = skycrane.simulate("m2020")
>>> result.event("parachute_deploy").altitude_m > 5_000
True
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from skycrane.errors import InputError
from skycrane.missions.loader import Mission, as_mission_error, load_mission
from skycrane.output import accessor as _accessor  # noqa: F401  installs result.plot
from skycrane.propagate.kernel import run_batch
from skycrane.results import Result, case_result, trajectory_of
from skycrane.sequence.bodies import BodyFlights, body_tracks, fly_bodies
from skycrane.sequence.build import Batch, build_batch, prepare
from skycrane.sequence.preflight import Preflight

__all__ = ["Mission", "Preflight", "Result", "check", "load_mission", "simulate"]


def check(mission: Mission | str | Path) -> Preflight:
    """Refuse everything :func:`simulate` would refuse before flying.

    Loads and validates the mission, runs the solves its flight needs first
    (entry-guidance reference, back-propagation to the start time and, when
    safe-target selection retargets powered descent, one nominal flight; each
    memoised, so a following :func:`simulate` reuses them) and packs the
    kernel's input.

    Returns
    -------
    Preflight
        The solves' results.

    Raises
    ------
    MissionError
        Naming the key, its value and what was expected.
    """
    if not isinstance(mission, Mission):
        mission = load_mission(mission)
    return _prepared(mission)[1]


def simulate(mission: Mission | str | Path, *, body_tracks: bool = False) -> Result:
    """Fly the nominal mission and every piece of hardware it sheds, to rest.

    A batch of one through the compiled kernel, then the jettisoned bodies
    through the same kernel. It refuses exactly what :func:`check` refuses.

    Parameters
    ----------
    mission : Mission, preset name or path
        What to fly; names and paths are loaded with :func:`load_mission`.
    body_tracks : bool
        Also record every jettisoned body's path (``Result.body_tracks``, for
        the replay): the bodies are flown once more with a sample every
        ``simulation.output_interval_s``; the rest points are unchanged.

    Returns
    -------
    Result
        Timeline, peaks, rest point of every body, touchdown, trajectory.
    """
    if not isinstance(mission, Mission):
        mission = load_mission(mission)
    batch, _ = _prepared(mission)
    raw = run_batch(batch.t0_s, batch.y0, batch.params, batch.mem0, batch.model, batch.settings)
    flights = fly_bodies(batch, mission, raw)
    result = case_result(raw, 0, batch, mission, flights)
    if body_tracks and flights.name:
        tracks = _body_tracks(batch, mission, flights, raw, result)
        result = dataclasses.replace(result, body_tracks=tracks)
    return result


def _body_tracks(batch: Batch, mission: Mission, flights: BodyFlights, raw, result: Result):
    """Each body's recorded path of the one case, times from entry like ``result``'s."""
    t_entry = float(raw.traj_t_s[0, 0] - result.trajectory.t_s[0])
    dt = mission.spec.simulation.output_interval_s
    limit = mission.spec.simulation.time_limit_s
    tracks = body_tracks(batch, mission, flights, output_dt_s=dt, duration_s=limit)
    return {
        name: trajectory_of(tracks, k, mission.planet, t_entry)
        for k, name in enumerate(flights.name)
    }


def _prepared(mission: Mission) -> tuple[Batch, Preflight]:
    """The one-case batch of ``mission`` with a recorded trajectory, and its preflight.

    The one path before flying that :func:`check` and :func:`simulate` share.
    """
    try:
        preflight = prepare(mission, record_trajectory=True)
        return build_batch(mission, 1, record_trajectory=True, preflight=preflight), preflight
    except InputError as exc:
        raise as_mission_error(mission.source, exc) from None
