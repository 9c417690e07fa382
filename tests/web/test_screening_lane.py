"""Screening requests are worked on in turn, not side by side (see SCREENING_LANE_CAPACITY),
while every other page keeps the server's thread pool."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse

from sysreview.web.screening import SCREENING_LANE_CAPACITY, in_screening_lane


class Overlap:
    """The most calls running at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.running = 0
        self.most = 0

    def work(self) -> None:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05)
        with self._lock:
            self.running -= 1


def _app(laned: Overlap, free: Overlap) -> FastAPI:
    app = FastAPI()

    @app.get("/laned/{n}")
    @in_screening_lane
    def laned_page(request: Request, n: int) -> Response:
        laned.work()
        return PlainTextResponse(str(n))

    @app.get("/free/{n}")
    def free_page(n: int) -> Response:
        free.work()
        return PlainTextResponse(str(n))

    return app


def _all_at_once(app: FastAPI, paths: list[str]) -> list[str]:
    async def fetch() -> list[str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            answers = await asyncio.gather(*(client.get(path) for path in paths))
        assert all(answer.status_code == 200 for answer in answers)
        return [answer.text for answer in answers]

    return asyncio.run(fetch())


def test_screening_requests_are_worked_on_in_turn_and_others_side_by_side() -> None:
    laned, free = Overlap(), Overlap()
    app = _app(laned, free)
    paths = [f"/laned/{n}" for n in range(6)] + [f"/free/{n}" for n in range(6)]
    answers = _all_at_once(app, paths)
    assert answers == [str(n) for n in range(6)] * 2  # each request got its own answer
    assert laned.most == SCREENING_LANE_CAPACITY == 1
    assert free.most > 1  # the server's pool does run requests side by side


def test_the_lane_keeps_the_endpoints_parameters_for_fastapi() -> None:
    app = _app(Overlap(), Overlap())
    spec = app.openapi()["paths"]["/laned/{n}"]["get"]
    assert [p["name"] for p in spec["parameters"]] == ["n"]
    assert _all_at_once(app, ["/laned/7"]) == ["7"]
