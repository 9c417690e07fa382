"""One pair of records → a score, the evidence behind it, and a decision.

The decision is rule-based on purpose: a reviewer must be able to read why two records were
merged. Identifiers are strong evidence but not blind truth (supplement and erratum DOIs
collide), so a shared DOI still needs agreeing titles. A pair is merged automatically only
when its title agrees *and* independent evidence supports it *and* nothing contradicts it;
known traps (erratum vs article, part 1 vs part 2, …) are never merged unless a setting says
so. Everything in between is suggested to a person.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rapidfuzz import fuzz

from sysreview.dedup.normalise import Keys, journals_compatible
from sysreview.dedup.settings import DedupSettings

__all__ = ["AUTO", "DISTINCT", "SUGGEST", "Comparer", "DedupSettings", "PairVerdict"]

AUTO = "auto"
SUGGEST = "suggest"
DISTINCT = "distinct"

_TRAP_WORDS = {
    "erratum": "an erratum or correction",
    "retraction": "a retraction notice",
    "comment": "a comment or letter",
    "reply": "a reply",
    "conference_abstract": "a conference abstract",
    "update": "an update",
}


@dataclass(frozen=True, slots=True)
class PairVerdict:
    """What :meth:`Comparer.compare` concluded about a pair.

    ``linkable`` is False when the pair must never end up in one automatic group (a trap,
    a contradiction, or no likeness at all): grouping uses it to refuse chains.
    """

    score: float
    evidence: tuple[str, ...]
    decision: str
    linkable: bool


_STRONG, _PARTIAL, _SIMILAR, _WEAK, _NONE = 4, 3, 2, 1, 0


@dataclass(slots=True)
class _Tally:
    """Evidence gathered for one pair: human-readable lines and a log-odds weight."""

    lines: list[str]
    weight: float = 0.0
    conflicts: int = 0
    traps: int = 0

    def add(self, line: str, weight: float) -> None:
        self.lines.append(line)
        self.weight += weight

    def conflict(self, line: str, weight: float) -> None:
        self.add(line, weight)
        self.conflicts += 1

    def trap(self, line: str) -> None:
        self.add(line, -4.0)
        self.traps += 1


class Comparer:
    """Compares two records' :class:`Keys`; parameters only in ``__init__``."""

    def __init__(self, settings: DedupSettings | None = None) -> None:
        self.settings = settings or DedupSettings()

    def compare(self, a: Keys, b: Keys) -> PairVerdict:
        """Score, evidence and decision for one pair; symmetric in ``a`` and ``b``."""
        if _plainly_different(a, b, self.settings.suggest_title):
            return _DIFFERENT
        tally = _Tally(lines=[])
        identified = _identifiers(a, b, tally)
        level = self._title(a, b, tally)
        _title_numbers(a, b, tally, identified)
        authors = _authors(a, b, tally, identified)
        same_year = self._year(a, b, tally, identified)
        located = _locators(a, b, tally, identified)
        self._traps(a, b, tally)
        score = 1.0 / (1.0 + math.exp(-(tally.weight - 4.0)))
        decision = self._decide(a, b, tally, identified, level, authors, same_year, located)
        if decision == AUTO:
            score = max(score, 0.9)
        linkable = tally.traps == 0 and tally.conflicts == 0 and decision != DISTINCT
        return PairVerdict(round(score, 4), tuple(tally.lines), decision, linkable)

    def _title(self, a: Keys, b: Keys, tally: _Tally) -> int:
        """How well the titles agree, from _NONE to _STRONG, with its evidence line."""
        if not a.title or not b.title:
            tally.add("a record has no title", 0.0)
            return _NONE
        ratio = fuzz.ratio(a.title, b.title) / 100.0
        generic = a.generic or b.generic
        auto = self.settings.auto_title
        if ratio >= auto:
            tally.add(
                f"titles {ratio:.2f} similar" + (" (a generic title)" if generic else ""),
                1.0 if generic else 4.0,
            )
            return _STRONG
        alt = _best_alt(a, b)
        if alt >= auto:
            tally.add(f"a translated title matches ({alt:.2f})", 4.0)
            return _STRONG
        if _truncated(a, b):
            tally.add("one title is the other cut short", 4.0)
            return _STRONG
        if _subtitle_dropped(a, b):
            tally.add("titles agree but for a subtitle", 2.5)
            return _PARTIAL
        if ratio >= self.settings.suggest_title:
            tally.add(f"titles {ratio:.2f} similar", 12.0 * (ratio - 0.75))
            return _SIMILAR
        tally.add(f"titles differ ({ratio:.2f} similar)", max(-4.0, 12.0 * (ratio - 0.75)))
        return _WEAK if ratio >= 0.5 else _NONE

    def _year(self, a: Keys, b: Keys, tally: _Tally, identified: bool) -> bool:
        """True when the years agree (or one is missing); flags the different-year trap."""
        if a.year is None or b.year is None:
            return True
        gap = abs(a.year - b.year)
        if gap == 0:
            tally.add("same year", 0.5)
            return True
        if gap == 1 and (identified or _same_place(a, b)):
            tally.add("years differ by one at the same place (online vs print year)", -0.5)
            return True
        if self.settings.merge_different_years:
            tally.add(f"years differ ({a.year} vs {b.year})", -1.0)
            return gap == 1
        if gap == 1:
            tally.trap(f"same title, different year ({a.year} vs {b.year})")
        else:
            tally.conflict(f"years differ ({a.year} vs {b.year})", -3.0)
        return False

    def _traps(self, a: Keys, b: Keys, tally: _Tally) -> None:
        """Flag the kinds of record that share a title with an article without being it."""
        for kind in sorted(a.kinds ^ b.kinds):
            if not self.settings.merges_kind(kind):
                tally.trap(f"one is {_TRAP_WORDS.get(kind, kind)}")
        if a.part != b.part and not self.settings.merge_series_parts:
            if a.part and b.part:
                tally.trap(f"different parts of a series (part {a.part} vs part {b.part})")
            else:
                tally.trap(f"one is part {a.part or b.part} of a series")

    def _decide(
        self,
        a: Keys,
        b: Keys,
        tally: _Tally,
        identified: bool,
        level: int,
        authors: bool | None,
        same_year: bool,
        located: tuple[int, bool],
    ) -> str:
        """Auto only when the title agrees, evidence supports it and nothing contradicts."""
        agreeing, venue_conflict = located
        clean = tally.traps == 0 and tally.conflicts == 0
        if (
            clean
            and same_year
            and authors is not False
            and _auto(a, b, identified, level, authors, agreeing, venue_conflict)
        ):
            return AUTO
        return self._suggest_or_distinct(a, b, tally, identified, level, authors and same_year)

    def _suggest_or_distinct(
        self, a: Keys, b: Keys, tally: _Tally, identified: bool, level: int, people: bool | None
    ) -> str:
        """A pair worth a person's look: some likeness and at most one contradiction.

        Besides similar titles, that includes the same authors at the same place in the same
        year under different titles: most often a title translated by one database.
        """
        score = 1.0 / (1.0 + math.exp(-(tally.weight - 4.0)))
        if tally.conflicts > 1 or (tally.conflicts and (a.generic or b.generic or tally.traps)):
            return DISTINCT
        if people and not tally.conflicts and _same_place(a, b):
            return SUGGEST
        likeness = level >= _SIMILAR or (identified and (level >= _WEAK or bool(people)))
        if level == _NONE and identified and (not a.title or not b.title):
            likeness = True
        trap_only = tally.traps and not tally.conflicts
        if likeness and (score >= self.settings.suggest_score or trap_only or identified):
            return SUGGEST
        return DISTINCT


