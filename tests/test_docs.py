"""Docs that cannot drift: every setting and every command is documented as the code says,
and every example in a docstring runs.

docs/settings.md and docs/cli.md are generated from the settings' declarations and from
``--help``; regenerate both with ``python -m tests.test_docs``.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import idmapping
from idmapping.cli.commands import cli
from idmapping.settings import SETTINGS, Setting

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


def _help(*names: str) -> str:
    return CliRunner().invoke(cli, [*names, "--help"], prog_name="idmapping").output


SETTINGS_PREAMBLE = """\
# Settings

Every setting is read from an `IDMAPPING_<NAME>` environment variable; the commands'
options override them. `idmapping settings` prints this table. It is generated from the
settings' declarations (`idmapping.settings.Settings`); `tests/test_docs.py` checks it is
current (regenerate: `python -m tests.test_docs`).

A value of the wrong type, or outside a setting's bounds, is refused when the settings are
loaded, with a message naming the setting and its variable.
"""


def _default(setting: Setting) -> str:
    """A default in the table: a value as code, a description (no value to show) as text."""
    if setting.shown_default is not None:
        return setting.shown_default
    return f"`{setting.default_text}`"


def render_settings_reference() -> str:
    """docs/settings.md, from the settings' declarations."""
    parts = [SETTINGS_PREAMBLE, "| variable | default | meaning | allowed |", "|---|---|---|---|"]
    for s in SETTINGS:
        bounds = [f"≥ {s.minimum:g}" if s.minimum is not None else "",
                  f"≤ {s.maximum:g}" if s.maximum is not None else ""]
        allowed = ", ".join(b for b in bounds if b) or (
            "true or false" if s.type is bool else "")
        parts.append(f"| `{s.env}` | {_default(s)} | {s.help} | {allowed} |")
    return "\n".join(parts) + "\n"


def render_cli_reference() -> str:
    """docs/cli.md, from each command's ``--help``."""
    parts = ["# Command line", "", "Generated from `idmapping --help`; `tests/test_docs.py` "
             "checks it is current (regenerate: `python -m tests.test_docs`).", "",
             "```", _help().rstrip("\n"), "```", ""]
    for names in _commands(cli):
        parts += [f"## idmapping {' '.join(names)}", "", "```", _help(*names).rstrip("\n"),
                  "```", ""]
    return "\n".join(parts)


def _commands(group: click.Group) -> list[tuple[str, ...]]:
    """The name path of every command under *group*, subcommands after their group."""
    found: list[tuple[str, ...]] = []
    for name, command in group.commands.items():
        found.append((name,))
        if isinstance(command, click.Group):
            found += [(name, *sub) for sub in _commands(command)]
    return found


def test_every_setting_is_documented_with_its_default() -> None:
    text = (ROOT / "docs" / "settings.md").read_text()
    for setting in SETTINGS:
        assert f"| `{setting.env}` | {_default(setting)} | {setting.help} |" in text
    assert text == render_settings_reference(), "docs/settings.md is stale: regenerate it " \
        "with: python -m tests.test_docs"


def test_every_command_is_in_the_cli_reference() -> None:
    text = (ROOT / "docs" / "cli.md").read_text()
    assert f"```\n{_help()}```" in text, "docs/cli.md is stale for idmapping --help"
    for names in _commands(cli):
        assert f"## idmapping {' '.join(names)}" in text, names
        assert f"```\n{_help(*names)}```" in text, f"docs/cli.md is stale for {names}: " \
            "regenerate it with: python -m tests.test_docs"
    assert ("jobs", "purge") in _commands(cli)
    assert text == render_cli_reference()


def _options(group: click.Group) -> list[tuple[str, click.Option]]:
    """Every option of every command under *group*, with the command's name."""
    found = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += [(f"{name} {sub}", option) for sub, option in _options(command)]
        found += [(name, p) for p in command.params if isinstance(p, click.Option)]
    return found


def test_setting_options_say_what_the_declarations_say() -> None:
    declared = {s.name: s for s in SETTINGS}
    seen = set()
    for command, option in _options(cli):
        setting = declared.get(option.name or "")
        if setting is None:
            continue
        seen.add(setting.name)
        assert option.help == (f"{setting.help} [env {setting.env}; "
                               f"default: {setting.default_text}]"), (command, option.name)
        assert option.default is None  # not given: the environment, then the default, decide
    assert {"store", "host", "port", "workers", "demo", "broker_url"} <= seen


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


if __name__ == "__main__":
    (ROOT / "docs" / "cli.md").write_text(render_cli_reference())
    (ROOT / "docs" / "settings.md").write_text(render_settings_reference())
