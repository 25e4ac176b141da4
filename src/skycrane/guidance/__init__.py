"""Flight guidance algorithms: compiled laws fed only navigated or sensed state.

Entry: the Entry Terminal Point Controller (MSL / Mars 2020; GUIDANCE.md
section 1), its offline reference trajectory and sensitivities
(:mod:`~skycrane.guidance.entry_reference`), and the array layout it reads
(:mod:`~skycrane.guidance.entry_layout`).

Skip entry: a numeric predictor-corrector after FNPEG (Lu 2014) for
lunar-return capsules, skip or direct (:mod:`~skycrane.guidance.skip`, its
predictor :mod:`~skycrane.guidance.skip_predict` and its array layout
:mod:`~skycrane.guidance.skip_layout`; docs/skip_guidance.md).
"""

from skycrane.guidance.entry import drag_filter, etpc_command, ref_interp, target_geometry
from skycrane.guidance.entry_layout import default_gains
from skycrane.guidance.entry_reference import EntryReference, build_entry_reference
from skycrane.guidance.skip import skip_guidance_cycle
from skycrane.guidance.skip_layout import default_skip_params, initial_skip_memory

__all__ = [
    "EntryReference",
    "build_entry_reference",
    "default_gains",
    "default_skip_params",
    "drag_filter",
    "etpc_command",
    "initial_skip_memory",
    "ref_interp",
    "skip_guidance_cycle",
    "target_geometry",
]
