"""Thematic synthesis pages: coding a study's texts, the theme board, a code's page (memos,
summary, rename, merge) and the evidence matrix with its downloads and CERQual assessments.

Routes decode forms and render; the synthesis services check permissions and audit every
change. A refusal a reviewer can correct re-renders the page with the message (or answers JSON
to the board's drag and drop).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from sysreview.errors import AlreadyExists, InvalidInput, NotFound, SysreviewError
from sysreview.services import synthesis as codebook_service
from sysreview.services import synthesis_coding as coding
from sysreview.services import synthesis_outputs as outputs
from sysreview.services import synthesis_web
from sysreview.services.permissions import allowed
from sysreview.services.reviews import ReviewContext, review_by_slug
from sysreview.services.sessions import SignedIn
from sysreview.services.studies import studies_of
from sysreview.services.synthesis_blind import blind_coding_state, end_blind_coding
from sysreview.services.synthesis_checking import checked_excerpts
from sysreview.store.engine import Store
from sysreview.synthesis.cerqual import COMPONENTS, CONCERN_LABELS, CONFIDENCE
from sysreview.synthesis.codebook import LEVEL_LABELS, LEVELS, Codebook
from sysreview.web.security import check_csrf, current_user, request_store
from sysreview.web.templating import templates

router = APIRouter(include_in_schema=False)
User = Annotated[SignedIn, Depends(current_user)]
Csrf = Annotated[str, Form(max_length=100)]
Name = Annotated[str, Form(max_length=300)]
LongText = Annotated[str, Form(max_length=20_000)]
CORRECTABLE = (InvalidInput, NotFound)
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "svg": "image/svg+xml",
    "png": "image/png",
}


def _open(request: Request, slug: str, user: SignedIn) -> tuple[Store, ReviewContext]:
    store = request_store(request)
    return store, review_by_slug(store, slug, user.username)


def _base(slug: str) -> str:
    return f"/reviews/{slug}/synthesis"


def _rights(review: ReviewContext, user: SignedIn) -> dict[str, Any]:
    role = review.role_of(user.username)
    return {
        "user": user,
        "review": review,
        "base": _base(review.slug),
        "may_code": allowed(role, "synthesis.code"),
        "may_theme": allowed(role, "synthesis.themes"),
        "level_labels": LEVEL_LABELS,
        "levels": LEVELS,
    }


def _themes(book: Codebook) -> list[tuple[int, str]]:
    """Where a code can be filed: every theme, by path."""
    found = [(c.id, book.path(c.id)) for _, c in book.walk() if c.level != "code"]
    return sorted(found, key=lambda pair: pair[1].lower())


# -- coding ---------------------------------------------------------------------------------


def coding_page_response(
    request: Request,
    user: SignedIn,
    review: ReviewContext,
    study_id: int,
    *,
    mine: bool = False,
    error: str | None = None,
    status: int = 200,
) -> Response:
    store = request_store(request)
    coder = user.username if mine else None
    view = synthesis_web.coding_view(store, review, user.username, study_id, coder=coder)
    book = codebook_service.load_codebook(store, review, user.username)
    studies = studies_of(store, review, user.username)
    excerpts = [e for block in view.blocks for e in block.excerpts]
    names = {e.id: ", ".join(book.get(c).name for c in e.codes) for e in excerpts}
    checked = review.protocol.synthesis.mode == "checked"
    found = (
        checked_excerpts(store, review, user.username, study=view.study.label) if checked else []
    )
    context = {
        **_rights(review, user),
        "view": view,
        "code_names": names,
        "book": book,
        "walk": book.walk(),
        "themes": _themes(book),
        "studies": studies,
        "mine": mine,
        "checked_mode": checked,
        "checking": {c.excerpt.id: c for c in found},
        "error": error,
    }
    return templates.TemplateResponse(request, "synthesis_coding.html", context, status_code=status)


def coding_url(review: ReviewContext, study_id: int, anchor: str = "") -> str:
    return f"{_base(review.slug)}/studies/{study_id}/coding" + (f"#{anchor}" if anchor else "")


@router.get("/reviews/{slug}/synthesis/studies/{study_id}/coding")
def coding_page(
    request: Request, slug: str, study_id: int, user: User, mine: bool = False
) -> Response:
    """A study's texts on one side, the codebook on the other; select words, apply codes."""
    _, review = _open(request, slug, user)
    return coding_page_response(request, user, review, study_id, mine=mine)


