"""The PRISMA 2020 flow diagram of a review: a page with the diagram and its boxes, and the
diagram itself as SVG (each box linking to its records) or as PNG, PDF, CSV and JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sysreview.errors import NotFound
from sysreview.reporting import to_json_dict
from sysreview.reporting.prisma import label
from sysreview.services import prisma as prisma_service
from sysreview.services.reviews import ReviewContext, review_by_slug
from sysreview.services.sessions import SignedIn
from sysreview.web.security import current_user, request_store
from sysreview.web.templating import templates

router = APIRouter(include_in_schema=False)
User = Annotated[SignedIn, Depends(current_user)]


@dataclass(frozen=True)
class BoxRow:
    """One count as the page lists it, with the records behind it when they can be listed."""

    key: str
    label: str
    value: str
    entered: bool
    href: str | None


def _links(review: ReviewContext, summary: prisma_service.PrismaSummary) -> dict[str, str]:
    """Count key → the page listing its records; none for a count entered by hand, whose
    records the review does not hold."""
    entered = {e.key for e in summary.entered}
    base = f"/reviews/{review.slug}"
    links = {"duplicates": f"{base}/duplicates"}
    for key, (stage, state) in prisma_service.box_records(review).items():
        query = f"?{urlencode({'state': state})}" if state else ""
        links[key] = f"{base}/screen/{stage}/records{query}"
    return {key: url for key, url in links.items() if key not in entered}


@router.get("/reviews/{slug}/prisma")
def prisma_page(request: Request, slug: str, user: User) -> Response:
    """The diagram with a table of its boxes, or what does not add up yet."""
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    summary = prisma_service.prisma_summary(store, review, user.username)
    links = _links(review, summary)
    counts = summary.counts
    entered = {e.key for e in summary.entered}
    rows = [
        BoxRow(
            key,
            label(key, counts.template),
            prisma_service.value_text(counts.value(key)),
            key in entered,
            links.get(key),
        )
        for key, value in to_json_dict(counts).items()
        if key != "entered" and (value not in (None, {}) or key in entered)
    ]
    return templates.TemplateResponse(
        request,
        "prisma.html",
        {
            "user": user,
            "review": review,
            "problems": summary.problems,
            "rows": rows,
            "entered": [
                (e, label(e.key, counts.template), prisma_service.value_text(e.value))
                for e in summary.entered
            ],
            "formats": prisma_service.FORMATS,
        },
    )


@router.get("/reviews/{slug}/prisma.{fmt}")
def prisma_file(request: Request, slug: str, fmt: str, user: User) -> Response:
    """The diagram or counts as a file; the SVG shows in the browser, its boxes as links."""
    if fmt not in prisma_service.FORMATS:
        raise NotFound(f"no PRISMA output {fmt!r}; try {', '.join(prisma_service.FORMATS)}")
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    summary = prisma_service.prisma_summary(store, review, user.username)
    body = prisma_service.render_output(summary, fmt, links=_links(review, summary))
    headers = {}
    if fmt != "svg":
        headers["Content-Disposition"] = f'attachment; filename="{review.slug}-prisma.{fmt}"'
    return Response(body, media_type=prisma_service.FORMATS[fmt], headers=headers)
