"""JSON documents the command line prints (``run --json``, ``mc --json``)."""

from __future__ import annotations

import math


def finite_json(obj):
    """``obj`` with every NaN or infinite float replaced by ``None``: JSON has neither."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: finite_json(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [finite_json(v) for v in obj]
    return obj
