"""The search strategy page (edit the blocks, see every database's version live) and the
search log, with its CSV and PRISMA-S Markdown downloads.

The page posts a plain form to save (owners); its script asks the JSON translate endpoint for
every database's version as the blocks are typed. Both go through the same service calls.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Header, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from sysreview.errors import NotFound, SysreviewError
from sysreview.search import SYNTAXES, VOCABULARIES, Strategy, strategy_version
from sysreview.search.section import SearchLimits
from sysreview.services import search as search_service
from sysreview.services.reviews import ReviewContext, review_by_slug
from sysreview.services.sessions import SignedIn
from sysreview.store.engine import Store
from sysreview.web.api import ERRORS, ErrorBody
from sysreview.web.security import check_csrf, current_user, request_store
from sysreview.web.templating import templates

router = APIRouter(include_in_schema=False)
api_router = APIRouter()
User = Annotated[SignedIn, Depends(current_user)]
DEFAULT_EDITOR = "ovid"


class BlockIn(BaseModel):
    name: str = Field(default="", max_length=200)
    operator: str = Field(default="AND", max_length=3)
    terms: str = Field(default="", max_length=50_000)


class LimitsIn(BaseModel):
    year_from: int | None = Field(default=None, ge=1000, le=9999)
    year_to: int | None = Field(default=None, ge=1000, le=9999)
    languages: list[str] = Field(default_factory=list, max_length=50)
    publication_types: list[str] = Field(default_factory=list, max_length=50)


class TranslateIn(BaseModel):
    syntax: str = Field(default=DEFAULT_EDITOR, max_length=20)
    vocabulary: str | None = Field(default=None, max_length=20)
    blocks: list[BlockIn] = Field(max_length=50)
    limits: LimitsIn = Field(default_factory=LimitsIn)


class VersionOut(BaseModel):
    label: str
    syntax: str
    numbered: bool
    lines: list[str]
    notes: list[str]
    text: str


class TranslateOut(BaseModel):
    version: str
    versions: list[VersionOut]


def _versions(strategy: Strategy, review: ReviewContext) -> list[VersionOut]:
    databases = review.protocol.search.databases if review.protocol.search else []
    return [
        VersionOut(
            label=v.label,
            syntax=v.syntax,
            numbered=v.numbered,
            lines=list(v.written.query_lines),
            notes=list(v.written.notes),
            text=v.written.text,
        )
        for v in search_service.database_versions(strategy, databases)
    ]


def _editor_strategy(
    syntax: str, vocabulary: str | None, blocks: list[BlockIn], limits: LimitsIn
) -> Strategy:
    return search_service.strategy_from_blocks(
        syntax,
        vocabulary or None,
        [search_service.BlockText(b.name, b.operator, b.terms) for b in blocks],
        SearchLimits.model_validate(limits.model_dump()),
    )


@api_router.post(
    "/api/reviews/{slug}/search/translate",
    response_model=TranslateOut,
    responses={**ERRORS, 400: {"model": ErrorBody, "description": "The strategy cannot be read"}},
    tags=["search"],
)
def translate(
    request: Request,
    slug: str,
    user: User,
    body: TranslateIn,
    x_csrf_token: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Every database's version of the blocks being edited (nothing is saved). Send the
    session's CSRF token in ``X-CSRF-Token``."""
    check_csrf(user, x_csrf_token)
    review = review_by_slug(request_store(request), slug, user.username)
    review.require(user.username, "search.view")
    strategy = _editor_strategy(body.syntax, body.vocabulary, body.blocks, body.limits)
    return {"version": strategy_version(strategy), "versions": _versions(strategy, review)}


def _page(
    request: Request,
    store: Store,
    review: ReviewContext,
    user: SignedIn,
    syntax: str,
    vocabulary: str | None,
    *,
    strategy: Strategy | None = None,
    blocks: list[BlockIn] | None = None,
    limits: LimitsIn | None = None,
    error: str = "",
    status: int = 200,
) -> Response:
    view = None
    if strategy is None and review.protocol.search is not None:
        view = search_service.show_strategy(store, review, user.username)
        strategy = view.strategy
    if blocks is None:
        blocks = _blocks_of(strategy, syntax, vocabulary)
    if limits is None:
        limits = _limits_of(strategy)
    versions = _versions(strategy, review) if strategy is not None else []
    return templates.TemplateResponse(
        request,
        "search.html",
        {
            "user": user,
            "review": review,
            "version": strategy_version(strategy) if strategy is not None else "",
            "saved_version": review.protocol.search.version() if review.protocol.search else "",
            "blocks": blocks,
            "limits": limits,
            "versions": versions,
            "syntax": syntax,
            "vocabulary": vocabulary or "",
            "syntaxes": SYNTAXES,
            "vocabularies": VOCABULARIES,
            "can_edit": search_service.can_edit(review, user.username),
            "error": error,
        },
        status_code=status,
    )


