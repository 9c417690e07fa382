"""Named presets: which feature extractor, balancer, classifier and querier work together.

A preset is configuration, not code: a name a protocol file or a report can cite, read from a
data file shipped in ``presets/`` (see :mod:`sysreview.ranking.preset_files` for the format),
and a factory that builds a fresh :class:`~sysreview.ranking.model.ActiveLearningModel` for a
seed. ``elas_u4`` reproduces ASReview's default model so the two can be compared inside
sysreview; ``DEFAULT_PRESET`` is the one chosen by measurement (``benchmarks/ranking_benchmark.py``;
the reasons for its settings are written in its file).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sysreview.errors import InvalidInput
from sysreview.ranking import DEFAULT_PRESET
from sysreview.ranking.model import ActiveLearningModel
from sysreview.ranking.preset_files import (
    BALANCERS,
    CLASSIFIERS,
    FEATURE_EXTRACTORS,
    PRESUMED_IRRELEVANT,
    QUERIERS,
    PresetError,
    PresetSpec,
    load_preset_files,
    shipped_preset_files,
)

__all__ = [
    "BALANCERS",
    "CLASSIFIERS",
    "DEFAULT_PRESET",
    "FEATURE_EXTRACTORS",
    "PRESETS",
    "PRESUMED_IRRELEVANT",
    "QUERIERS",
    "UNAVAILABLE",
    "Preset",
    "PresetError",
    "build_model",
    "get_preset",
    "presets_from",
]


@dataclass(frozen=True)
class Preset:
    """A named model: ``build(random_state)`` gives a fresh, unfitted model."""

    name: str
    label: str
    description: str
    build: Callable[[int], ActiveLearningModel]


def presets_from(specs: Iterable[PresetSpec]) -> dict[str, Preset]:
    """Presets by name, the default first and the rest by name."""
    made = {
        spec.name: Preset(spec.name, spec.label, spec.description, spec.build) for spec in specs
    }
    return dict(sorted(made.items(), key=lambda item: (item[0] != DEFAULT_PRESET, item[0])))


_SHIPPED = load_preset_files(shipped_preset_files())
PRESETS: dict[str, Preset] = presets_from(spec for spec in _SHIPPED if spec.available)
UNAVAILABLE: dict[str, str] = {
    spec.name: spec.requires or "" for spec in _SHIPPED if not spec.available
}
"""Shipped presets whose extra is not installed: name -> the extra to install."""
if DEFAULT_PRESET not in PRESETS:  # pragma: no cover - a broken installation
    raise PresetError(f"the default preset {DEFAULT_PRESET!r} is not among the shipped presets")


def get_preset(name: str) -> Preset:
    """The preset called ``name``, or an error listing the ones that exist."""
    if name in UNAVAILABLE:
        raise InvalidInput(
            f"the ranking model {name!r} needs an optional part: "
            f"pip install 'sysreview[{UNAVAILABLE[name]}]'"
        )
    try:
        return PRESETS[name]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise InvalidInput(f"unknown ranking model {name!r}; choose one of: {known}") from None


def build_model(name: str, random_state: int = 0) -> ActiveLearningModel:
    """A fresh, unfitted model of preset ``name`` seeded with ``random_state``."""
    return get_preset(name).build(random_state)
