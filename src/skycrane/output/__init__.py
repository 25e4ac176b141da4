"""Figures, file exports and the report of a simulation result.

``skycrane.output.plots`` draws the figures (matplotlib, one function per
figure, each taking a :class:`skycrane.results.Result`; also ``result.plot``);
``skycrane.output.guidance_errors`` recomputes the entry guidance's range and
crossrange errors; ``skycrane.output.export`` writes the landing footprint
(GeoJSON, KML) and the trajectory (CSV, netCDF); ``skycrane.output.report``
writes one self-contained HTML page. Nothing here runs a simulation. See
``docs/outputs.md``.
"""
