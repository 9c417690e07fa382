"""The review's protocol file: schema, load, validate, defaults, render.

The protocol is a human-edited YAML file (``protocol.yaml`` in the review folder) holding the
question, eligibility criteria, the stages with how many independent reviewers each needs and
their exclusion reasons, and the team with their roles. Every command reloads it, so an edit
takes effect at once; an invalid edit gets one clear error naming the file and line.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sysreview.errors import InvalidInput, ProtocolError
from sysreview.files import write_file_atomically
from sysreview.search.section import SearchSection

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PROTOCOL_FILENAME = "protocol.yaml"
SCHEMA_VERSION = 1

Role = Literal["owner", "reviewer", "arbiter", "viewer"]
ROLES: tuple[str, ...] = ("owner", "reviewer", "arbiter", "viewer")

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")

ScreeningOrder = Literal["ranked", "random", "imported"]
"""The order records are offered in at a stage: by predicted relevance, shuffled (seeded), or
as imported."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Criteria(_Strict):
    inclusion: list[str] = Field(default_factory=list)
    exclusion: list[str] = Field(default_factory=list)


class Highlights(_Strict):
    """Terms marked in titles and abstracts while screening (``*`` ends a word stem)."""

    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)


READING_THE_FILE = "reading_the_file"
"""Validation context key: the protocol being validated is the file a user edits (checks that
depend on this machine, such as an installed extra, apply only then)."""


class Stage(_Strict):
    """One screening stage; ``reviewers`` is how many independent judgements each record needs.

    ``blind`` hides reviewers' votes from each other until a record is settled; ``maybe`` says
    whether a "maybe" goes to the arbiter like a disagreement (``conflict``) or lets the record
    through (``include``); an exclusion needs one of ``exclusion_reasons`` when
    ``reason_required`` (by default, whenever the stage lists reasons). At a stage that
    ``requires_full_text``, a record whose report could not be retrieved is not assessed.
    ``order`` (and ``reviewer_order``, per reviewer) says how records are offered; where they
    are ranked, ``model`` names the ranking preset (none: sysreview's default).
    """

    name: str
    label: str
    reviewers: int = Field(default=2, ge=1, le=5)
    blind: bool = True
    maybe: Literal["conflict", "include"] = "conflict"
    exclusion_reasons: list[str] = Field(default_factory=list)
    reason_required: bool | None = None
    requires_full_text: bool = False
    order: ScreeningOrder = "ranked"
    reviewer_order: dict[str, ScreeningOrder] = Field(default_factory=dict)
    model: str | None = None

    def order_for(self, reviewer: str) -> ScreeningOrder:
        """The order ``reviewer`` screens in: their own setting, else the stage's."""
        return self.reviewer_order.get(reviewer, self.order)

    @property
    def needs_reason(self) -> bool:
        if self.reason_required is None:
            return bool(self.exclusion_reasons)
        return self.reason_required

    @field_validator("name")
    @classmethod
    def _name_is_an_identifier(cls, value: str) -> str:
        if not NAME_PATTERN.match(value):
            raise ValueError("a stage name is lower-case letters, digits, '_', '-' or '.'")
        return value

    @field_validator("model")
    @classmethod
    def _model_is_a_preset(cls, value: str | None, info: ValidationInfo) -> str | None:
        """A shipped preset; when the protocol file is read, also one whose optional part, if
        it needs one, is installed here, so a typo or a missing extra is reported with the file
        and line instead of failing in the background. The database's copy of a protocol is
        read on every team member's machine (listing their reviews): there a model whose extra
        this machine lacks is still a valid setting, not a broken review."""
        if value is None:
            return value
        from sysreview.ranking.presets import UNAVAILABLE, get_preset  # only when one is set

        if value in UNAVAILABLE and not (info.context or {}).get(READING_THE_FILE):
            return value
        try:
            get_preset(value)
        except InvalidInput as exc:
            raise ValueError(str(exc)) from None
        return value


class ExtractionField(_Strict):
    """One field of the extraction form; ``choice``/``multi`` take ``options``; a ``group``
    repeats its ``fields`` once per row (one row per outcome, per arm, ...)."""

    id: str
    label: str
    type: Literal["text", "number", "date", "choice", "multi", "yesno", "group"] = "text"
    options: list[str] = Field(default_factory=list)
    help: str = ""
    required: bool = False
    fields: list[ExtractionField] = Field(default_factory=list)

    @model_validator(mode="after")
    def _group_has_fields(self) -> ExtractionField:
        if self.type == "group" and not self.fields:
            raise ValueError(f"the group {self.id!r} needs the fields of its rows")
        if self.type != "group" and self.fields:
            raise ValueError(f"only a group field has fields of its own ({self.id!r})")
        if any(f.type == "group" for f in self.fields):
            raise ValueError(f"a group cannot hold another group ({self.id!r})")
        _no_repeats([f.id for f in self.fields], "group field")
        return self

    @field_validator("id")
    @classmethod
    def _id_is_an_identifier(cls, value: str) -> str:
        if not NAME_PATTERN.match(value):
            raise ValueError("a field id is lower-case letters, digits, '_', '-' or '.'")
        return value


