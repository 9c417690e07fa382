"""Turning uploaded files into imports: the one path the page and the API share."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import UploadFile

from sysreview.errors import InvalidInput, SysreviewError
from sysreview.services.imports import ImportSummary, SearchDetails, import_file
from sysreview.services.reviews import ReviewContext
from sysreview.store.engine import Store


@dataclass
class UploadOutcome:
    """Per file, in order: the summaries of files imported, then the error that stopped."""

    summaries: list[ImportSummary]
    error: str | None = None
    failed_file: str | None = None


def import_uploads(
    store: Store,
    review: ReviewContext,
    actor: str,
    files: list[UploadFile],
    search: SearchDetails,
    *,
    skip_bad: bool,
    again: bool,
) -> UploadOutcome:
    """Import each file as its own search event, stopping at the first that fails."""
    review.require(actor, "records.import")
    if not files or all(not f.filename for f in files):
        raise InvalidInput("choose at least one file to import")
    outcome = UploadOutcome([])
    for upload in files:
        name = upload.filename or "upload"
        data = upload.file.read()
        try:
            outcome.summaries.append(
                import_file(
                    store,
                    review,
                    actor,
                    data,
                    file_name=name,
                    search=search,
                    skip_bad=skip_bad,
                    again=again,
                )
            )
        except SysreviewError as exc:
            outcome.error, outcome.failed_file = exc.message, name
            break
    return outcome
