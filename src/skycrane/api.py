"""The public functions: load a mission, simulate it.

>>> import skycrane
>>> result = skycrane.simulate("m2020")
>>> result.event("parachute_deploy").altitude_m > 5_000
True
"""

from __future__ import annotations

from pathlib import Path

from skycrane.missions.loader import Mission, load_mission
from skycrane.output import accessor as _accessor  # noqa: F401  installs result.plot
from skycrane.propagate.kernel import run_batch
from skycrane.results import Result, case_result
from skycrane.sequence.bodies import fly_bodies
from skycrane.sequence.build import build_batch

__all__ = ["Mission", "Result", "load_mission", "simulate"]


def simulate(mission: Mission | str | Path) -> Result:
    """Fly the nominal mission and every piece of hardware it sheds, to rest.

    A batch of one through the compiled kernel, then the jettisoned bodies
    through the same kernel.

    Parameters
    ----------
    mission : Mission, preset name or path
        What to fly; names and paths are loaded with :func:`load_mission`.

    Returns
    -------
    Result
        Timeline, peaks, rest point of every body, touchdown, trajectory.
    """
    if not isinstance(mission, Mission):
        mission = load_mission(mission)
    batch = build_batch(mission, 1, record_trajectory=True)
    raw = run_batch(batch.t0_s, batch.y0, batch.params, batch.mem0, batch.model, batch.settings)
    flights = fly_bodies(batch, mission, raw)
    return case_result(raw, 0, batch, mission, flights)
