"""Docs that cannot drift: every setting and every command is documented, and every example
in a docstring runs."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import idmapping
from idmapping.cli.commands import cli
from idmapping.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]

# Every module of the package, by import name (``python -m`` entry points excluded: importing
# one runs it). The doctests run here, inside a test, rather than through
# ``--doctest-modules`` on src/: that collects src/idmapping/*.py by file path, which clashes
# ("import file mismatch") with the installed package whenever it is not an editable install,
# and would import every helper script under tests/ as well. Here the modules are imported the
# way users import them, and the suite's warning filters (``error``) apply to the examples.
MODULES = sorted(
    info.name for info in pkgutil.walk_packages(idmapping.__path__, prefix="idmapping.")
    if not info.name.endswith(".__main__")
)


def test_every_setting_is_documented_with_its_default() -> None:
    text = (ROOT / "docs" / "settings.md").read_text()
    for setting in SETTINGS:
        default = setting.default if setting.default != "" else "(empty)"
        assert f"| `IDMAPPING_{setting.name.upper()}` | `{default}` | {setting.help} |" in text


def test_every_command_is_in_the_cli_reference() -> None:
    text = (ROOT / "docs" / "cli.md").read_text()
    for name in cli.commands:
        assert f"## idmapping {name}" in text, name
        help_text = CliRunner().invoke(cli, [name, "--help"], prog_name="idmapping").output
        assert f"```\n{help_text}```" in text, f"docs/cli.md is stale for {name}: " \
            "regenerate it with: python -m tests.test_docs"


def test_readme_links_the_docs() -> None:
    readme = (ROOT / "README.md").read_text()
    for doc in ("docs/mapping.md", "docs/settings.md", "docs/cli.md", "docs/api.md"):
        assert doc in readme


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    tests = doctest.DocTestFinder().find(module, name)
    examples = sum(len(test.examples) for test in tests)
    # a ">>>" the finder misses (an example in a string it does not look at) would never run
    assert examples or ">>>" not in inspect.getsource(module), f"{name}: examples not found"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report: list[str] = []
    for test in tests:
        runner.run(test, out=report.append)
        test.globs.clear()
    assert runner.failures == 0, "".join(report)


def render_cli_reference() -> str:
    parts = ["# Command line", "", "Generated from `idmapping --help`; `tests/test_docs.py` "
             "checks it is current (regenerate: `python -m tests.test_docs`).", ""]
    for name in cli.commands:
        help_text = CliRunner().invoke(cli, [name, "--help"], prog_name="idmapping").output
        parts += [f"## idmapping {name}", "", "```", help_text.rstrip("\n"), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    (ROOT / "docs" / "cli.md").write_text(render_cli_reference())
