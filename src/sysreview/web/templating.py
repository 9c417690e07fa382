"""Jinja2 templates with autoescaping on; nothing from a record is ever marked safe."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
assert templates.env.autoescape, "templates must autoescape"