class Extraction(_Strict):
    """The extraction form and its workflow: one extractor whose values ``verifiers`` accept
    or correct field by field (``verify``), or two independent extractors (``dual``)."""

    workflow: Literal["verify", "dual"] = "verify"
    verifiers: int = Field(default=1, ge=0, le=5)
    fields: list[ExtractionField] = Field(default_factory=list)


class Appraisal(_Strict):
    """How studies are appraised: ``dual`` (two appraisers answer independently, hidden from
    each other while ``blind`` until both are done, then agree a consensus) or ``single`` (one
    appraiser, whose answers are the final ones)."""

    mode: Literal["single", "dual"] = "dual"
    blind: bool = True


class Synthesis(_Strict):
    """How studies are coded: ``independent`` (several coders code the same studies; while
    ``blind``, each sees only their own coding, the owner and the arbiter all of it, until the
    owner ends blind coding, when the comparison and the discussion begin) or ``checked`` (one
    coder per study, whose excerpts ``checkers`` other team members agree with or dispute)."""

    mode: Literal["independent", "checked"] = "independent"
    blind: bool = False
    checkers: int = Field(default=1, ge=1, le=5)

    @model_validator(mode="after")
    def _checking_is_open(self) -> Synthesis:
        if self.mode == "checked" and self.blind:
            raise ValueError("checked coding cannot be blind: the checker reads the coding")
        return self


class Member(_Strict):
    user: str
    name: str = ""
    role: Role

    @field_validator("user")
    @classmethod
    def _user_is_a_login(cls, value: str) -> str:
        if not NAME_PATTERN.match(value):
            raise ValueError("a user name is lower-case letters, digits, '_', '-' or '.'")
        return value


class Protocol(_Strict):
    """The validated content of a protocol file."""

    version: int = SCHEMA_VERSION
    title: str = Field(min_length=1)
    question: str = ""
    criteria: Criteria = Field(default_factory=Criteria)
    highlights: Highlights = Field(default_factory=Highlights)
    search: SearchSection | None = None
    stages: list[Stage] = Field(min_length=1)
    extraction: Extraction = Field(default_factory=Extraction)
    appraisal: Appraisal = Field(default_factory=Appraisal)
    synthesis: Synthesis = Field(default_factory=Synthesis)
    team: list[Member] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Protocol:
        if self.version != SCHEMA_VERSION:
            raise ValueError(f"this sysreview reads protocol version {SCHEMA_VERSION}")
        _no_repeats([s.name for s in self.stages], "stage")
        _no_repeats([m.user for m in self.team], "team member")
        _no_repeats([f.id for f in self.extraction.fields], "extraction field")
        if not any(m.role == "owner" for m in self.team):
            raise ValueError("the team needs at least one member with role 'owner'")
        _orders_name_members(self.stages, {m.user for m in self.team})
        return self

    def role_of(self, user: str) -> str | None:
        """The role of ``user`` in this review, or None when not a member."""
        return next((m.role for m in self.team if m.user == user), None)

    def stage(self, name: str) -> Stage:
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise ProtocolError(f"the protocol has no stage named {name!r}")


def _orders_name_members(stages: Sequence[Stage], members: set[str]) -> None:
    for stage in stages:
        for user in stage.reviewer_order:
            if user not in members:
                raise ValueError(
                    f"stage {stage.name!r}: reviewer_order names {user!r}, who is not in the team"
                )


def _no_repeats(names: Sequence[str], what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"{what} {name!r} appears twice")
        seen.add(name)


def default_protocol(title: str, owner: str) -> Protocol:
    """The protocol ``sysreview init`` writes: two screening stages, two reviewers each."""
    return Protocol(
        title=title,
        question="",
        criteria=Criteria(),
        stages=[
            Stage(name="title_abstract", label="Title and abstract screening", reviewers=2),
            Stage(
                name="full_text",
                label="Full-text assessment",
                reviewers=2,
                exclusion_reasons=["Wrong population", "Wrong intervention", "Wrong outcomes"],
                requires_full_text=True,
            ),
        ],
        team=[Member(user=owner, role="owner")],
    )


