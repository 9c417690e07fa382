"""A small review to screen in ranked order: irrelevant records imported first, then records
on one obvious topic (two of them without an abstract), with an owner and two reviewers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from sysreview.protocol import Member, ScreeningOrder, Stage, default_protocol, write_protocol
from sysreview.services.imports import SearchDetails, import_file
from sysreview.services.reviews import ReviewContext, init_review, open_review
from sysreview.store.engine import Store
from sysreview.store.models import StoredRecord

TA = "title_abstract"
OFF_TOPIC = [
    (
        "Dialectical behaviour therapy for borderline personality disorder",
        "Psychotherapy in adults.",
    ),
    ("Hormone replacement therapy and breast cancer risk", "Oestrogen plus progestin in women."),
    (
        "Switching from biosimilar infliximab to the originator",
        "TNF inhibitors and loss of effect.",
    ),
    ("Schema therapy versus usual care", "A trial of schema therapy in personality disorder."),
    ("Oestrogen therapy and fractures", ""),
    ("Cognitive training for older drivers", "Driving performance after a training course."),
    ("Statins and muscle pain", "Myalgia reported by people taking statins."),
    ("School meals and attainment", "Free school meals and exam results."),
    ("Noise exposure in open-plan offices", "Workers' stress and office noise."),
    ("Vitamin D and winter colds", "Supplements and respiratory infections in winter."),
]
ON_TOPIC = [
    ("Emicizumab prophylaxis in haemophilia A with inhibitors", "Emicizumab reduced bleeding."),
    ("Emicizumab in children with haemophilia A", "Emicizumab and bleeding rates in haemophilia."),
    ("Emicizumab once every four weeks in haemophilia A", ""),
    ("Bleeding outcomes with emicizumab prophylaxis", "Haemophilia A patients on emicizumab."),
    ("Emicizumab and surgery in haemophilia A", ""),
    (
        "Real-world emicizumab use in haemophilia",
        "Emicizumab prophylaxis in haemophilia A clinics.",
    ),
]
OWNER, A, B = "owner1", "rev_a", "rev_b"


@dataclass
class RankedReview:
    store: Store
    review: ReviewContext
    off_topic: list[int]
    on_topic: list[int]

    @property
    def ids(self) -> list[int]:
        return sorted(self.off_topic + self.on_topic)

    def reconfigure(self, **settings: object) -> None:
        """Change the stage's settings in the protocol file and reload it."""
        protocol = self.review.protocol.model_copy(deep=True)
        stage = protocol.stages[0]
        for key, value in settings.items():
            setattr(stage, key, value)
        write_protocol(self.review.folder, protocol)
        self.review = open_review(self.store, self.review.folder, actor=OWNER)


def _ris(texts: list[tuple[str, str]]) -> bytes:
    parts = []
    for title, abstract in texts:
        lines = ["TY  - JOUR", f"TI  - {title}", "PY  - 2021"]
        if abstract:
            lines.append(f"AB  - {abstract}")
        parts.append("\n".join([*lines, "ER  - ", ""]))
    return "\n".join(parts).encode()


def build(
    folder: Path,
    db_url: str | None,
    *,
    reviewers: int = 1,
    blind: bool = False,
    order: ScreeningOrder = "ranked",
) -> RankedReview:
    protocol = default_protocol("Ranked screening", OWNER)
    protocol.stages[:] = [
        Stage(name=TA, label="Title/abstract", reviewers=reviewers, blind=blind, order=order)
    ]
    protocol.team.extend([Member(user=A, role="reviewer"), Member(user=B, role="reviewer")])
    store, review = init_review(folder, protocol.title, OWNER, db_url, protocol)
    data = _ris(OFF_TOPIC + ON_TOPIC)
    import_file(store, review, OWNER, data, file_name="search.ris", search=SearchDetails("X"))
    with store.read() as session:
        ids = list(
            session.scalars(
                select(StoredRecord.id)
                .where(StoredRecord.review_id == review.id)
                .order_by(StoredRecord.id)
            )
        )
    return RankedReview(store, review, ids[: len(OFF_TOPIC)], ids[len(OFF_TOPIC) :])