def _auto(
    a: Keys,
    b: Keys,
    identified: bool,
    level: int,
    authors: bool | None,
    agreeing: int,
    venue_conflict: bool,
) -> bool:
    """The positive rule for an automatic merge, given no trap and no contradiction."""
    generic = a.generic or b.generic
    placed = _same_place(a, b)
    if level == _STRONG:
        if identified and (not generic or authors):
            return True
        if generic:
            return bool(placed and authors and a.issue == b.issue)
        if authors and agreeing >= 1:
            return True
        if authors is None and placed and a.year is not None and a.year == b.year:
            return True
        long_title = min(a.informative, b.informative) >= 6
        return bool(authors and long_title and not venue_conflict and a.year == b.year)
    if level == _PARTIAL:
        return bool((identified or placed) and authors and not generic)
    if level == _SIMILAR:
        return bool(identified and authors and agreeing >= 1 and not generic)
    return False


def _same_place(a: Keys, b: Keys) -> bool:
    """The same volume and first page, or the same full page range in the same venue."""
    if not a.first_page or a.first_page != b.first_page:
        return False
    if a.volume and a.volume == b.volume:
        return True
    return bool(a.last_page and a.last_page == b.last_page) and bool(
        a.journal and b.journal and _venue_agrees(a.journal, b.journal)
    )


