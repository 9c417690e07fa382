"""The tutorial (docs/tutorial.md) stays true to the app: every picture it shows exists and is
made by docs/make_screenshots.py, every `sysreview` command it prints parses against the real
CLI, and every page the screenshot script visits answers its user on a demo server."""

from __future__ import annotations

import importlib.util
import re
import shlex
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import httpx
import pytest
import typer

from sysreview.cli import app as cli_app
from sysreview.demo import DEMO_PASSWORD, build_demo
from sysreview.web import create_app
from tests.servers import running_server

DOCS = Path(__file__).resolve().parents[2] / "docs"
TUTORIAL = DOCS / "tutorial.md"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The parser's usage error (unknown command or option, missing or bad value): BadParameter's base,
# whether Typer runs on click or on its own copy of it.
UsageError = cast(type[Exception], typer.BadParameter.__base__)


def _screenshot_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_screenshots", DOCS / "make_screenshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


SCRIPT = _screenshot_script()


def _images(text: str) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)


def _command_lines(text: str) -> list[str]:
    """`sysreview …` lines of the code blocks (indented or fenced) and inline code spans."""
    text = re.sub(r"\\\n\s*", " ", text)  # a command continued on the next line
    lines, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif (fenced or line.startswith("    ")) and line.strip().startswith("sysreview "):
            lines.append(line.strip())
    spans = re.findall(r"`(sysreview [^`]+)`", text.replace("\n", " "))
    return lines + [re.sub(r"\s+", " ", span) for span in spans]


@cache
def _cli() -> Any:
    """The click command tree behind the Typer app, built once (building it takes a while)."""
    return typer.main.get_command(cli_app)


def parse(argv: list[str]) -> None:
    """Parse ``sysreview ARGV`` as the real CLI would, down to the leaf command, running
    nothing: an unknown command or option, a missing argument or a bad value raises."""
    command = _cli()
    context = command.make_context("sysreview", list(argv))
    while hasattr(command, "resolve_command"):  # a group: find the subcommand, parse on
        rest = [*getattr(context, "_protected_args", []), *context.args]
        if not rest:
            if getattr(command, "invoke_without_command", False):
                break  # a group that runs by itself, such as `sysreview prisma`
            raise UsageError(f"`sysreview {' '.join(argv)}` needs a subcommand")
        name, found, rest = command.resolve_command(context, rest)
        assert name is not None and found is not None, argv
        command = found
        context = command.make_context(name, rest, parent=context)


def _names_a_command(argv: list[str]) -> bool:
    """Whether ``argv`` is just a command's name, as prose mentions one (`sysreview archive`)."""
    command = _cli()
    for name in argv:
        found = command.get_command(None, name) if hasattr(command, "get_command") else None
        if found is None:
            return False
        command = found
    return bool(argv)


def test_every_picture_exists_and_comes_from_the_screenshot_script() -> None:
    text = TUTORIAL.read_text(encoding="utf-8")
    shown = _images(text)
    assert len(shown) >= 15, shown
    names = [shot.name for shot in SCRIPT.PAGES]
    assert len(names) == len(set(names)), "two shots would write the same picture"
    made = {f"images/{name}.png" for name in names}
    for image in shown:
        path = DOCS / image
        assert path.is_file(), f"docs/tutorial.md shows {image}, which does not exist"
        assert path.read_bytes()[:8] == PNG_SIGNATURE, image
        assert path.stat().st_size < 150_000, f"{image} weighs {path.stat().st_size} bytes"
        assert image in made, f"{image} is not made by docs/make_screenshots.py"
    assert made <= set(shown), f"pictures taken but never shown: {sorted(made - set(shown))}"


def test_the_sample_export_in_the_tutorial_is_the_one_the_script_imports() -> None:
    text = TUTORIAL.read_text(encoding="utf-8")
    block = re.search(r"<summary>medline-sample\.ris.*?```\n(.*?)```", text, re.S)
    assert block is not None
    assert block.group(1) == SCRIPT.SAMPLE_EXPORT


def test_the_command_parser_refuses_what_the_cli_refuses() -> None:
    parse(["status", "-r", "demo-review", "--as", "hp"])
    for wrong in (
        ["statuss"],
        ["status", "--nope"],
        ["appraisal", "table", "--out", "t.html"],  # --tool is required
        ["fulltext", "attach", "one", "a.pdf"],  # record ids are numbers
        ["user", "frobnicate"],
    ):
        with pytest.raises(UsageError):
            parse(wrong)


DOCUMENTS = [TUTORIAL, DOCS.parent / "README.md", *sorted(set(DOCS.glob("*.md")) - {TUTORIAL})]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_command_in_the_docs_parses_against_the_real_cli(document: Path) -> None:
    commands = _command_lines(document.read_text(encoding="utf-8"))
    if document == TUTORIAL:
        assert len(commands) >= 30, commands
    for line in commands:
        line = re.sub(r"\[(--[^\]]+)\]", r"\1", line)  # "[--json]": an optional flag, shown so
        argv = shlex.split(line, comments=True)
        assert argv[0] == "sysreview"
        if _names_a_command(argv[1:]):
            continue  # prose naming a command, such as `sysreview archive write`
        try:
            parse(argv[1:])
        except UsageError as exc:
            pytest.fail(f"{document.name}: `{line}` does not parse: {exc}")


def test_the_commands_that_make_the_pictured_files_are_the_tutorial_s() -> None:
    printed = {tuple(shlex.split(line)[1:]) for line in _command_lines(TUTORIAL.read_text())}
    for argv in SCRIPT.CLI_OUTPUTS:
        parse(argv)
        assert tuple(argv) in printed, f"sysreview {' '.join(argv)} is not in the tutorial"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """Both reviews the screenshots use, in one store behind one real server: its base URL and
    each review's slug."""
    folder = tmp_path_factory.mktemp("tutorial")
    url = f"sqlite:///{folder / 'reviews.db'}"
    demo = build_demo(folder / SCRIPT.DEMO, url)
    practice = build_demo(folder / SCRIPT.PRACTICE, url, with_decisions=False)
    slugs = {SCRIPT.DEMO: demo.review.slug, SCRIPT.PRACTICE: practice.review.slug}
    with running_server(create_app(demo.store)) as base:
        yield base, slugs
    practice.store.dispose()
    demo.store.dispose()


def _logged_in(base: str, user: str | None) -> httpx.Client:
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    if user is not None:
        client.get("/login")
        token = client.cookies.get("sysreview_login_csrf")
        form = {"username": user, "password": DEMO_PASSWORD, "csrf_token": token}
        assert client.post("/login", data=form).status_code == 303, user
    return client


def test_every_page_the_screenshots_visit_answers_its_user(
    demo_server: tuple[str, dict[str, str]],
) -> None:
    base, slugs = demo_server
    served = [shot for shot in SCRIPT.PAGES if shot.served]
    assert len(served) >= 10
    clients: dict[str | None, httpx.Client] = {}
    try:
        for shot in served:
            if shot.user not in clients:
                clients[shot.user] = _logged_in(base, shot.user)
            path = shot.url_path(slugs[shot.review])
            response = clients[shot.user].get(path)
            assert response.status_code == 200, f"{shot.name}: {path} as {shot.user}"
            assert "text/html" in response.headers["content-type"], shot.name
    finally:
        for client in clients.values():
            client.close()
    # the check can fail: a page of the other review, or without a login, is refused
    nobody = _logged_in(base, None)
    assert nobody.get(f"/reviews/{slugs[SCRIPT.DEMO]}").status_code != 200
    nobody.close()