@router.post("/reviews/{slug}/synthesis/studies/{study_id}/excerpts")
def code_selection(
    request: Request,
    slug: str,
    study_id: int,
    user: User,
    csrf_token: Csrf,
    source: Annotated[str, Form(max_length=1_000)],
    code: Annotated[list[int] | None, Form()] = None,
    start: Annotated[str, Form(max_length=12)] = "",
    end: Annotated[str, Form(max_length=12)] = "",
    text: LongText = "",
) -> Response:
    """Apply the checked codes to the selected span (offsets), or to the first occurrence of
    the words typed in (the page without JavaScript)."""
    check_csrf(user, csrf_token)
    store, review = _open(request, slug, user)
    try:
        study = synthesis_web.study_by_id(store, review, user.username, study_id)
        location, report = synthesis_web.selected_location(
            store, review, user.username, study.label, source, start, end
        )
        if location.start is not None:
            text = ""  # the offsets say which words; the page's copy of them may differ
        excerpt = coding.code_excerpt(
            store,
            review,
            user.username,
            study.label,
            location,
            code or [],
            text=text,
            report=report,
        )
    except CORRECTABLE as exc:
        return coding_page_response(request, user, review, study_id, error=exc.message, status=400)
    return RedirectResponse(coding_url(review, study_id, f"excerpt-{excerpt.id}"), status_code=303)


@router.post("/reviews/{slug}/synthesis/studies/{study_id}/notes")
def add_note(
    request: Request,
    slug: str,
    study_id: int,
    user: User,
    csrf_token: Csrf,
    title: Name,
    text: LongText,
) -> Response:
    """A note on the study (e.g. a results paragraph), which can then be coded like the rest."""
    check_csrf(user, csrf_token)
    store, review = _open(request, slug, user)
    try:
        study = synthesis_web.study_by_id(store, review, user.username, study_id)
        codebook_service.write_memo(store, review, user.username, title, text, study=study.label)
    except CORRECTABLE as exc:
        return coding_page_response(request, user, review, study_id, error=exc.message, status=400)
    return RedirectResponse(coding_url(review, study_id), status_code=303)


@router.post("/reviews/{slug}/synthesis/excerpts/{excerpt_id}/remove-code")
def remove_code(
    request: Request,
    slug: str,
    excerpt_id: int,
    user: User,
    csrf_token: Csrf,
    code: Annotated[int, Form()],
    study_id: Annotated[int, Form()],
) -> Response:
    """Take one code off an excerpt; an excerpt left with no code is removed."""
    check_csrf(user, csrf_token)
    store, review = _open(request, slug, user)
    try:
        synthesis_web.remove_code(store, review, user.username, study_id, excerpt_id, code)
    except CORRECTABLE as exc:
        return coding_page_response(request, user, review, study_id, error=exc.message, status=400)
    return RedirectResponse(coding_url(review, study_id), status_code=303)


# -- the theme board and a code's page -----------------------------------------------------


