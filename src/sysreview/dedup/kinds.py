"""What kind of record a title and publication type describe: the traps of de-duplication.

An erratum, a retraction notice, a comment, a reply, a conference abstract, part 2 of a
series or an update share most of their title with another record without being it; a
generic title ("Editorial") is shared by many records that are not each other. These are
read here from folded text (see :func:`sysreview.dedup.normalise.fold_text`), so that
comparison can refuse to merge them.
"""

from __future__ import annotations

import re

__all__ = ["GENERIC_TITLES", "record_kinds", "series_part"]

GENERIC_TITLES = frozenset(
    {
        "editorial",
        "editorial introduction",
        "guest editorial",
        "introduction",
        "editors introduction",
        "from the editor",
        "foreword",
        "preface",
        "erratum",
        "errata",
        "corrigendum",
        "correction",
        "reply",
        "response",
        "comment",
        "commentary",
        "letter",
        "letter to the editor",
        "book review",
        "book reviews",
        "abstracts",
        "news",
        "obituary",
        "in memoriam",
        "announcement",
        "acknowledgement",
        "acknowledgements",
        "acknowledgment",
        "reviewers",
        "index",
        "contents",
        "issue information",
        "senior editor perspectives",
        "notes on contributors",
        "editors comments",
        "editors note",
        "from the editors",
        "editorial board",
        "in this issue",
        "table of contents",
        "front matter",
        "back matter",
        "masthead",
        "call for papers",
        "correspondence",
        "letters",
        "research highlights",
        "reviewer acknowledgement",
    }
)


_KIND_PATTERNS: dict[str, re.Pattern[str]] = {
    "erratum": re.compile(
        r"^(?:erratum|errata|corrigendum|corrigenda|correction|correction notice|"
        r"publisher correction|author correction|notice of correction)\b"
        r"|\b(?:erratum|corrigendum|errata) (?:to|for|in|on|regarding)\b|\bcorrection to\b"
    ),
    "retraction": re.compile(
        r"^(?:retraction|notice of retraction|retraction notice|statement of retraction|"
        r"expression of concern|withdrawal notice)\b"
    ),
    "comment": re.compile(
        r"^(?:comment|commentary|comments|letter to the editor|invited commentary)\b"
        r"|\b(?:comment|commentary|comments) (?:on|to)\b"
    ),
    "reply": re.compile(
        r"^(?:reply|response|author reply|authors reply|in reply|rejoinder|a rejoinder)\b"
        r"|\b(?:reply|rejoinder) to\b|\bresponse to (?:the )?(?:comment|letter|commentary|"
        r"critique|critics|rejoinder)"
    ),
    "update": re.compile(r"\b(?:an update|updated|update of|update on|update)\b"),
}
_REPLY_PREFIX = re.compile(r"^\s*re\s*:", re.IGNORECASE)
_TYPE_PATTERNS: dict[str, re.Pattern[str]] = {
    "erratum": re.compile(r"erratum|correction|corrigendum"),
    "retraction": re.compile(r"retraction of publication|retraction notice|retraction\b"),
    "comment": re.compile(r"\bcomment\b|\bletter\b"),
    "conference_abstract": re.compile(
        r"conference abstract|meeting abstract|congress abstract|abstract of|poster"
    ),
}
_ABSTRACT_VENUE = re.compile(r"\babstracts?\b|\bsupplement\b|\bsuppl\b|\bmeeting\b|\bcongress\b")
_SUPPLEMENT_CODE = re.compile(r"suppl|^s\d*$|supplement")
_PART = re.compile(
    r"\b(?:part|pt|teil|partie)\s+([0-9]+|[ivx]+|one|two|three|four|five|a|b|c)\b"
    r"|\b([0-9]+)(?:st|nd|rd|th)? part\b"
)
_PART_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "i": "1",
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "v": "5",
}


def record_kinds(
    title: str, raw_title: str, publication_type: str, venue: str, issue: str, volume: str
) -> frozenset[str]:
    """The trap flags of a record, from its title and the database's publication type.

    ``title``, ``publication_type`` and ``venue`` are folded text, ``issue`` and ``volume``
    folded codes; ``raw_title`` is the title as exported (for a leading "Re:").
    """
    found = {kind for kind, pattern in _KIND_PATTERNS.items() if pattern.search(title)}
    if _REPLY_PREFIX.match(raw_title):
        found.add("comment")
    found |= {kind for kind, pattern in _TYPE_PATTERNS.items() if pattern.search(publication_type)}
    if "retracted publication" in publication_type:
        found.discard("retraction")
    supplement = bool(_SUPPLEMENT_CODE.search(issue) or _SUPPLEMENT_CODE.search(volume))
    if _ABSTRACT_VENUE.search(venue) and ("abstract" in venue or supplement):
        found.add("conference_abstract")
    return frozenset(found)


def series_part(title: str) -> str:
    """The series part a title names ("part 2", "part II" → "2"), or ""."""
    match = _PART.search(title)
    if not match:
        return ""
    value = match.group(1) or match.group(2)
    return _PART_WORDS.get(value, value)
