"""Comparison keys: what de-duplication compares, computed once per record.

Databases write the same article differently: capitalisation, HTML entities, abbreviated
journals, "123-9" for "123-129", transliterated or accented names, a translated title in
brackets, a DOI as a URL. :func:`comparison_keys` removes those differences so that
:mod:`sysreview.dedup.compare` sees what the record *means*, and flags the kinds of record
(erratum, comment, reply, conference abstract, part N, update) that share a title with an
article without being it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from sysreview.dedup.kinds import GENERIC_TITLES, record_kinds, series_part
from sysreview.records import Record, clean_markup, normalise_doi, normalise_pmid

__all__ = [
    "Keys",
    "comparison_keys",
    "fold_text",
    "journal_tokens",
    "journals_compatible",
    "page_range",
    "surname_key",
]

_SPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff])")
_BRACKETED = re.compile(r"\[([^\[\]]*)\]")
_MAIN_TITLE_END = re.compile(r":\s|\s[-\u2013\u2014]+\s|[?!.]\s|\s=\s")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "for",
        "in",
        "on",
        "at",
        "to",
        "by",
        "with",
        "from",
        "as",
        "is",
        "are",
        "its",
        "into",
        "via",
        "de",
        "des",
        "la",
        "le",
        "les",
        "el",
        "los",
        "del",
        "der",
        "die",
        "das",
        "und",
        "fur",
        "zur",
        "zum",
        "von",
        "du",
        "et",
        "en",
    ]
)


@dataclass(frozen=True, slots=True)
class Keys:
    """The normalised view of one record that comparison and blocking use.

    ``title`` has bracketed parts removed (a database's translation or a section tag);
    ``alt_titles`` keeps them, so "English title [Original title]" can match either.
    ``kinds`` holds the trap flags; ``part`` the series part ("" when none). ``given`` holds
    each author's written-out given name, which a database may have swapped with the surname.
    """

    title: str
    main_title: str
    alt_titles: tuple[str, ...]
    title_tokens: tuple[str, ...]
    informative: int
    authors: tuple[str, ...]
    given: tuple[str, ...]
    year: int | None
    journal: tuple[str, ...]
    volume: str
    issue: str
    first_page: str
    last_page: str
    doi: str
    pmid: str
    kinds: frozenset[str]
    part: str
    non_latin: bool

    @property
    def first_author(self) -> str:
        """The first author's surname key, or "" when the record names no author."""
        return self.authors[0] if self.authors else ""

    @property
    def generic(self) -> bool:
        """A title that many different items carry ("Editorial"), so it identifies little."""
        return self.informative < 2 or self.title in GENERIC_TITLES


def fold_text(text: str) -> str:
    """Lower-case ASCII words: markup, accents, scripts, case and punctuation removed.

    ``anyascii`` transliterates non-Latin scripts, so a Cyrillic or Chinese title still has
    comparable words rather than an empty string.
    """
    plain = clean_markup(text)
    if not plain.isascii():
        plain = anyascii(_CJK.sub(r" \1 ", unicodedata.normalize("NFC", plain)))
    plain = plain.replace("&", " and ").casefold()
    plain = plain.replace("'", "")
    return _SPACE.sub(" ", _NON_WORD.sub(" ", plain)).strip()


def _title_parts(raw: str) -> tuple[str, str, tuple[str, ...]]:
    """(title without bracketed parts, its main title before a subtitle, bracketed titles).

    Scopus writes "English title [Original title]"; MEDLINE brackets a whole translated
    title ("[Effect of X on Y]."), in which case the bracketed text is the title.
    """
    plain = clean_markup(raw)
    inner = [fold_text(m) for m in _BRACKETED.findall(plain)]
    outer = _BRACKETED.sub(" ", plain).strip()
    if not fold_text(outer):
        outer = plain.replace("[", " ").replace("]", " ").strip()
        inner = []
    title = fold_text(outer)
    match = _MAIN_TITLE_END.search(outer)
    main = fold_text(outer[: match.start()]) if match else title
    alt = tuple(t for t in inner if len(t.split()) >= 3)
    return title, main, alt


_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "dos",
        "du",
        "la",
        "le",
        "ten",
        "ter",
        "zu",
        "st",
    ]
)
_UMLAUT_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))
_INITIALS = re.compile(r"^(?:[A-Z]{1,3}|(?:[A-Z]\.?[- ]?){1,4})$")
_NOT_AUTHORS = frozenset({"anonymous", "et al", "etal", "others", "and others", "unknown"})


def surname_key(name: str) -> str:
    """The surname of one author in any common export form, folded for comparison.

    Handles "Surname, Given", MEDLINE's "Surname AB", and "Given Surname"; particles are
    dropped and German umlaut spellings folded so Müller, Muller and Mueller agree.
    """
    return _name_keys(name)[0]


