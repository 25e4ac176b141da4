"""skycrane: planetary entry, descent and landing simulation.

>>> import skycrane
>>> result = skycrane.simulate(skycrane.load_mission("m2020"))
"""

from skycrane import _jit_cache

_jit_cache.configure()  # before any jitted function is defined: see _jit_cache

from skycrane._version import __version__ as __version__  # noqa: E402
from skycrane.api import Mission, Result, load_mission, simulate  # noqa: E402
from skycrane.errors import InputError, SkycraneError  # noqa: E402

__all__ = ["InputError", "Mission", "Result", "SkycraneError", "load_mission", "simulate"]
