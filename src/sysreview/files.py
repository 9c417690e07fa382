"""Durable writes of files next to the database (protocol, exports, uploads).

A crash mid-write must leave the old file or the new one, whole: never an empty or half file
(ASReview users lost projects to a settings file emptied by a crash).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_file_atomically(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content`` so that a crash leaves the old or the new file, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
