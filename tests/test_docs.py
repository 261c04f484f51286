"""Docs that cannot drift: every setting and every command is documented."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from idmapping.cli.commands import cli
from idmapping.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]


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


def render_cli_reference() -> str:
    parts = ["# Command line", "", "Generated from `idmapping --help`; `tests/test_docs.py` "
             "checks it is current (regenerate: `python -m tests.test_docs`).", ""]
    for name in cli.commands:
        help_text = CliRunner().invoke(cli, [name, "--help"], prog_name="idmapping").output
        parts += [f"## idmapping {name}", "", "```", help_text.rstrip("\n"), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    (ROOT / "docs" / "cli.md").write_text(render_cli_reference())
