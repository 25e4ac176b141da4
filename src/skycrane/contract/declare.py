"""The vocabulary of the kernel contract: a field, where its value comes from, how it disperses.

A :class:`Field` is one named slot (or run of slots) of a plain array that
crosses into the compiled kernel: the state vector, the per-case parameter
row, the per-case memory, the derived quantities, the event slots, the
settings vector, the rows of the sequence and body tables. Each is declared
once, in :mod:`skycrane.contract.fields`, with its unit, meaning and origin;
index constants, name lists, nominal packing and the dispersion appliers are
generated from those declarations (:mod:`skycrane.contract.layout`,
:mod:`skycrane.sequence.pack`, :mod:`skycrane.dispersions.cases`).

Origins (``source``):

* :class:`Key` -- a key of the mission file, optionally converted
  (``deg``: degrees to radians, ``per``: a rate in Hz to its period);
* :class:`Derived` -- computed from the mission by the packing function of the
  same name (the text says from what);
* :class:`Fixed` -- a value the mission file does not set, with the reason
  (its source tag: S published, S2 secondary source, E engineering estimate,
  R reasoned choice, as in the presets);
* :class:`Preflight` -- the result of a solve done before flight (the nominal
  flight that predicts the safe target, the time limit from the start time);
* :class:`Kernel` -- memory the compiled flight writes, with its initial value.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Key:
    """The value of mission-file key ``path`` (dotted, from the file's top level)."""

    path: str
    convert: str | None = None  # None, "deg" (degrees -> radians), "cos_deg" (degrees -> their
    # cosine) or "per" (Hz -> s)


@dataclass(frozen=True, slots=True)
class Derived:
    """Computed from the mission by the packing function of the field's name."""

    what: str


@dataclass(frozen=True, slots=True)
class Fixed:
    """A constant the mission file does not set."""

    value: float
    why: str


@dataclass(frozen=True, slots=True)
class Preflight:
    """Set by a named solve done before flight (:mod:`skycrane.sequence.build`)."""

    what: str
    default: float = 0.0


@dataclass(frozen=True, slots=True)
class Kernel:
    """Memory written by the compiled flight; ``initial`` is a number or a parameter's name."""

    initial: float | str
    what: str = ""


@dataclass(frozen=True, slots=True)
class Disperse:
    """How a Monte Carlo input acts on a field: ``op`` is ``scale``, ``add`` or ``set``.

    ``input`` names the dispersion parameter of the mission file
    (``[dispersions.parameters]``); ``floor`` bounds the result from below
    (a delay cannot make a time negative); ``convert`` is as :class:`Key`'s
    (``deg``: the input is in degrees, the field in radians).
    """

    input: str
    op: str
    floor: float | None = None
    convert: str | None = None


Source = Key | Derived | Fixed | Preflight | Kernel


@dataclass(frozen=True, slots=True)
class Field:
    """One declared slot (``size`` consecutive slots) of a kernel array.

    ``name`` is the index constant the compiled code reads (``P_CD_SCALE``; a
    vector with ``axes="XYZ"`` also gets ``P_TGT_X`` ... for its components);
    ``unit`` is SI (``-`` for a pure number, ``enum`` for a code listed with
    its block); ``block`` names a sub-array with block-local indices of its
    own (the powered-descent block: ``PDP_*``).
    """

    name: str
    unit: str
    meaning: str
    source: Source | None = None
    size: int = 1
    disperse: tuple[Disperse, ...] = ()
    block: str | None = None
    axes: str = ""

    def __post_init__(self) -> None:
        if self.axes:  # a vector: one slot per axis, named {name}_{axis}
            object.__setattr__(self, "size", len(self.axes))

    @property
    def names(self) -> tuple[str, ...]:
        """Constant names of each slot: ``{name}_{axis}`` for a vector, else just ``name``."""
        if self.axes:
            return tuple(f"{self.name}_{a}" for a in self.axes)
        return (self.name,)


@dataclass(frozen=True, slots=True)
class Event:
    """An event slot the kernel records: its public name, or the derived quantity whose peak it is.

    ``peak`` names the ``A_*`` quantity whose maximum the slot records;
    ``key`` and ``scale`` give the peak's entry in a result's ``peaks``
    (SI value times ``scale``). ``public`` is the name in timelines, JSON and
    the Monte Carlo table (None: not reported as an event).
    """

    name: str
    meaning: str
    public: str | None = None
    peak: str | None = None
    key: str | None = None
    scale: float = 1.0


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the reduction's output, per event or per body (``event.NAME.<name>``).

    ``table`` says whether it goes to the Monte Carlo table (``cases.parquet``)
    or only to a single run's timeline and hardware list.
    """

    name: str
    unit: str
    meaning: str
    table: bool = True
