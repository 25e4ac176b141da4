"""Orbital before/after imaging of a landing site and detection of the marks it leaves.

Modules
-------
marks
    :class:`Mark` and rasterisation.
debris
    Descent-stage crash fan, fragments and their secondary impacts, other hardware;
    crater scaling of the balance masses.
surface
    The ground at image resolution: terrain model, fine relief, craters, rocks,
    ripples, albedo.
photometry
    One orbital pass: Lambert shading with cast shadows, HiRISE-class camera, browse images.
render
    Before/after images of the ground and the marks, PNG + world-file output.
georef
    Image centre on the planet: metres east/north <-> latitude/longitude, sidecars.
detect
    Registration, illumination normalisation and detection of darkened regions.
nodata
    Fill outside a map-projected footprint, images of slightly different sizes.
pasted
    Pairs the renderer did not make: scikit-image pictures with pasted marks.
params
    :class:`DetectParams`, the thresholds of detection and classification.
classify
    What made each region: main crash, secondaries, heat shield, backshell, ...
score
    Matching detections against truth, and totals over many sites (validation).
landing
    Marks from a simulated landing (:func:`marks_from_landing`) and its georeference.
"""

from skycrane.imaging.debris import DebrisParams, descent_stage_debris, random_site
from skycrane.imaging.detect import Detection, detect, load_image, load_pair
from skycrane.imaging.georef import GeoReference, read_sidecar
from skycrane.imaging.marks import KINDS, Mark, rasterise
from skycrane.imaging.params import DetectParams
from skycrane.imaging.photometry import Instrument, OrbitalPass
from skycrane.imaging.render import RenderedPair, render_pair, write_georeferenced, write_pair
from skycrane.imaging.surface import SurfaceParams

__all__ = [
    "KINDS",
    "DebrisParams",
    "DetectParams",
    "Detection",
    "GeoReference",
    "Instrument",
    "Mark",
    "OrbitalPass",
    "RenderedPair",
    "SurfaceParams",
    "descent_stage_debris",
    "detect",
    "load_image",
    "load_pair",
    "random_site",
    "rasterise",
    "read_sidecar",
    "render_pair",
    "write_georeferenced",
    "write_pair",
]