def _blocks_of(strategy: Strategy | None, syntax: str, vocabulary: str | None) -> list[BlockIn]:
    if strategy is None:
        return [BlockIn(name="", operator="AND", terms="")]
    texts = search_service.editor_lines(strategy, syntax, vocabulary)
    return [
        BlockIn(name=b.name, operator=b.operator, terms=text)
        for b, text in zip(strategy.blocks, texts, strict=True)
    ]


def _limits_of(strategy: Strategy | None) -> LimitsIn:
    if strategy is None:
        return LimitsIn()
    limits = strategy.limits
    return LimitsIn(
        year_from=limits.year_from,
        year_to=limits.year_to,
        languages=list(limits.languages),
        publication_types=list(limits.publication_types),
    )


def _editor_syntax(syntax: str | None, vocabulary: str | None) -> tuple[str, str | None]:
    name = (syntax or DEFAULT_EDITOR).lower()
    if name not in SYNTAXES:
        raise NotFound(f"no search syntax {name!r}; try {', '.join(SYNTAXES)}")
    if vocabulary and vocabulary not in VOCABULARIES:
        raise NotFound(f"no vocabulary {vocabulary!r}; try {', '.join(VOCABULARIES)}")
    return name, vocabulary or None


@router.get("/reviews/{slug}/search")
def search_page(
    request: Request, slug: str, user: User, syntax: str = "", vocabulary: str = ""
) -> Response:
    """The strategy's blocks in an editor, and its version for every database."""
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    review.require(user.username, "search.view")
    editor, vocab = _editor_syntax(syntax, vocabulary)
    return _page(request, store, review, user, editor, vocab)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


@router.post("/reviews/{slug}/search")
def save_search(
    request: Request,
    slug: str,
    user: User,
    csrf_token: Annotated[str, Form(max_length=100)],
    syntax: Annotated[str, Form(max_length=20)] = DEFAULT_EDITOR,
    vocabulary: Annotated[str, Form(max_length=20)] = "",
    block_name: Annotated[list[str] | None, Form(max_length=200)] = None,
    block_operator: Annotated[list[str] | None, Form(max_length=3)] = None,
    block_terms: Annotated[list[str] | None, Form(max_length=50_000)] = None,
    year_from: Annotated[str, Form(max_length=4)] = "",
    year_to: Annotated[str, Form(max_length=4)] = "",
    languages: Annotated[str, Form(max_length=2000)] = "",
    publication_types: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Save the edited blocks into the protocol (owners); a mistake shows the form again."""
    check_csrf(user, csrf_token)
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    editor, vocab = _editor_syntax(syntax, vocabulary)
    names, operators, terms = block_name or [], block_operator or [], block_terms or []
    blocks = [
        BlockIn(name=n, operator=o, terms=t)
        for n, o, t in zip(names, operators, terms, strict=False)
    ]
    try:
        limits = LimitsIn(
            year_from=int(year_from) if year_from.strip() else None,
            year_to=int(year_to) if year_to.strip() else None,
            languages=_split(languages),
            publication_types=_split(publication_types),
        )
        strategy = _editor_strategy(editor, vocab, blocks, limits)
        search_service.save_strategy(store, review, user.username, strategy)
    except (SysreviewError, ValueError) as exc:
        if isinstance(exc, SysreviewError) and exc.http_status == 403:
            raise
        message = exc.message if isinstance(exc, SysreviewError) else str(exc)
        return _page(
            request,
            store,
            review,
            user,
            editor,
            vocab,
            strategy=None,
            blocks=blocks,
            limits=None,
            error=message,
            status=400,
        )
    return RedirectResponse(f"/reviews/{review.slug}/search?syntax={editor}", status_code=303)


@router.get("/reviews/{slug}/search/log")
def log_page(request: Request, slug: str, user: User) -> Response:
    """Every search event and the strategy version it ran."""
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    log = search_service.search_log(store, review, user.username)
    return templates.TemplateResponse(
        request, "search_log.html", {"user": user, "review": review, "log": log}
    )


@router.get("/reviews/{slug}/search/log.{fmt}")
def log_file(request: Request, slug: str, fmt: str, user: User) -> Response:
    """The search log as CSV or as the PRISMA-S appendix in Markdown."""
    if fmt not in ("csv", "md"):
        raise NotFound(f"no search log as {fmt!r}; try csv or md")
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    log = search_service.search_log(store, review, user.username)
    if fmt == "csv":
        body, media = search_service.log_csv(log), "text/csv; charset=utf-8"
    else:
        body = search_service.log_markdown(review, log).encode("utf-8")
        media = "text/markdown; charset=utf-8"
    disposition = f'attachment; filename="{review.slug}-search-log.{fmt}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})
