"""Ranking presets as data: one YAML file per preset in ``presets/``, read and checked here.

A preset file names its four components by their registered ``type`` and gives their
parameters; anything else is refused with the file and line, so a typo in a parameter cannot
silently fall back to a default. Every value is checked against the type of that parameter's
default in the component's ``__init__`` (a number for a number, ``[low, high]`` for a range),
and ``random_state`` is never written in a file: the seed is given when a model is built.

    name: tfidf_svm                  # the file's name without .yaml
    label: TF-IDF + SVM              # what a reviewer reads
    description: ...
    requires: embeddings             # only for a preset that needs an optional extra
    feature_extractor: {type: tfidf, ngram_range: [1, 2]}
    balancer: {type: balanced, ratio: 9.8}
    classifier: {type: svm, C: 0.5}
    querier: {type: max}
    presumed_irrelevant: {type: far_from_relevant, count: 30}   # optional; absent: none
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from sysreview.errors import ProtocolError
from sysreview.ranking import embeddings
from sysreview.ranking.balancers import Balanced, Unbalanced
from sysreview.ranking.classifiers import LinearSVM, Logistic, NaiveBayes
from sysreview.ranking.features import WordCharComponents, WordCharTfidf, WordTfidf
from sysreview.ranking.model import ActiveLearningModel
from sysreview.ranking.presumed import FarFromRelevant, NoPresumedIrrelevant
from sysreview.ranking.queriers import MaxQuerier, RandomQuerier

FEATURE_EXTRACTORS: dict[str, type] = {
    "tfidf": WordTfidf,
    "words_chars": WordCharTfidf,
    "words_char_components": WordCharComponents,
}
BALANCERS: dict[str, type] = {"balanced": Balanced, "none": Unbalanced}
CLASSIFIERS: dict[str, type] = {"svm": LinearSVM, "logistic": Logistic, "nb": NaiveBayes}
QUERIERS: dict[str, type] = {"max": MaxQuerier, "random": RandomQuerier}
PRESUMED_IRRELEVANT: dict[str, type] = {
    "none": NoPresumedIrrelevant,
    "far_from_relevant": FarFromRelevant,
}
"""Every registered component by kind (stopping rules are in ``stoppers.STOPPERS``): the
conformance tests run over all of them, so a new component is tested by registering it."""

OPTIONAL_FEATURE_EXTRACTORS: dict[str, tuple[type, str]] = {
    "minilm": (embeddings.SentenceEmbeddings, embeddings.EXTRA)
}
"""Extractors that need an extra (type -> class, extra): a file using one must say
``requires: <extra>``; they join :data:`FEATURE_EXTRACTORS` (and its tests) once installed."""
EXTRAS = {embeddings.EXTRA: embeddings.available}
if embeddings.available():
    FEATURE_EXTRACTORS["minilm"] = embeddings.SentenceEmbeddings

COMPONENTS: dict[str, dict[str, type]] = {
    "feature_extractor": {
        **FEATURE_EXTRACTORS,
        **{name: cls for name, (cls, _) in OPTIONAL_FEATURE_EXTRACTORS.items()},
    },
    "balancer": BALANCERS,
    "classifier": CLASSIFIERS,
    "querier": QUERIERS,
    "presumed_irrelevant": PRESUMED_IRRELEVANT,
}
OPTIONAL_COMPONENTS: dict[str, dict[str, Any]] = {"presumed_irrelevant": {"type": "none"}}
"""Component kinds a file may leave out, and what stands in for them."""
TEXT_KEYS = ("name", "label", "description")


class PresetError(ProtocolError):
    """A preset file that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class PresetSpec:
    """A preset as its file describes it: texts, and each component's type and parameters."""

    name: str
    label: str
    description: str
    components: dict[str, tuple[str, dict[str, Any]]]
    file: str
    requires: str | None = None

    @property
    def available(self) -> bool:
        """Whether the extra it needs (if any) is installed."""
        return self.requires is None or EXTRAS[self.requires]()

    def build(self, random_state: int = 0) -> ActiveLearningModel:
        """A fresh, unfitted model, every random part seeded with ``random_state``."""
        parts = {
            kind: _component(COMPONENTS[kind][type_name], params, random_state)
            for kind, (type_name, params) in self.components.items()
        }
        return ActiveLearningModel(random_state=random_state, **parts)


def _component(cls: type, params: Mapping[str, Any], random_state: int) -> Any:
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
    if "random_state" in inspect.signature(cls).parameters:
        values["random_state"] = random_state
    return cls(**values)


# ------------------------------------------------------------------------------- reading


def shipped_preset_files() -> list[Traversable]:
    """The preset files that come with sysreview, by file name."""
    folder = resources.files("sysreview.ranking") / "presets"
    return sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".yaml")),
        key=lambda entry: entry.name,
    )


