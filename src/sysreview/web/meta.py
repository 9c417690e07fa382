"""Meta-analysis pages: the review's saved analyses, a form to save one (from the extraction
form's fields or a pasted table), and an analysis run on the current data with its forest and
funnel plots. Routes decode forms and render; the services check permissions and inputs.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from sysreview.errors import InvalidInput
from sysreview.services import meta_analysis
from sysreview.services.reviews import ReviewContext, review_by_slug
from sysreview.services.sessions import SignedIn
from sysreview.store.engine import Store
from sysreview.synthesis.meta import MEASURES, METHODS
from sysreview.synthesis.meta.effects import COLUMNS
from sysreview.web.security import check_csrf, current_user, request_store
from sysreview.web.templating import templates

router = APIRouter(include_in_schema=False)
User = Annotated[SignedIn, Depends(current_user)]
TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}
COLUMN_GROUPS = (
    ("RR, OR, RD", COLUMNS["binary"]),
    ("MD, SMD", COLUMNS["continuous"]),
    ("ZCOR", COLUMNS["correlation"]),
    ("GEN", ("effect", "se", "variance")),
)
INPUT_COLUMNS = tuple(c for _, columns in COLUMN_GROUPS for c in columns)


def _open(request: Request, slug: str, user: SignedIn) -> tuple[Store, ReviewContext]:
    store = request_store(request)
    return store, review_by_slug(store, slug, user.username)


def _list_page(
    request: Request,
    user: SignedIn,
    store: Store,
    review: ReviewContext,
    *,
    error: str | None = None,
    sent: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "user": user,
        "review": review,
        "analyses": meta_analysis.list_analyses(store, review, user.username),
        "measures": MEASURES,
        "methods": METHODS,
        "column_groups": COLUMN_GROUPS,
        "fields": [f for f in review.protocol.extraction.fields if f.type != "group"],
        "error": error,
        "sent": sent or {},
    }
    return templates.TemplateResponse(request, "meta_list.html", context, status_code=status)


@router.get("/reviews/{slug}/meta")
def list_page(request: Request, slug: str, user: User) -> Response:
    """The saved analyses and the form for a new one."""
    store, review = _open(request, slug, user)
    return _list_page(request, user, store, review)


def _spec(form: dict[str, str]) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "measure": form.get("measure", ""),
        "method": form.get("method", "REML"),
        "knapp_hartung": form.get("knapp_hartung") == "on",
        "add": form.get("add") or "0.5",
        "source": form.get("source", ""),
    }
    try:
        spec["add"] = float(spec["add"])
    except ValueError:
        raise InvalidInput("the continuity correction must be a number") from None
    if spec["source"] == "table":
        spec["table"] = form.get("table", "")
    else:
        spec["fields"] = {c: form[f"field:{c}"] for c in INPUT_COLUMNS if form.get(f"field:{c}")}
        if form.get("subgroup_field"):
            spec["subgroup_field"] = form["subgroup_field"]
    return spec


@router.post("/reviews/{slug}/meta")
async def save_page(request: Request, slug: str, user: User) -> Response:
    """Save (or replace) a named analysis; a bad spec comes back with the message."""
    raw = await request.form()
    token = raw.get("csrf_token")
    check_csrf(user, token if isinstance(token, str) else None)
    form = {k: str(v)[:1_000_000] for k, v in raw.items() if isinstance(v, str)}
    store, review = _open(request, slug, user)
    name = form.get("name", "").strip()
    try:
        meta_analysis.save_analysis(store, review, user.username, name, _spec(form))
    except InvalidInput as exc:
        return _list_page(request, user, store, review, error=exc.message, sent=form, status=400)
    return RedirectResponse(f"/reviews/{review.slug}/meta/{quote(name, safe='')}", status_code=303)


@router.get("/reviews/{slug}/meta/{name}")
def analysis_page(request: Request, slug: str, name: str, user: User) -> Response:
    """The analysis run on the review's current data, with its plots."""
    store, review = _open(request, slug, user)
    run = meta_analysis.run_analysis(store, review, user.username, name, checks=True)
    context = {
        "user": user,
        "review": review,
        "run": run,
        "shown": run.result.display(),
        "quoted": quote(name, safe=""),
    }
    return templates.TemplateResponse(request, "meta_analysis.html", context)


@router.get("/reviews/{slug}/meta/{name}/{plot}.{fmt}")
def figure(request: Request, slug: str, name: str, plot: str, fmt: str, user: User) -> Response:
    """The forest or funnel plot as SVG, PNG or PDF."""
    store, review = _open(request, slug, user)
    if fmt not in TYPES:
        raise InvalidInput("a figure is .svg, .png or .pdf")
    content = meta_analysis.analysis_figure(store, review, user.username, name, plot, fmt)
    return Response(content, media_type=TYPES[fmt])


@router.post("/reviews/{slug}/meta/{name}/delete")
async def delete_page(request: Request, slug: str, name: str, user: User) -> Response:
    form = await request.form()
    token = form.get("csrf_token")
    check_csrf(user, token if isinstance(token, str) else None)
    store, review = _open(request, slug, user)
    meta_analysis.delete_analysis(store, review, user.username, name)
    return RedirectResponse(f"/reviews/{review.slug}/meta", status_code=303)