@lru_cache(maxsize=1 << 16)
def _name_keys(name: str) -> tuple[str, str]:
    """(surname key, given-name key); the given name only when written out (3+ letters).

    Cached: the same authors recur across a review's records.
    """
    name = name.strip()
    if not name or fold_text(name) in _NOT_AUTHORS:
        return "", ""
    if _CJK.match(name) and " " not in name and "," not in name:
        surname, given = name[0], name[1:]
    elif "," in name:
        surname, given = name.split(",", 1)
    else:
        tokens = (name if name.isascii() else anyascii(name)).split() or [""]
        if len(tokens) > 1 and _INITIALS.match(tokens[-1]):
            surname, given = " ".join(tokens[:-1]), ""
        else:
            surname, given = tokens[-1], " ".join(tokens[:-1])
    key = _fold_name(surname)
    if not key:
        return "", ""
    first_given = _fold_name(given.split()[0]) if given.split() else ""
    return key, first_given if len(first_given) >= 3 else ""


def _fold_name(text: str) -> str:
    folded = fold_text(text)
    if not folded or folded in _NOT_AUTHORS:
        return ""
    words = [w for w in folded.split() if w not in _PARTICLES] or folded.split()
    key = "".join(words)
    for digraph, vowel in _UMLAUT_DIGRAPHS:
        key = key.replace(digraph, vowel)
    return key


_VENUE_NOISE = frozenset({"proceedings", "proc", "vols", "vol"})


def journal_tokens(name: str) -> tuple[str, ...]:
    """Journal words without stopwords, numbers or "proceedings", so "The J. of X",
    "Journal of X" and "Proceedings of the 2010 X (X)" line up."""
    return tuple(
        t
        for t in fold_text(name).split()
        if t not in STOPWORDS and t not in _VENUE_NOISE and not any(c.isdigit() for c in t)
    )


def _abbreviates(short: str, full: str) -> bool:
    """True when ``short`` can be an abbreviation of ``full`` ("natl" of "national")."""
    if short == full:
        return True
    if not short or not full or short[0] != full[0] or len(short) > len(full):
        return False
    if full.startswith(short):
        return True
    position = 0
    for char in short:
        position = full.find(char, position) + 1
        if position == 0:
            return False
    return True


def journals_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """True when one journal name is the other, abbreviated word by word in order.

    "J Am Med Assoc" and "Journal of the American Medical Association" are compatible;
    "Journal of Information Systems" and "Journal of Management Information Systems" are
    not. Trailing extra words on the longer name are allowed (a subtitle or a place).
    """
    if not a or not b:
        return False
    short, full = (a, b) if len(a) <= len(b) else (b, a)
    if short == full[: len(short)]:
        return True
    return all(
        _abbreviates(x, y) if len(x) <= len(y) else _abbreviates(y, x)
        for x, y in zip(short, full, strict=False)
    )


_PAGE_SPLIT = re.compile(r"\s*(?:-+|\u2013|\u2014|\u2012|\sto\s)\s*")
_NO_PAGES = frozenset({"npag", "na", "n/a", "nd", "-"})


def page_range(pages: str) -> tuple[str, str]:
    """(first page, last page) with abbreviated ends expanded: "123-9" → ("123", "129").

    Letters are kept ("e1234", "S12") since an article number is as telling as a page.
    """
    text = pages.strip().lower().replace(" ", "")
    if not text or text.replace(".", "") in _NO_PAGES:
        return "", ""
    text = text.removeprefix("pp").removeprefix("p").lstrip(".")
    parts = [p for p in _PAGE_SPLIT.split(text) if p]
    if not parts:
        return "", ""
    first = parts[0].lstrip("0") or parts[0]
    last = parts[-1].lstrip("0") if len(parts) > 1 else ""
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return first, last


def _code(value: str) -> str:
    """Volume or issue reduced to its letters and digits ("Vol. 12" → "12", "Suppl 1" kept)."""
    folded = fold_text(value).replace("vol ", "").replace("no ", "")
    return folded.replace(" ", "")


def _has_non_latin(text: str) -> bool:
    """True when a title holds letters outside the Latin script (Cyrillic, CJK, Greek…)."""
    return any(
        c.isalpha() and not c.isascii() and "LATIN" not in unicodedata.name(c, "") for c in text
    )


def comparison_keys(record: Record) -> Keys:
    """Everything :mod:`compare` and :mod:`block` need about ``record``, normalised."""
    title, main, alt = _title_parts(record.title)
    tokens = tuple(title.split())
    journal = journal_tokens(record.journal or record.journal_abbrev)
    first, last = page_range(record.pages)
    issue = _code(record.issue)
    names = [n for n in (_name_keys(a) for a in record.authors[:25]) if n[0]]
    return Keys(
        title=title,
        main_title=main if main != title and len(main.split()) >= 2 else "",
        alt_titles=alt,
        title_tokens=tokens,
        informative=sum(1 for t in tokens if t not in STOPWORDS),
        authors=tuple(n[0] for n in names),
        given=tuple(n[1] for n in names),
        year=record.year,
        journal=journal,
        volume=_code(record.volume),
        issue=issue,
        first_page=first,
        last_page=last,
        doi=normalise_doi(record.doi),
        pmid=normalise_pmid(record.pmid),
        kinds=record_kinds(
            title,
            record.title,
            fold_text(record.publication_type),
            " ".join(journal),
            issue,
            _code(record.volume),
        ),
        part=series_part(title),
        non_latin=not record.title.isascii() and _has_non_latin(record.title),
    )
