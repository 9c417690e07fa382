"""Take the tutorial's screenshots (docs/tutorial.md) from the real app on the demo review.

    .venv/bin/python docs/make_screenshots.py [--out docs/images] [--only NAME ...]

It builds the demo into a temporary folder twice: as ``sysreview demo`` does (``demo-review``,
every decision made), and stopped before screening (``practice-review``, where the script imports
a file, finds duplicates and screens with the keyboard as the pictures of those steps show). It
serves each under uvicorn on a loopback port, runs the CLI commands whose files the tutorial
shows (Table 1, Tables 2-3, the report), and drives Debian's Chromium at laptop size through
``PAGES``. Each entry of ``PAGES`` is one picture: a page someone adds to the app needs one entry
here and one paragraph in the tutorial (tests/docs/test_tutorial.py checks both). Entries run in
order and a later one sees what the actions of an earlier one did, so a picture of the practice
review taken with ``--only`` can differ from the one a whole run takes.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, chdir, contextmanager
from dataclasses import dataclass
from pathlib import Path
from socket import socket

import uvicorn
from PIL import Image
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright
from typer.testing import CliRunner

from sysreview.cli import app as cli_app
from sysreview.demo import DEMO_PASSWORD, EXCLUSION_REASONS, build_demo
from sysreview.web import create_app

IMAGES = Path(__file__).parent / "images"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
VIEWPORT: ViewportSize = {"width": 1366, "height": 768}
DEMO, PRACTICE = "demo-review", "practice-review"

# A made-up MEDLINE export for the practice review's import: two records that look like reports
# already in the demo (so the duplicate queue has pairs to show) and one new record.
SAMPLE_EXPORT_NAME = "medline-sample.ris"
SAMPLE_EXPORT = """TY  - JOUR
AU  - Eisen, S.
PY  - 2013
TI  - Evaluate the benefits of peer mentoring for residents.
N1  - Made up for the sysreview tutorial.
ER  -

TY  - JOUR
AU  - Hilliard, R.
PY  - 2007
TI  - Exploring paediatric residents' ethical conflicts and their coping strategies
N1  - Made up for the sysreview tutorial.
ER  -