_DIFFERENT = PairVerdict(0.0, ("titles differ",), DISTINCT, False)


def _plainly_different(a: Keys, b: Keys, cutoff: float) -> bool:
    """A cheap first look that settles most blocked pairs: nothing worth a person's look.

    True only for unlike titles (below ``cutoff``, the suggestion threshold) with no shared
    identifier, translated title, subtitle or truncation relation and no shared place: the
    full comparison would call such a pair distinct too.
    """
    if not a.title or not b.title or a.alt_titles or b.alt_titles:
        return False
    if (a.doi and a.doi == b.doi) or (a.pmid and a.pmid == b.pmid) or _same_place(a, b):
        return False
    if fuzz.ratio(a.title, b.title, score_cutoff=cutoff * 100.0):
        return False
    return not (_truncated(a, b) or _subtitle_dropped(a, b))


def _identifiers(a: Keys, b: Keys, tally: _Tally) -> bool:
    """True when a DOI or PMID is shared and none contradicts; records the evidence."""
    shared = False
    for name, x, y in (("DOI", a.doi, b.doi), ("PMID", a.pmid, b.pmid)):
        if x and y and x == y:
            tally.add(f"same {name}", 4.0)
            shared = True
        elif x and y:
            tally.conflict(f"different {name}s", -4.0)
    return shared and tally.conflicts == 0


def _title_numbers(a: Keys, b: Keys, tally: _Tally, identified: bool) -> None:
    """Numbers in titles are never typos: "type 1" vs "type 2", "study 3" vs "study 4".

    Titles whose numbers disagree (neither set holding the other, so a dropped subtitle or
    a cut title is no disagreement) describe different things. Differing series parts are
    left to the series trap.
    """
    if a.part != b.part:
        return
    x = {t for t in a.title_tokens if any(c.isdigit() for c in t)}
    y = {t for t in b.title_tokens if any(c.isdigit() for c in t)}
    if x == y or x <= y or y <= x:
        return
    line = f"titles differ in their numbers ({' '.join(sorted(x ^ y))})"
    if identified:
        tally.add(line, -1.0)
    else:
        tally.conflict(line, -3.0)


def _best_alt(a: Keys, b: Keys) -> float:
    """Best similarity between one record's bracketed (translated) title and the other's."""
    best = 0.0
    for alt, other in [(t, b) for t in a.alt_titles] + [(t, a) for t in b.alt_titles]:
        for candidate in (other.title, *other.alt_titles):
            if candidate:
                best = max(best, fuzz.ratio(alt, candidate) / 100.0)
    return best


def _truncated(a: Keys, b: Keys) -> bool:
    """True when one long title is the start of the other (exports cut titles at a length)."""
    short, full = sorted((a.title, b.title), key=len)
    return len(short.split()) >= 8 and full.startswith(short)