def parse_protocol(text: str, filename: str) -> Protocol:
    """Validate protocol text, raising ProtocolError with the line of the first problem.

    Every request and command reads the protocol, so the validated result is kept per text
    (an edited file is new text, so edits are still picked up) and each caller gets its own copy.
    """
    return _parsed_protocol(text, filename).model_copy(deep=True)


@functools.lru_cache(maxsize=32)
def _parsed_protocol(text: str, filename: str) -> Protocol:
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ProtocolError(f"not valid YAML: {problem}", file=filename, line=line) from None
    if not isinstance(data, dict):
        raise ProtocolError("the protocol must be a mapping of settings", file=filename, line=1)
    try:
        return Protocol.model_validate(data, context={READING_THE_FILE: True})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        line = _line_of(yaml.compose(text, Loader=_YAML_LOADER), first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        label = f"{where}: " if where else ""
        raise ProtocolError(f"{label}{message}", file=filename, line=line) from None


def _line_of(node: yaml.Node | None, path: Sequence[Any]) -> int | None:
    """The 1-based line of the YAML node at ``path``, or of its nearest existing parent."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for step in path:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == step), None)
            if child is None:
                key = next((k for k, _ in node.value if k.value == step), None)
                child = key
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            child = node.value[step] if step < len(node.value) else None
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def load_protocol(folder: Path) -> tuple[Protocol, str]:
    """Load and validate ``folder/protocol.yaml``; returns the protocol and its SHA-256."""
    path = folder / PROTOCOL_FILENAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProtocolError(
            "no protocol file here: is this a review folder? (create one with sysreview init)",
            file=str(path),
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProtocolError("the file is not UTF-8 text", file=str(path), line=line) from None
    return parse_protocol(text, str(path)), hashlib.sha256(raw).hexdigest()


_HEADER = """\
# sysreview protocol: the review's question, criteria, stages and team.
# Edit freely; every sysreview command reloads this file and reports the file and line of
# anything it cannot accept. Passwords are never kept here: see `sysreview user add`.
"""

_COMMENTS = {
    "criteria": "# Eligibility criteria, shown to reviewers beside every record.",
    "highlights": "# Terms highlighted while screening: green for include, red for exclude.",
    "search": (
        "# The search strategy: concept blocks of terms (keyword, heading or near), or `source`\n"
        "# text in one `syntax`; and the databases searched, each with its platform and syntax."
    ),
    "stages": (
        "# Screening stages in order. `reviewers` is how many independent judgements a record\n"
        "# needs; `blind` hides their votes from each other until a record is settled; `maybe`\n"
        "# is `conflict` (goes to the arbiter) or `include` (passes on); `exclusion_reasons` are\n"
        "# the reasons reviewers pick from when they exclude (required when listed); `order` is\n"
        "# ranked (by predicted relevance), random or imported; `reviewer_order` sets one per\n"
        "# user; `model` names the ranking model (`sysreview ranking models`; default if absent)."
    ),
    "extraction": (
        "# The data extraction form (fields: text, number, date, choice, multi, yesno, and group\n"
        "# with `fields` of its own, repeated once per row) and its\n"
        "# workflow: `verify` (one extractor, `verifiers` accept or correct each field) or `dual`."
    ),
    "appraisal": (
        "# Quality appraisal: `mode` dual (two appraisers, `blind` to each other until both are\n"
        "# done, then a consensus) or single (one appraiser's answers are final)."
    ),
    "synthesis": (
        "# Thematic coding: `mode` independent (several coders; with `blind: true` each sees only\n"
        "# their own coding until the owner ends it: sysreview synthesis unblind) or checked (one\n"
        "# coder per study; `checkers` others agree with or dispute each excerpt)."
    ),
    "team": (
        "# Team and roles: owner (manages the review), reviewer (screens, extracts, appraises),\n"
        "# arbiter (third reviewer who resolves conflicts), viewer (reads only)."
    ),
}


def render_protocol(protocol: Protocol) -> str:
    """Protocol as commented YAML; parse_protocol(render_protocol(p)) == p."""
    data = protocol.model_dump(mode="json")
    parts = [_HEADER]
    for key, value in data.items():
        if value is None:
            continue
        if key in _COMMENTS:
            parts.append("\n" + _COMMENTS[key] + "\n")
        dumped = yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True, width=96)
        parts.append(dumped)
    return "".join(parts)


def write_protocol(folder: Path, protocol: Protocol) -> Path:
    """Write the protocol file durably: temporary file, fsync, rename."""
    path = folder / PROTOCOL_FILENAME
    write_file_atomically(path, render_protocol(protocol).encode("utf-8"))
    return path
