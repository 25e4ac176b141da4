"""Transitional: the kernel's index constants now live in :mod:`skycrane.contract.layout`."""

from skycrane.contract.layout import *  # noqa: F403
