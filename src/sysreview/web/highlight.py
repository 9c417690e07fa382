"""Marking the protocol's highlight terms in titles and abstracts while screening.

Returns plain segments; the template marks the matching ones, autoescaped like all text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sysreview.protocol import Highlights


@dataclass(frozen=True)
class Segment:
    """A run of text, marked ``inc`` or ``exc`` when it matched a highlight term."""

    text: str
    kind: str = ""


def _term_pattern(term: str) -> str:
    """A whole-word, case-blind match; a trailing ``*`` matches any word ending."""
    words = term.rstrip("*").split()
    body = r"\s+".join(re.escape(word) for word in words)
    return r"(?<!\w)" + body + (r"\w*" if term.endswith("*") else r"(?!\w)")


@dataclass(frozen=True)
class Highlighter:
    """The protocol's highlight terms as one pattern, longest term first."""

    pattern: re.Pattern[str] | None
    kinds: dict[str, str]

    @classmethod
    def of(cls, highlights: Highlights) -> Highlighter:
        terms = [(t.strip(), "inc") for t in highlights.include]
        terms += [(t.strip(), "exc") for t in highlights.exclude]
        terms = sorted(
            (tk for tk in terms if tk[0].rstrip("*").strip()), key=lambda tk: -len(tk[0])
        )
        if not terms:
            return cls(None, {})
        pattern = "|".join(f"(?P<t{i}>{_term_pattern(t)})" for i, (t, _) in enumerate(terms))
        return cls(
            re.compile(pattern, re.IGNORECASE), {f"t{i}": k for i, (_, k) in enumerate(terms)}
        )

    def segments(self, text: str) -> list[Segment]:
        if self.pattern is None or not text:
            return [Segment(text)] if text else []
        out: list[Segment] = []
        position = 0
        for match in self.pattern.finditer(text):
            if match.start() > position:
                out.append(Segment(text[position : match.start()]))
            out.append(Segment(match.group(), self.kinds[match.lastgroup or ""]))
            position = match.end()
        if position < len(text):
            out.append(Segment(text[position:]))
        return out
