"""Realistic synthetic database exports, for benchmarks and crash trials at scale.

The records look like an Ovid MEDLINE RIS export (title, 3-8 authors, journal, volume, issue,
pages, DOI, PMID in AN, keywords, a 120-250 word abstract, UTF-8 names with accents), seeded
so a run can be repeated exactly.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

_WORDS = [
    "peer",
    "mentoring",
    "residents",
    "burnout",
    "wellbeing",
    "competencies",
    "training",
    "program",
    "outcomes",
    "resilience",
    "support",
    "medical",
    "education",
    "surgery",
    "paediatrics",
    "anaesthesia",
    "career",
    "coaching",
    "qualitative",
    "survey",
    "cohort",
    "randomised",
    "trial",
    "intervention",
    "faculty",
    "feedback",
    "stress",
    "workload",
    "sleep",
    "empathy",
    "professionalism",
    "curriculum",
    "assessment",
    "learning",
    "clinical",
    "skills",
    "satisfaction",
    "retention",
    "mentorship",
    "supervision",
    "reflection",
    "community",
    "wellness",
    "network",
]
_SURNAMES = [
    "Smith",
    "Nguyen",
    "García",
    "Müller",
    "Rossi",
    "Kowalski",
    "O'Brien",
    "Tanaka",
    "Okafor",
    "Johansson",
    "Dubois",
    "Singh",
    "Cohen",
    "Papadopoulos",
    "Novák",
    "Haddad",
    "Silva",
    "Kim",
    "Larsen",
    "Fernández",
    "Ødegaard",
    "Łukasz",
]
_JOURNALS = (
    ("Medical Education", "Med Educ"),
    ("Academic Medicine", "Acad Med"),
    ("BMC Medical Education", "BMC Med Educ"),
    ("Journal of Graduate Medical Education", "J Grad Med Educ"),
    ("Medical Teacher", "Med Teach"),
)


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize()


def ris_record(rng: random.Random, number: int) -> str:
    """One RIS record in Ovid MEDLINE style."""
    journal, abbrev = rng.choice(_JOURNALS)
    first_page = rng.randint(1, 900)
    lines = ["TY  - JOUR", f"ID  - {number}", f"T1  - {_sentence(rng, 6, 18)}"]
    for _ in range(rng.randint(3, 8)):
        initials = "".join(rng.choice("ABCDEFGHJKLMNPRST") for _ in range(rng.randint(1, 2)))
        lines.append(f"A1  - {rng.choice(_SURNAMES)}, {initials}")
    year = rng.randint(1990, 2024)
    abstract = ". ".join(_sentence(rng, 10, 25) for _ in range(rng.randint(6, 10))) + "."
    lines += [
        f"Y1  - {year}//",
        f"JF  - {journal}",
        f"JA  - {abbrev}",
        f"VL  - {rng.randint(1, 60)}",
        f"IS  - {rng.randint(1, 12)}",
        f"SP  - {first_page}",
        f"EP  - {first_page + rng.randint(2, 15)}",
        f"N2  - {abstract}",
        f"KW  - {rng.choice(_WORDS)}",
        f"KW  - {rng.choice(_WORDS)}",
        f"DO  - https://doi.org/10.{rng.randint(1000, 9999)}/synth.{year}.{number}",
        f"AN  - {30_000_000 + number}",
        "DB  - Ovid MEDLINE(R)",
        "ER  - ",
        "",
    ]
    return "\n".join(lines)


def ris_export(count: int, seed: int = 2017) -> Iterator[str]:
    """``count`` records as chunks of RIS text (join them, or write them as they come)."""
    rng = random.Random(seed)
    for number in range(1, count + 1):
        yield ris_record(rng, number) + "\n"
