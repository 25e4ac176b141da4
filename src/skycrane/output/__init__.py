"""Figures, file exports and the report of a simulation result.

``skycrane.output.plots`` draws the figures (matplotlib, one function per
figure, each taking a :class:`skycrane.results.Result`);
``skycrane.output.accessor`` binds them to a result as ``result.plot`` (and
installs that attribute on import); ``skycrane.output.guidance_errors`` sets
the entry guidance's recorded range and crossrange beside its reference;
``skycrane.output.export`` writes the landing footprint (GeoJSON, KML) and the
trajectory (CSV, netCDF); ``skycrane.output.report`` writes one
self-contained HTML page. Nothing here runs a simulation. See
``docs/outputs.md``.
"""