TY  - JOUR
AU  - Example, A.
PY  - 2016
TI  - A made-up record: peer support groups among surgical residents
AB  - Made up for the sysreview tutorial; it resembles no report in the demo.
N1  - Made up for the sysreview tutorial.
ER  -
"""

# An action is a verb and its arguments, run on the page before the picture:
#   ("fill", selector, text)    ("select", selector, option)   ("click", selector)
#   ("keys", "iie")             one key per record, waiting for the next record each time
#   ("press", key)              one key, nothing awaited     ("wait", selector)
#   ("scroll", selector)        bring an element to the top of the window
#   ("upload", selector, name)  put a file of the work folder into a file input
#   ("top",)                    scroll back to the top of the page
Action = tuple[str, ...]


@dataclass(frozen=True)
class Shot:
    """One screenshot: ``images/<name>.png`` of ``path`` as ``user`` sees it in ``review``.

    ``path`` is a URL path on the server, ``{slug}`` standing for the review's; a path that
    starts with ``file:`` is a file the CLI wrote (see ``CLI_OUTPUTS``) in the demo folder.
    ``user`` None means nobody is logged in. ``actions`` run in order before the picture.
    """

    name: str
    user: str | None
    path: str
    review: str = DEMO
    actions: tuple[Action, ...] = ()
    full_page: bool = False  # the whole page, not just the first screenful

    @property
    def served(self) -> bool:
        return not self.path.startswith("file:")

    def url_path(self, slug: str) -> str:
        return self.path.replace("{slug}", slug)


PAGES: list[Shot] = [
    Shot(
        "login",
        None,
        "/login",
        actions=(
            ("fill", "input[name=username]", "hp"),
            ("fill", "input[name=password]", DEMO_PASSWORD),
        ),
    ),
    Shot("reviews", "hp", "/reviews"),
    Shot("dashboard", "hp", "/reviews/{slug}", full_page=True),
    Shot("search", "hp", "/reviews/{slug}/search"),
    Shot("search-log", "hp", "/reviews/{slug}/search/log"),
    Shot(
        "import",
        "hp",
        "/reviews/{slug}/import",
        PRACTICE,
        actions=(
            ("upload", "input[name=files]", SAMPLE_EXPORT_NAME),
            ("fill", "input[name=source]", "MEDLINE"),
            ("fill", "input[name=platform]", "Ovid"),
            ("fill", "input[name=searched_on]", "2017-11-01"),
            ("fill", "textarea[name=query]", "(peer adj3 mentor*).mp."),
            ("click", "#import-form button[type=submit]"),
            ("wait", "[data-testid=import-result]"),
            ("top",),
        ),
    ),
    Shot(
        "duplicates",
        "hp",
        "/reviews/{slug}/duplicates",
        PRACTICE,
        actions=(("click", "text=Find duplicates"), ("wait", "[data-testid=pairs-count]")),
    ),
    Shot(
        "screen-title-abstract",
        "ln",
        "/reviews/{slug}/screen/title_abstract",
        PRACTICE,
        actions=(("keys", "iieieiei"),),
    ),
    Shot(
        "screen-second-reviewer",
        "dll",
        "/reviews/{slug}/screen/title_abstract",
        PRACTICE,
        actions=(("keys", "ieeieiee"),),
    ),
    Shot("ranking", "ln", "/reviews/{slug}/ranking/title_abstract", PRACTICE),
    Shot("conflicts", "eop", "/reviews/{slug}/conflicts/title_abstract", PRACTICE),
    Shot(
        "screen-full-text",
        "ln",
        "/reviews/{slug}/screen/full_text",
        PRACTICE,
        actions=(
            ("press", "e"),
            ("wait", "[data-testid=screen-error]:not([hidden])"),
            ("select", "select[name=reason]", EXCLUSION_REASONS[0]),
        ),
    ),
    Shot("agreement", "eop", "/reviews/{slug}/agreement", PRACTICE),
    Shot("records", "hp", "/reviews/{slug}/screen/full_text/records"),
    Shot("studies", "hp", "/reviews/{slug}/studies"),
    Shot("study-extraction", "hp", "/reviews/{slug}/studies/1/extraction"),
    Shot("table-1", None, "file:table1.html"),
    Shot("appraisal", "hp", "/reviews/{slug}/appraisal"),
    Shot(
        "study-appraisal",
        "hp",
        "/reviews/{slug}/studies/1/appraisal/jbi-cross-sectional-modified",
    ),
    Shot("table-2", None, "file:table2.html"),
    Shot("table-3", None, "file:table3.html"),
    Shot("synthesis", "hp", "/reviews/{slug}/synthesis"),
    Shot("synthesis-themes", "hp", "/reviews/{slug}/synthesis/themes"),
    Shot("synthesis-coding", "hp", "/reviews/{slug}/synthesis/studies/1/coding"),
    Shot("prisma", "hp", "/reviews/{slug}/prisma"),
    Shot("report", None, "file:report/report.html"),
    Shot(
        "report-appraisal",
        None,
        "file:report/report.html",
        actions=(("scroll", "#results-appraisal"),),
    ),
    Shot("audit", "hp", "/reviews/{slug}/audit"),
]

# The commands (as printed in the tutorial, run in the demo review) that write the files above.
CLI_OUTPUTS: list[list[str]] = [
    ["extraction", "table", "--out", "table1.html", "-r", DEMO, "--as", "hp"],
    [
        "appraisal",
        "table",
        "--tool",
        "jbi-cross-sectional-modified",
        "--out",
        "table2.html",
        "-r",
        DEMO,
        "--as",
        "hp",
    ],
    [
        "appraisal",
        "table",
        "--tool",
        "casp-qualitative-rated",
        "--out",
        "table3.html",
        "-r",
        DEMO,
        "--as",
        "hp",
    ],
    ["report", "--out", "report", "--format", "html", "-r", DEMO, "--as", "hp"],
]


def _free_port() -> int:
    with socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(folder: Path, with_decisions: bool) -> Iterator[tuple[str, str]]:
    """The demo built in ``folder``, served on a loopback port: (base URL, review slug)."""
    demo = build_demo(folder, with_decisions=with_decisions)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(demo.store), host="127.0.0.1", port=_free_port(), log_level="error"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}", demo.review.slug
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        demo.store.dispose()


def write_cli_outputs(work: Path) -> None:
    """Run each of ``CLI_OUTPUTS`` in ``work`` (where the demo folder is), failing loudly."""
    runner = CliRunner()
    with chdir(work):
        for argv in CLI_OUTPUTS:
            result = runner.invoke(cli_app, argv)
            if result.exit_code != 0:
                raise RuntimeError(f"sysreview {' '.join(argv)}: {result.output}")


def log_in(page: Page, base: str, user: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/reviews")


def perform(page: Page, action: Action, work: Path) -> None:
    """Run one action of a ``Shot`` on the page."""
    verb, *args = action
    if verb == "fill":
        page.fill(args[0], args[1])
    elif verb == "select":
        page.select_option(args[0], args[1])
    elif verb == "click":
        page.click(args[0])
    elif verb == "press":
        page.keyboard.press(args[0])
    elif verb == "wait":
        page.wait_for_selector(args[0])
    elif verb == "top":
        page.evaluate("window.scrollTo(0, 0)")
    elif verb == "upload":
        page.set_input_files(args[0], str(work / args[1]))
    elif verb == "scroll":
        page.locator(args[0]).evaluate("element => element.scrollIntoView()")
    elif verb == "keys":
        for key in args[0]:
            shown = page.locator("#screen-record").get_attribute("data-record-id") or ""
            page.keyboard.press(key)
            expect(page.locator("#screen-record")).not_to_have_attribute("data-record-id", shown)
    else:
        raise ValueError(f"unknown action {verb!r} in {action!r}")


def take(
    browser: Browser, shot: Shot, servers: dict[str, tuple[str, str]], work: Path, out: Path
) -> Path:
    """Open the shot's page in a fresh browser context, run its actions, write the PNG."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    try:
        page = context.new_page()
        if shot.served:
            base, slug = servers[shot.review]
            if shot.user:
                log_in(page, base, shot.user)
            page.goto(base + shot.url_path(slug))
        else:
            page.goto((work / shot.path.removeprefix("file:")).as_uri())
        page.wait_for_load_state("networkidle")
        for action in shot.actions:
            perform(page, action, work)
        target = out / f"{shot.name}.png"
        shrink(page.screenshot(full_page=shot.full_page), target)
        return target
    finally:
        context.close()


def shrink(png: bytes, target: Path) -> None:
    """Write the screenshot with a palette of 128 colours: text and flat boxes stay sharp and a
    page weighs well under 150 KB."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=IMAGES, help="folder for the PNGs")
    parser.add_argument("--only", nargs="*", default=[], help="shot names to take")
    options = parser.parse_args(argv)
    options.out.mkdir(parents=True, exist_ok=True)
    shots = [s for s in PAGES if not options.only or s.name in options.only]
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack, sync_playwright() as pw:
        work = Path(tmp)
        servers = {
            DEMO: stack.enter_context(serve(work / DEMO, with_decisions=True)),
            PRACTICE: stack.enter_context(serve(work / PRACTICE, with_decisions=False)),
        }
        write_cli_outputs(work)
        (work / SAMPLE_EXPORT_NAME).write_text(SAMPLE_EXPORT, encoding="utf-8")
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for shot in shots:
                target = take(browser, shot, servers, work, options.out)
                print(f"{target} {target.stat().st_size // 1024} KB")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
