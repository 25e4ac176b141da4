"""The ground at the landing site: terrain models, hazards, hillshade.

The kernel's compiled ground lookup is :mod:`skycrane.propagate.ground`.

* :mod:`skycrane.terrain.grid` -- the site's local east/north height grid;
* :mod:`skycrane.terrain.geotiff` -- a digital terrain model from a GeoTIFF (rasterio, pyproj);
* :mod:`skycrane.terrain.synthetic` -- seeded synthetic sites of documented statistics;
* :mod:`skycrane.terrain.site` -- the mission's ``[site]`` section to a grid;
* :mod:`skycrane.terrain.hazard` -- the safe-landing map from slopes, roughness and rocks;
* :mod:`skycrane.terrain.shade` -- hillshade for the site maps.
"""
