"""Uploaded files (full texts), content-addressed in the review folder.

A file is stored once under its SHA-256 (``files/ab/abcdef…``), written to a temporary file,
fsynced and renamed, so a crash never leaves half a file under a valid name.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sysreview.errors import NotFound
from sysreview.files import write_file_atomically


class BlobStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder / "files"

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise NotFound(f"no stored file {sha256!r}")
        return self.folder / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        path = self._path(sha256)
        if not path.exists():
            write_file_atomically(path, data)
        return sha256

    def get(self, sha256: str) -> bytes:
        try:
            return self._path(sha256).read_bytes()
        except FileNotFoundError:
            raise NotFound(
                f"the stored file {sha256[:12]}… is missing from {self.folder}"
            ) from None
