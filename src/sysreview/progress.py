"""The one progress protocol that long work (import, dedup, retraining) reports through.

A stage takes an optional :class:`Progress` and calls it; the CLI renders it with rich and the
web app as a progress bar. Stages never print.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Receives ``done`` out of ``total`` units of ``task``; ``total`` is None when unknown."""

    def __call__(self, task: str, done: int, total: int | None) -> None: ...


def no_progress(task: str, done: int, total: int | None) -> None:
    """The progress sink used when nobody is watching."""