def load_preset_files(files: Iterable[Traversable | Path]) -> list[PresetSpec]:
    """Read and check every file; two files naming the same preset are refused."""
    specs: list[PresetSpec] = []
    seen: dict[str, str] = {}
    for file in files:
        spec = load_preset_file(file)
        if spec.name in seen:
            raise PresetError(
                f"preset {spec.name!r} is also defined in {seen[spec.name]}", file=spec.file, line=1
            )
        seen[spec.name] = spec.file
        specs.append(spec)
    return specs


def load_preset_file(file: Traversable | Path) -> PresetSpec:
    """One preset file, checked; a PresetError names the file and line of the first problem."""
    where = str(file)
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise PresetError("the file is not UTF-8 text", file=where) from None
    except OSError as exc:
        raise PresetError(f"cannot read the file: {exc.strerror}", file=where) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        line = mark.line + 1 if mark is not None else None
        raise PresetError(f"not valid YAML: {problem}", file=where, line=line) from None
    if not isinstance(data, dict) or root is None:
        raise PresetError("a preset file is a mapping of settings", file=where, line=1)
    return _checked(data, _Lines(root, where), Path(file.name).stem)


class _Lines:
    """Finds the line of a key (or its value) in the composed YAML, for error messages."""

    def __init__(self, root: yaml.Node, file: str) -> None:
        self.root, self.file = root, file

    def error(self, message: str, *path: str) -> PresetError:
        node, line = self.root, self.root.start_mark.line + 1
        for step in path:
            if not isinstance(node, yaml.MappingNode):
                break
            pair = next(((k, v) for k, v in node.value if k.value == step), None)
            if pair is None:
                break
            node, line = pair[1], pair[0].start_mark.line + 1
        return PresetError(message, file=self.file, line=line)


def _checked(data: dict[str, Any], lines: _Lines, stem: str) -> PresetSpec:
    for key in data:
        if key not in (*TEXT_KEYS, *COMPONENTS, "requires"):
            known = ", ".join((*TEXT_KEYS, *COMPONENTS, "requires"))
            raise lines.error(f"unknown setting {key!r}; a preset has: {known}", str(key))
    for key in (*TEXT_KEYS, *COMPONENTS):
        if key not in data and key not in OPTIONAL_COMPONENTS:
            raise lines.error(f"the preset needs {key!r}")
    for key in TEXT_KEYS:
        if not isinstance(data[key], str) or not data[key].strip():
            raise lines.error(f"{key!r} must be a non-empty text", key)
    if data["name"] != stem:
        raise lines.error(
            f"the preset's name {data['name']!r} must match its file name {stem!r}", "name"
        )
    requires = data.get("requires")
    if requires is not None and requires not in EXTRAS:
        raise lines.error(
            f"requires names an unknown extra; known: {', '.join(EXTRAS)}", "requires"
        )
    components = {
        kind: _component_spec(kind, data.get(kind, OPTIONAL_COMPONENTS.get(kind)), lines)
        for kind in COMPONENTS
    }
    type_name = components["feature_extractor"][0]
    needed = OPTIONAL_FEATURE_EXTRACTORS.get(type_name, (None, None))[1]
    if needed is not None and requires != needed:
        raise lines.error(
            f"feature_extractor {type_name!r} needs the {needed!r} extra: add 'requires: {needed}'",
            "feature_extractor",
            "type",
        )
    return PresetSpec(
        data["name"],
        data["label"].strip(),
        data["description"].strip(),
        components,
        lines.file,
        requires,
    )


def _component_spec(kind: str, value: Any, lines: _Lines) -> tuple[str, dict[str, Any]]:
    registry = COMPONENTS[kind]
    if not isinstance(value, dict) or "type" not in value:
        raise lines.error(f"{kind} needs a 'type' (one of: {', '.join(registry)})", kind)
    type_name = value["type"]
    if type_name not in registry:
        raise lines.error(
            f"unknown {kind} type {type_name!r}; choose one of: {', '.join(registry)}", kind, "type"
        )
    accepted = inspect.signature(registry[type_name]).parameters
    params = {k: v for k, v in value.items() if k != "type"}
    for key, given in params.items():
        parameter = accepted.get(str(key))
        if parameter is None or key in ("self", "random_state"):
            names = [n for n in accepted if n not in ("self", "random_state")]
            allowed = ", ".join(names) or "no parameters"
            raise lines.error(
                f"{kind} {type_name!r} has no parameter {key!r} (it takes: {allowed})",
                kind,
                str(key),
            )
        problem = _type_problem(given, parameter.default)
        if problem:
            raise lines.error(f"{kind} {type_name!r}: {key} {problem}", kind, str(key))
    return str(type_name), params


def _type_problem(value: Any, default: Any) -> str | None:
    """Why ``value`` cannot stand where ``default`` does, or None when it can."""
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "must be true or false"
    if isinstance(default, int | float):
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
        return None if ok else "must be a number, zero or more"
    if isinstance(default, tuple):
        ok = (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value)
            and value[0] <= value[1]
        )
        return None if ok else "must be a range [low, high] of whole numbers from 1"
    if isinstance(default, str):
        return None if isinstance(value, str) else "must be a text"
    return None