def _board_page(
    request: Request,
    user: SignedIn,
    review: ReviewContext,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    store = request_store(request)
    book = codebook_service.load_codebook(store, review, user.username)
    top = book.children(None)
    context = {
        **_rights(review, user),
        "book": book,
        "columns": [c for c in top if c.level == "analytical"],
        "unfiled": [c for c in top if c.level != "analytical"],
        "themes": _themes(book),
        "counts": synthesis_web.excerpt_counts(store, review, user.username),
        "summaries": codebook_service.theme_summaries(store, review, user.username),
        "error": error,
    }
    return templates.TemplateResponse(request, "synthesis_board.html", context, status_code=status)


@router.get("/reviews/{slug}/synthesis/themes")
def board_page(request: Request, slug: str, user: User) -> Response:
    """Codes grouped into descriptive and analytical themes, as columns and cards."""
    _, review = _open(request, slug, user)
    return _board_page(request, user, review)


def _back(review: ReviewContext, back: str) -> str:
    """Where a codebook form returns: the board, a code's page or a study's coding page."""
    kind, _, number = back.partition(":")
    if kind == "coding" and number.isdigit():
        return coding_url(review, int(number))
    if kind == "code" and number.isdigit():
        return f"{_base(review.slug)}/codes/{number}"
    return f"{_base(review.slug)}/themes"


def _refused(
    request: Request, user: SignedIn, review: ReviewContext, back: str, message: str
) -> Response:
    kind, _, number = back.partition(":")
    if kind == "coding" and number.isdigit():
        return coding_page_response(request, user, review, int(number), error=message, status=400)
    if kind == "code" and number.isdigit():
        return _code_page(request, user, review, int(number), error=message, status=400)
    return _board_page(request, user, review, error=message, status=400)


@router.post("/reviews/{slug}/synthesis/codes")
def add_code(
    request: Request,
    slug: str,
    user: User,
    csrf_token: Csrf,
    name: Name,
    level: Annotated[str, Form(max_length=20)] = "code",
    parent: Annotated[str, Form(max_length=12)] = "",
    definition: LongText = "",
    back: Annotated[str, Form(max_length=40)] = "board",
) -> Response:
    """A new code or theme, at the top level or under a theme."""
    check_csrf(user, csrf_token)
    store, review = _open(request, slug, user)
    try:
        under = int(parent) if parent.strip().isdigit() else None
        codebook_service.add_code(
            store, review, user.username, name, level=level, parent=under, definition=definition
        )
    except CORRECTABLE as exc:
        return _refused(request, user, review, back, exc.message)
    return RedirectResponse(_back(review, back), status_code=303)


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


@router.post("/reviews/{slug}/synthesis/codes/{code_id}/move")
def move_code(
    request: Request,
    slug: str,
    code_id: int,
    user: User,
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    parent: Annotated[str, Form(max_length=12)] = "",
    level: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """File a code or theme under a theme (empty parent: the top level); the board's drag and
    drop asks for JSON, its "Move to" form for the page."""
    store = request_store(request)
    review: ReviewContext | None = None
    try:
        check_csrf(user, csrf_token)
        review = review_by_slug(store, slug, user.username)
        under = int(parent) if parent.strip().isdigit() else None
        moved = codebook_service.move_code(
            store, review, user.username, code_id, under, level or None
        )
    except SysreviewError as exc:
        if _wants_json(request):
            return JSONResponse({"error": exc.message}, status_code=exc.http_status)
        if review is None or not isinstance(exc, CORRECTABLE):
            raise
        return _board_page(request, user, review, error=exc.message, status=400)
    if _wants_json(request):
        return JSONResponse({"id": moved.id, "parent": moved.parent, "level": moved.level})
    return RedirectResponse(f"{_base(review.slug)}/themes", status_code=303)


@router.post("/reviews/{slug}/synthesis/codes/{code_id}/{change}")
def change_code(
    request: Request,
    slug: str,
    code_id: int,
    change: str,
    user: User,
    csrf_token: Csrf,
    name: Name = "",
    definition: LongText = "",
    into: Annotated[str, Form(max_length=12)] = "",
    title: Name = "",
    text: LongText = "",
) -> Response:
    """Rename (with definition), merge into another code, delete, write a memo, or write the
    theme's narrative summary."""
    check_csrf(user, csrf_token)
    store, review = _open(request, slug, user)
    actor = user.username
    back = f"code:{code_id}"
    try:
        if change == "rename":
            codebook_service.rename_code(store, review, actor, code_id, name, definition)
        elif change == "merge":
            if not into.strip().isdigit():
                raise InvalidInput("pick the code to merge into")
            codebook_service.merge_codes(store, review, actor, [code_id], int(into))
            back = f"code:{into}"
        elif change == "delete":
            codebook_service.delete_code(store, review, actor, code_id)
            back = "board"
        elif change == "memo":
            codebook_service.write_memo(store, review, actor, title, text, code_id=code_id)
        elif change == "summary":
            codebook_service.set_theme_summary(store, review, actor, code_id, text)
        else:
            raise NotFound(f"no codebook change {change[:40]!r}")
    except CORRECTABLE as exc:
        return _refused(request, user, review, f"code:{code_id}", exc.message)
    return RedirectResponse(_back(review, back), status_code=303)


def _code_page(
    request: Request,
    user: SignedIn,
    review: ReviewContext,
    code_id: int,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    store = request_store(request)
    actor = user.username
    book = codebook_service.load_codebook(store, review, actor)
    code = book.get(code_id)
    studies = {s.label: s.id for s in studies_of(store, review, actor)}
    context = {
        **_rights(review, user),
        "book": book,
        "code": code,
        "path": book.path(code_id),
        "children": book.children(code_id),
        "others": [c for c in _themes_and_codes(book) if c[0] != code_id],
        "memos": codebook_service.memos(store, review, actor, code_id=code_id),
        "summary": codebook_service.theme_summaries(store, review, actor).get(code_id, ""),
        "excerpts": coding.list_excerpts(store, review, actor, code_id=code_id),
        "study_ids": studies,
        "error": error,
    }
    return templates.TemplateResponse(request, "synthesis_code.html", context, status_code=status)


def _themes_and_codes(book: Codebook) -> list[tuple[int, str]]:
    return sorted(((c.id, book.path(c.id)) for _, c in book.walk()), key=lambda p: p[1].lower())


@router.get("/reviews/{slug}/synthesis/codes/{code_id}")
def code_page(request: Request, slug: str, code_id: int, user: User) -> Response:
    """A code or theme: definition, what is filed under it, its excerpts, memos, summary."""
    _, review = _open(request, slug, user)
    return _code_page(request, user, review, code_id)


# -- the evidence matrix --------------------------------------------------------------------


def _matrix_page(
    request: Request,
    user: SignedIn,
    review: ReviewContext,
    level: str | None,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    store = request_store(request)
    matrix = outputs.build_matrix(store, review, user.username, level=level)
    context = {
        **_rights(review, user),
        "matrix": matrix,
        "level": level or "",
        "study_ids": {s.label: s.id for s in studies_of(store, review, user.username)},
        "assessed": codebook_service.confidence_assessments(store, review, user.username),
        "components": COMPONENTS,
        "concerns": CONCERN_LABELS,
        "confidence": CONFIDENCE,
        "table_formats": ("html", "csv", "xlsx", "docx"),
        "blinding": blind_coding_state(store, review, user.username),
        "error": error,
    }
    return templates.TemplateResponse(request, "synthesis_matrix.html", context, status_code=status)


@router.post("/reviews/{slug}/synthesis/unblind")
def unblind(request: Request, slug: str, user: User, csrf_token: Csrf) -> Response:
    """End blind coding (the owner): everyone now sees all the coding."""
    check_csrf(user, csrf_token)
    store, review = _open(request, slug, user)
    try:
        end_blind_coding(store, review, user.username)
    except (*CORRECTABLE, AlreadyExists) as exc:
        return _matrix_page(request, user, review, None, error=exc.message, status=400)
    return RedirectResponse(_base(review.slug), status_code=303)


Level = Annotated[str, Query(max_length=20)]


@router.get("/reviews/{slug}/synthesis")
def matrix_page(request: Request, slug: str, user: User, level: Level = "") -> Response:
    """Themes × studies with the excerpts, each study's design and appraisal, the counts of
    studies and reports per theme, the heat map, CERQual, and the downloads."""
    _, review = _open(request, slug, user)
    return _matrix_page(request, user, review, level or None)


def _download(body: bytes, fmt: str, name: str) -> Response:
    headers = {}
    if fmt not in ("svg", "png"):
        headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return Response(body, media_type=MEDIA[fmt], headers=headers)


@router.get("/reviews/{slug}/synthesis/{what}.{fmt}")
def matrix_file(
    request: Request, slug: str, what: str, fmt: str, user: User, level: Level = ""
) -> Response:
    """The matrix (HTML, CSV, XLSX, DOCX, or the SVG/PNG heat map), the counts per theme, or
    the CERQual evidence profile, as a file."""
    store, review = _open(request, slug, user)
    if fmt not in MEDIA:
        raise NotFound(f"no synthesis file as {fmt[:20]!r}; try {', '.join(MEDIA)}")
    actor = user.username
    if what == "matrix":
        body = outputs.matrix_bytes(store, review, actor, fmt, level=level or None)
    elif what == "counts" and fmt not in ("svg", "png"):
        body = outputs.counts_bytes(store, review, actor, fmt)
    elif what == "cerqual" and fmt not in ("svg", "png"):
        body = outputs.cerqual_bytes(store, review, actor, fmt)
    else:
        raise NotFound(f"no synthesis file {what[:40]!r} as {fmt!r}")
    return _download(body, fmt, f"{review.slug}-{what}")


@router.post("/reviews/{slug}/synthesis/codes/{code_id}/cerqual/assess")
async def assess(request: Request, slug: str, code_id: int, user: User) -> Response:
    """The GRADE-CERQual assessment of a theme's finding: four components and the overall
    confidence, each with its explanation."""
    form = await request.form()
    token = form.get("csrf_token")
    check_csrf(user, token if isinstance(token, str) else None)
    store, review = _open(request, slug, user)

    def value(name: str) -> str:
        found = form.get(name)
        return found[:20_000] if isinstance(found, str) else ""

    data = {
        "finding": value("finding"),
        "components": {
            key: {"concern": value(f"{key}:concern"), "explanation": value(f"{key}:explanation")}
            for key in COMPONENTS
        },
        "overall": value("overall"),
        "explanation": value("explanation"),
    }
    level = value("level") or None
    try:
        codebook_service.assess_confidence(store, review, user.username, code_id, data)
    except CORRECTABLE as exc:
        return _matrix_page(request, user, review, level, error=exc.message, status=400)
    suffix = f"?level={level}" if level in LEVELS else ""
    return RedirectResponse(f"{_base(review.slug)}{suffix}#theme-{code_id}", status_code=303)
