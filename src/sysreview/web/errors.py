"""The one place where a SysreviewError becomes an HTTP status, as a page or as JSON."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from sysreview.errors import AuthenticationFailed, SysreviewError
from sysreview.web.templating import templates


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install(app: FastAPI) -> None:
    @app.exception_handler(SysreviewError)
    async def _sysreview_error(request: Request, exc: SysreviewError) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": exc.message}, status_code=exc.http_status)
        if isinstance(exc, AuthenticationFailed) and request.method == "GET":
            return RedirectResponse("/login", status_code=303)
        return templates.TemplateResponse(
            request,
            "error.html",
            {"message": exc.message, "status": exc.http_status, "user": None},
            status_code=exc.http_status,
        )
