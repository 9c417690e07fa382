"""Ranking features kept on disk, so a restart does not rebuild them before the first retrain.

Building a review's features (word TF-IDF and character components over every record) is the
slow part of ranking: about a minute and a half of CPU at 100,000 records (measured with
``benchmarks/cold_start.py``), against a second or two per retrain. A server restart, or each
new ``sysreview screen`` process, would otherwise spend that before its first ranking, and
reviewers would screen in imported order meanwhile.

The cache is content-addressed: a file's name carries the SHA-256 of everything the matrix is a
function of (the records' ids, titles and abstracts in order; the extractor's parameters and the
source of its module; the versions of sysreview and of the libraries that compute it), so an
edited record, another model or an upgrade simply misses, and the matrix read back is the one a
fresh build gives, bit for bit (the rankings stay a pure function of the decisions). Files live
in the review folder under ``cache/features/``, one per model (the older one is removed when a
newer one is written), are written to a temporary file and renamed, and are only ever a copy:
one that is missing, truncated, from another version or unreadable is rebuilt, with a warning
naming it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
import logging
import re
import struct
import sys
import zipfile
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

import sysreview
from sysreview.files import write_file_atomically, write_file_atomically_with

log = logging.getLogger(__name__)

FORMAT = 1
"""Bumped when the file layout changes; part of every key."""
FOLDER = Path("cache") / "features"
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")
_LIBRARIES = ("numpy", "scipy", "scikit-learn")
"""Whose version is part of every key: they compute the features (read from the installed
packages' metadata, so that keying does not import scikit-learn)."""


def feature_key(
    model: str, extractor: Any, ids: Sequence[int], texts: Iterable[tuple[str, str]]
) -> str:
    """The SHA-256 (hex) of what the features of these records under ``extractor`` depend on.

    Every string is length-prefixed, so no two different record lists hash alike by moving a
    boundary (a title ending where an abstract began)."""
    digest = hashlib.sha256()
    params: dict[str, Any] = extractor.get_params() if hasattr(extractor, "get_params") else {}
    header = [
        f"format={FORMAT}",
        f"model={model}",
        f"extractor={type(extractor).__module__}.{type(extractor).__qualname__}",
        f"params={sorted((k, repr(v)) for k, v in params.items())!r}",
        f"sysreview={sysreview.__version__} "
        + " ".join(f"{lib}={importlib.metadata.version(lib)}" for lib in _LIBRARIES),
        f"code={_source_digest(extractor)}",
        f"records={len(ids)}",
    ]
    for line in header:
        _add(digest, line)
    digest.update(np.asarray(ids, dtype=np.int64).tobytes())
    for title, abstract in texts:
        _add(digest, title)
        _add(digest, abstract)
    return digest.hexdigest()


def _source_digest(extractor: Any) -> str:
    """The SHA-256 of the source of the module that defines the extractor: a change to how
    features are built misses the cache even where the version number has not moved yet."""
    module = sys.modules.get(type(extractor).__module__)
    try:
        source = Path(inspect.getfile(module)) if module is not None else None
        return hashlib.sha256(source.read_bytes()).hexdigest() if source else "unknown"
    except (TypeError, OSError):  # no source file (a built-in or interactive module)
        return "unknown"


def _add(digest: Any, text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    digest.update(struct.pack("<Q", len(data)))
    digest.update(data)


class FeatureCache:
    """The feature matrices of one review folder, by model and key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / FOLDER

    def path(self, model: str, key: str) -> Path:
        return self.folder / f"{_SAFE.sub('_', model)}-{key}.npz"

    def get(self, model: str, key: str, rows: int) -> sp.csr_matrix | None:
        """The matrix stored under ``key`` with ``rows`` rows, or None (missing or unusable:
        the caller builds it again)."""
        path = self.path(model, key)
        if not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as stored:
                if str(stored["key"]) != key:
                    raise ValueError(f"it holds the features of another key ({stored['key']})")
                shape = tuple(int(n) for n in stored["shape"])
                matrix = sp.csr_matrix(
                    (stored["data"], stored["indices"], stored["indptr"]), shape=shape
                )
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
            log.warning("ignoring the cached features %s, which cannot be read: %s", path, error)
            return None
        if matrix.shape[0] != rows:
            log.warning(
                "ignoring the cached features %s: %d rows for %d records", path, shape[0], rows
            )
            return None
        return matrix

    def put(
        self, model: str, key: str, matrix: sp.csr_matrix, in_use: Collection[str] = ()
    ) -> None:
        """Store ``matrix`` under ``key`` and remove the model's older files, and the files of
        models not ``in_use`` when that is given (a stage whose model changed, or a new default
        after an upgrade, would otherwise leave its old file behind for good). A folder that
        cannot be written costs only the cache (a warning), never the ranking."""
        path = self.path(model, key)
        csr = sp.csr_matrix(matrix)
        try:
            self._ignore_in_version_control()
            write_file_atomically_with(
                path,
                lambda handle: np.savez_compressed(
                    handle,
                    key=np.array(key),
                    shape=np.array(csr.shape, dtype=np.int64),
                    data=csr.data,
                    indices=csr.indices,
                    indptr=csr.indptr,
                ),
            )
        except OSError as error:
            log.warning("could not keep the ranking features in %s: %s", path, error)
            return
        kept = {_SAFE.sub("_", name) for name in in_use} if in_use else None
        for other in self.folder.glob("*.npz"):
            named = re.fullmatch(r"(.+)-[0-9a-f]{64}", other.stem)
            if other == path or named is None:
                continue
            if named[1] == _SAFE.sub("_", model) or (kept is not None and named[1] not in kept):
                other.unlink(missing_ok=True)

    def _ignore_in_version_control(self) -> None:
        """A review folder is often kept in git for its protocol; the cache has no place there."""
        marker = self.folder.parent / ".gitignore"
        if not marker.exists():
            write_file_atomically(marker, b"# sysreview's caches: rebuilt when missing\n*\n")
