"""The public functions: load a mission, simulate it.

>>> import skycrane
>>> mission = skycrane.load_mission("m2020")
>>> result = skycrane.simulate(mission)
>>> deploy = result.event("parachute_deploy")
>>> 8_000 < deploy.altitude_m < 15_000
True
"""

from __future__ import annotations

from pathlib import Path

from skycrane.batch import build_batch
from skycrane.missions.loader import Mission, load_mission
from skycrane.propagate.kernel import run_batch
from skycrane.results import Result, case_result

__all__ = ["Mission", "Result", "load_mission", "simulate"]


def simulate(mission: Mission | str | Path) -> Result:
    """Fly the nominal mission (a batch of one through the compiled kernel).

    Parameters
    ----------
    mission : Mission, preset name or path
        What to fly; names and paths are loaded with :func:`load_mission`.

    Returns
    -------
    Result
        Events, peaks and the sampled trajectory.
    """
    if not isinstance(mission, Mission):
        mission = load_mission(mission)
    batch = build_batch(mission, 1, record_trajectory=True)
    raw = run_batch(0.0, batch.y0, batch.params, batch.model, batch.settings)
    return case_result(
        raw, 0, mission.name, batch.y0[0], batch.params[0], batch.model, mission.planet
    )
