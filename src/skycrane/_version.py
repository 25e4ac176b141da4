"""skycrane's version, in a module of its own so that any module can read it.

Reading it from the ``skycrane`` package itself would import the facade
(:mod:`skycrane.api`) and, through it, everything: an import that points up.
Keep it equal to ``version`` in ``pyproject.toml``.
"""

__version__ = "0.1.0"
