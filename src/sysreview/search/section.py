"""The protocol's ``search`` section: the strategy as data, and the databases searched.

The strategy is written either as blocks of terms in YAML or as ``source`` text in one
database's ``syntax``; either way it is validated when the protocol loads, so a mistake gets
the protocol file's line. Each database names its platform and syntax (and the thesaurus of
its subject headings where the syntax does not say), which is what PRISMA-S asks to report.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_serializer, model_validator

from sysreview.errors import InvalidInput
from sysreview.search import parse_strategy
from sysreview.search.model import Strategy, from_data, strategy_version, to_data

FieldName = Literal["title", "abstract", "title_abstract", "title_abstract_keywords", "all"]
Vocabulary = Literal["mesh", "emtree", "apa", "eric", "ebsco"]
SyntaxName = Literal["pubmed", "ovid", "ebsco", "embase", "scopus", "wos", "cochrane"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_serializer(mode="wrap")
    def _without_empty(self, handler: Any) -> dict[str, Any]:
        """Leave out unset optional values, so the protocol file stays short."""
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if v is not None and v != [] and v != ""}


class SearchTerm(_Strict):
    """One term: ``keyword`` (word or phrase, ``*`` truncates), ``heading`` (with
    ``vocabulary``, ``explode``, ``major``) or ``near`` (two lists of alternatives within
    ``distance`` words, ``ordered`` or not)."""

    keyword: str | None = None
    heading: str | None = None
    near: list[list[str]] | None = None
    field: FieldName | None = None
    vocabulary: Vocabulary | None = None
    explode: bool | None = None
    major: bool | None = None
    distance: int | None = Field(default=None, ge=0, le=255)
    ordered: bool | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> SearchTerm:
        kinds = [k for k in ("keyword", "heading", "near") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("a term is exactly one of keyword, heading or near")
        if self.near is not None and len(self.near) != 2:
            raise ValueError("near takes two lists of words: [[peer, buddy], [mentor*]]")
        return self


class SearchBlock(_Strict):
    """A concept block; ``operator`` joins it to the blocks before it."""

    name: str = ""
    operator: Literal["AND", "OR", "NOT"] = "AND"
    terms: list[SearchTerm] = Field(min_length=1)


class SearchLimits(_Strict):
    year_from: int | None = Field(default=None, ge=1000, le=9999)
    year_to: int | None = Field(default=None, ge=1000, le=9999)
    languages: list[str] = Field(default_factory=list)
    publication_types: list[str] = Field(default_factory=list)


class SearchDatabase(_Strict):
    """A database searched: ``name`` (MEDLINE), ``platform`` (Ovid), the ``syntax`` its
    strategy is written in, the ``vocabulary`` of its headings, and its ``coverage`` dates."""

    name: str = Field(min_length=1)
    platform: str = ""
    syntax: SyntaxName
    vocabulary: Vocabulary | None = None
    coverage: str = ""


class SearchSection(_Strict):
    """The strategy (``blocks``, or ``source`` in ``syntax``), its limits, the databases."""

    blocks: list[SearchBlock] = Field(default_factory=list)
    source: str = ""
    syntax: SyntaxName | None = None
    vocabulary: Vocabulary | None = None
    limits: SearchLimits = Field(default_factory=SearchLimits)
    databases: list[SearchDatabase] = Field(default_factory=list)

    @model_validator(mode="after")
    def _strategy_readable(self) -> SearchSection:
        if bool(self.blocks) == bool(self.source):
            raise ValueError("give the strategy either as blocks or as source text, not both")
        if self.source and self.syntax is None:
            raise ValueError("say which syntax the source is written in (syntax: ovid, ...)")
        try:
            self.strategy()
        except InvalidInput as exc:
            raise ValueError(f"the strategy cannot be read: {exc}") from None
        return self

    def strategy(self) -> Strategy:
        """The strategy as the model: from the blocks, or parsed from the source text."""
        if self.source:
            assert self.syntax is not None
            parsed = parse_strategy(self.source, self.syntax, self.vocabulary).strategy
            if not self.limits.model_dump():
                return parsed
            return from_data({**to_data(parsed), "limits": self.limits.model_dump()})
        data = {
            "blocks": [b.model_dump() for b in self.blocks],
            "limits": self.limits.model_dump(),
        }
        return from_data(data)

    def version(self) -> str:
        return strategy_version(self.strategy())


def section_from_strategy(
    strategy: Strategy, databases: list[SearchDatabase] | None = None
) -> SearchSection:
    """The section holding ``strategy`` as blocks (how the web editor saves it)."""
    data = to_data(strategy)
    return SearchSection.model_validate(
        {
            "blocks": data["blocks"],
            "limits": data["limits"],
            "databases": [d.model_dump() for d in databases or []],
        }
    )
