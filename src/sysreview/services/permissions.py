"""Who may do what: the role × action table as data, and the one ``allowed`` function.

Every service function asks :func:`require` before it reads or changes review data, so the CLI,
the web pages and the JSON API cannot disagree. Tests walk this table for every role.
"""

from __future__ import annotations

from sysreview.errors import PermissionDenied

ACTIONS: dict[str, str] = {
    "review.view": "open the review and its dashboard",
    "review.status": "see counts per stage",
    "records.view": "read records",
    "records.import": "import search results",
    "records.export": "export records with decisions",
    "duplicates.run": "run de-duplication",
    "duplicates.judge": "decide whether two records are duplicates, or undo a merge",
    "screening.decide": "record a screening decision",
    "extraction.edit": "extract study data, or verify what another extracted",
    "appraisal.appraise": "appraise a study's quality with a checklist",
    "synthesis.code": "code excerpts of study data and write memos and notes",
    "synthesis.themes": "edit the codebook and themes, theme summaries and CERQual assessments",
    "synthesis.meta": "save, change or delete a meta-analysis",
    "conflict.resolve": "resolve conflicts between reviewers",
    "audit.view": "read and export the audit trail",
    "review.manage": "change the review's settings and team",
    "prisma.enter": "enter or clear PRISMA counts by hand",
    "search.view": "read the search strategy and the search log",
    "search.edit": "change the search strategy",
    "synthesis.unblind": "end blind coding, so every coder sees the others' coding",
}

PERMISSIONS: dict[str, frozenset[str]] = {
    "owner": frozenset(ACTIONS),
    "arbiter": frozenset(
        {
            "review.view",
            "review.status",
            "records.view",
            "records.export",
            "duplicates.judge",
            "screening.decide",
            "extraction.edit",
            "appraisal.appraise",
            "synthesis.code",
            "synthesis.themes",
            "synthesis.meta",
            "conflict.resolve",
            "audit.view",
            "search.view",
        }
    ),
    "reviewer": frozenset(
        {
            "review.view",
            "review.status",
            "records.view",
            "records.export",
            "duplicates.judge",
            "screening.decide",
            "extraction.edit",
            "appraisal.appraise",
            "synthesis.code",
            "synthesis.themes",
            "synthesis.meta",
            "search.view",
        }
    ),
    "viewer": frozenset({"review.view", "review.status", "records.view", "search.view"}),
}


def allowed(role: str | None, action: str) -> bool:
    """Whether ``role`` (None: not a member) may perform ``action``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return role is not None and action in PERMISSIONS.get(role, frozenset())


def require(role: str | None, action: str, *, user: str, review: str) -> None:
    """Raise PermissionDenied with a message that says who lacks which right where."""
    if allowed(role, action):
        return
    if role is None:
        raise PermissionDenied(f"{user} is not a member of review {review!r}")
    raise PermissionDenied(
        f"{user} is {role} in review {review!r}, and a {role} may not {ACTIONS[action]}"
    )
