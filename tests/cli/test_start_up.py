"""The ``sysreview`` command starts without loading the ranking models: scikit-learn and SciPy's
statistics cost about a second and a half of every command's start, and most commands never
rank. A command that does rank loads them then."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sklearn", "scipy.stats")


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    return result.stdout.split()


def test_the_command_and_its_help_do_not_load_the_ranking_models() -> None:
    code = (
        "from typer.testing import CliRunner\n"
        "from sysreview.cli import app\n"
        "for args in (['--help'], ['simulate', '--help'], ['ranking', '--help']):\n"
        "    assert CliRunner().invoke(app, args).exit_code == 0, args\n"
    )
    assert _loaded_after(code) == []


def test_the_ranking_package_loads_a_model_when_one_is_asked_for() -> None:
    assert _loaded_after("import sysreview.ranking") == []
    loaded = _loaded_after("from sysreview.ranking import build_model\nbuild_model('elas_u4')")
    assert loaded == ["sklearn", "scipy.stats"]
