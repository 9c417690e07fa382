"""The one error hierarchy of sysreview.

Every failure a reviewer can cause or meet is one of these, carrying a message that names the
file, line, record or object involved and says what to do. The CLI turns them into exit codes
and the web app into HTTP status codes, each in one place (``cli/__init__.py`` and
``web/errors.py``), so no command or route invents its own.

    SysreviewError                    exit 1, HTTP 400
    ├── ImportFormatError             a file that cannot be read as records (file, line)
    ├── ProtocolError                 an invalid protocol file (file, line)
    ├── InvalidInput                  a bad argument or form value
    ├── AuthenticationFailed          wrong user name or password            exit 3, HTTP 401
    ├── PermissionDenied              the role does not allow the action     exit 4, HTTP 403
    ├── NotFound                      no such review, record or user         exit 5, HTTP 404
    ├── AlreadyExists                 a user, review or import that exists   exit 6, HTTP 409
    ├── StaleWrite                    a change made against an old version   exit 7, HTTP 409
    └── StoreError                    the database cannot be used            exit 8, HTTP 503
        ├── UnknownDatabaseURL        a URL of no supported database
        ├── SchemaTooNew              the database was written by a newer sysreview
        └── SchemaOutdated            the database needs ``sysreview db upgrade``
"""

from __future__ import annotations


class SysreviewError(Exception):
    """Base of every error sysreview raises on purpose; its message is meant for a reviewer."""

    exit_code = 1
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _located(file: str | None, line: int | None, message: str) -> str:
    """Prefix a message with ``file:line:`` so editors and reviewers can jump to the place."""
    where = ""
    if file:
        where = f"{file}:{line}: " if line else f"{file}: "
    elif line:
        where = f"line {line}: "
    return where + message


class ImportFormatError(SysreviewError):
    """A file that cannot be read as bibliographic records."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        super().__init__(_located(file, line, message))
        self.file = file
        self.line = line
        self.reason = message


class ProtocolError(SysreviewError):
    """The review's protocol file is missing or invalid."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        super().__init__(_located(file, line, message))
        self.file = file
        self.line = line


class InvalidInput(SysreviewError):
    """An argument, form field or API value that is not acceptable."""


class AuthenticationFailed(SysreviewError):
    exit_code = 3
    http_status = 401


class PermissionDenied(SysreviewError):
    exit_code = 4
    http_status = 403


class NotFound(SysreviewError):
    exit_code = 5
    http_status = 404


class AlreadyExists(SysreviewError):
    exit_code = 6
    http_status = 409


class StaleWrite(SysreviewError):
    """A change made against a version of an object that has changed since."""

    exit_code = 7
    http_status = 409


class StoreError(SysreviewError):
    exit_code = 8
    http_status = 503


class UnknownDatabaseURL(StoreError):
    pass


class SchemaTooNew(StoreError):
    pass


class SchemaOutdated(StoreError):
    pass
