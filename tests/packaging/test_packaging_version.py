"""`planner --version` prints the version written once, in planner/__init__.py, that pyproject reads."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import planner
from planner.main import main

REPO = Path(__file__).resolve().parents[2]


def test_pyproject_reads_the_version_from_the_package():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in project["project"]["dynamic"]
    assert "version" not in project["project"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "planner.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", planner.__version__)


def test_version_flag_prints_the_package_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"planner {planner.__version__}\n"


def test_the_console_command_prints_it_without_loading_qt():
    code = "import sys; from planner.main import main; main(['--version']); print('PySide6' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split("\n")[:2] == [f"planner {planner.__version__}", "False"]


def test_a_package_extra_pins_pyinstaller():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    extras = project["project"]["optional-dependencies"]
    assert any(requirement.startswith("pyinstaller>=6.10") for requirement in extras["package"])
