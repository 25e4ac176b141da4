"""Figures and file exports of a simulation result.

``skycrane.output.plots`` draws the figures (matplotlib, one function per
figure, each taking a :class:`skycrane.results.Result`); ``skycrane.output.export``
writes the landing footprint (GeoJSON, KML) and the trajectory (CSV, netCDF).
Nothing here runs a simulation. See ``docs/outputs.md``.
"""
