"""``result.plot``: the figures of :mod:`skycrane.output.plots` bound to one result.

>>> import skycrane
>>> mission = skycrane.load_mission("m2020")
>>> result = skycrane.simulate(mission)
>>> fig = result.plot.entry_loads()          # same as skycrane.plots.entry_loads(result)
>>> fig = result.plot.site_map(mission)      # figures that need the mission take it

A :class:`skycrane.results.Result` keeps the mission's name, not the mission
itself, so the figures that need the target or the reference trajectory
(``site_map``, ``debris_map``, ``guidance_errors``) take the mission as their first argument;
the others accept it optionally (``parachute_phase`` then draws the qualified
Mach, ``powered_descent`` altitudes above the target).

Importing this module installs :class:`ResultPlots` as ``Result.plot`` (the
results sit below the figures and do not import them); ``import skycrane``
does so (:mod:`skycrane.api`). matplotlib is imported on the first figure, so
installing it costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skycrane.results import Result

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["ResultPlots"]


def _plots():
    """:mod:`skycrane.output.plots`, imported on the first figure (it imports matplotlib)."""
    from skycrane.output import plots

    return plots


def _need(mission, name: str):
    if mission is None:
        raise TypeError(f"{name} needs the mission: result.plot.{name}(mission)")
    return mission


class ResultPlots:
    """The figures of one result; each method returns a :class:`matplotlib.figure.Figure`.

    Methods take the same ``mission`` and ``ax`` arguments as the functions of
    :mod:`skycrane.output.plots` (see there, and ``docs/outputs.md``).
    """

    __slots__ = ("_result",)

    def __init__(self, result) -> None:
        self._result = result

    def __repr__(self) -> str:
        return f"<figures of {self._result.mission}: {', '.join(_plots().FIGURES)}>"

    def altitude_speed(self, mission=None, ax: Axes | None = None) -> Figure:
        """Altitude against planet-relative speed, events marked (:func:`plots.altitude_speed`)."""
        return _plots().altitude_speed(self._result, mission, ax)

    def altitude_mach(self, mission=None, ax: Axes | None = None) -> Figure:
        """Altitude against Mach number, events marked (:func:`plots.altitude_mach`)."""
        return _plots().altitude_mach(self._result, mission, ax)

    def altitude_range(self, mission=None, ax: Axes | None = None) -> Figure:
        """Altitude against downrange from entry (:func:`plots_capsule.altitude_range`)."""
        return _plots().plots_capsule.altitude_range(self._result, mission, ax)

    def heating(self, mission=None, ax=None) -> Figure:
        """Heat rates and load with the heating pulses (:func:`plots_capsule.heating`)."""
        return _plots().plots_capsule.heating(self._result, mission, ax)

    def entry_loads(self, mission=None, ax=None) -> Figure:
        """Deceleration, q, heat rate and heat load against time (:func:`plots.entry_loads`)."""
        return _plots().entry_loads(self._result, mission, ax)

    def bank(self, mission=None, ax: Axes | None = None) -> Figure:
        """Bank angle with the guidance phases (:func:`plots.bank`)."""
        return _plots().bank(self._result, mission, ax)

    def guidance_errors(self, mission, ax=None) -> Figure:
        """Entry guidance range errors and crossrange (:func:`plots.guidance_errors`)."""
        return _plots().guidance_errors(self._result, _need(mission, "guidance_errors"), ax)

    def parachute_phase(self, mission=None, ax=None) -> Figure:
        """Mach and parachute force from deployment (:func:`plots.parachute_phase`)."""
        return _plots().parachute_phase(self._result, mission, ax)

    def powered_descent(self, mission=None, ax=None) -> Figure:
        """Powered descent and sky crane (:func:`plots.powered_descent`)."""
        return _plots().powered_descent(self._result, mission, ax)

    def site_map(self, mission, ax=None) -> Figure:
        """The landing site in the target's east-north frame (:func:`plots.site_map`)."""
        return _plots().site_map(self._result, _need(mission, "site_map"), ax)

    def debris_map(self, mission, ax=None) -> Figure:
        """Hardware around the rover, in metres from it (:func:`plots.debris_map`)."""
        return _plots().debris_map(self._result, _need(mission, "debris_map"), ax)

    def all(self, mission) -> dict[str, Figure]:
        """Every figure with something to show, by name (:func:`plots.all_figures`)."""
        return _plots().all_figures(self._result, _need(mission, "all"))


Result.plot_accessor = ResultPlots