def _subtitle_dropped(a: Keys, b: Keys) -> bool:
    """True when one record gives only the main title the other record has a subtitle for."""
    pairs = ((a.title, b.main_title), (a.main_title, b.title))
    return any(bool(x and y) and len(x.split()) >= 2 and fuzz.ratio(x, y) >= 95.0 for x, y in pairs)


def _authors(a: Keys, b: Keys, tally: _Tally, identified: bool) -> bool | None:
    """True when the author lists agree, False when they share nobody, None when unknown."""
    if not a.authors or not b.authors:
        return None
    short_k, full_k = sorted((a, b), key=lambda k: len(k.authors[:12]))
    short, full = short_k.authors[:12], full_k.authors[:12]
    known = set(full) | set(full_k.given)
    found = sum(
        1
        for name, given in zip(short, short_k.given, strict=False)
        if name in known or (given and given in full) or _name_in(name, full)
    )
    first = a.first_author == b.first_author or fuzz.ratio(a.first_author, b.first_author) >= 88
    if first and found * 2 >= len(short):
        tally.add("first author agrees" if len(short) == 1 else "authors agree", 2.0)
        return True
    if found * 2 >= len(short) and found >= 2:
        tally.add(f"{found} of {len(short)} authors agree", 1.5)
        return True
    if found == 0 and not identified:
        tally.conflict("no author in common", -3.0)
        return False
    tally.add(f"{found} of {len(short)} authors agree", -0.5)
    return None if identified else False


def _name_in(name: str, names: tuple[str, ...]) -> bool:
    """Whether a surname key appears among ``names``, allowing a one-letter slip."""
    return any(fuzz.ratio(name, other, score_cutoff=88) for other in names)


def _locators(a: Keys, b: Keys, tally: _Tally, identified: bool) -> tuple[int, bool]:
    """(how many of journal, volume, first page agree, whether the journals conflict).

    A shared identifier outranks a disagreeing page or volume: databases count pages and
    article numbers differently, but two different articles do not share a DOI *and* a title.
    """
    agreeing = 0
    venue_conflict = False
    if a.journal and b.journal:
        if _venue_agrees(a.journal, b.journal):
            tally.add("same journal", 0.5)
            agreeing += 1
        else:
            tally.add("journals differ", -0.5)
            venue_conflict = True
    for name, x, y, weight in (
        ("volume", a.volume, b.volume, 2.0),
        ("first page", a.first_page, b.first_page, 2.0),
    ):
        if not x or not y:
            continue
        if x == y:
            tally.add(f"same {name}", weight / 2)
            agreeing += 1
        elif identified or not _comparable(x, y):
            tally.add(f"{name}s differ ({x} vs {y})", -0.5)
        else:
            tally.conflict(f"{name}s differ ({x} vs {y})", -weight)
    if a.issue and b.issue and a.issue != b.issue and a.issue.isdigit() and b.issue.isdigit():
        if identified:
            tally.add(f"issues differ ({a.issue} vs {b.issue})", -0.5)
        else:
            tally.conflict(f"issues differ ({a.issue} vs {b.issue})", -1.5)
    return agreeing, venue_conflict


def _comparable(x: str, y: str) -> bool:
    """Whether two different volumes or pages really contradict each other.

    Plain numbers do, and so does a supplement page against a plain one ("S42" vs "1012");
    an article number against a page ("e0123" vs "1") is only a different way of counting.
    """
    if x.isdigit() and y.isdigit():
        return True
    supplement = (x[:1] == "s" and x[1:].isdigit() and y.isdigit()) or (
        y[:1] == "s" and y[1:].isdigit() and x.isdigit()
    )
    return supplement


def _venue_agrees(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One journal abbreviates the other, or one conference name holds the other's words
    ("IEEE International Conference on Systems, Man and Cybernetics (SMC)")."""
    if journals_compatible(a, b):
        return True
    short, full = sorted((set(a), set(b)), key=len)
    return len(short) >= 3 and short <= full
