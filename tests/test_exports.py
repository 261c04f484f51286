"""The package's public names: its ``__all__`` against what exists, the error tree, and the API
its docstring documents (the one place the library's API is written down)."""

from __future__ import annotations

import inspect
import re

import idmapping
from idmapping import errors

# a line of the tree drawn in errors.py: "├── NotFound   404  ..." (status, or --- for none)
TREE_LINE = re.compile(r"^[\s│├└─]*(\w+)\s+(\d{3}|---)\s", re.MULTILINE)


def _documented_api() -> set[str]:
    """The names the package docstring lists as the library's API."""
    doc = idmapping.__doc__ or ""
    assert "The library's API is" in doc, "the package docstring no longer lists the API"
    section = doc.split("The library's API is", 1)[1]
    names = set(re.findall(r":(?:func|class):`(\w+)`", section))
    if ":mod:`idmapping.errors`" in section:
        names |= set(errors.__all__)
    if "``__version__``" in section:
        names.add("__version__")
    return names


def test_every_exported_name_exists() -> None:
    for name in idmapping.__all__:
        assert hasattr(idmapping, name), name
    assert len(set(idmapping.__all__)) == len(idmapping.__all__), "a name is listed twice"


def test_nothing_public_is_left_out_of_all() -> None:
    public = {n for n in vars(idmapping) if not n.startswith("_")}
    modules = {n for n in public if inspect.ismodule(getattr(idmapping, n))}
    assert public - modules == set(idmapping.__all__) - {"__version__"}


def test_every_error_is_exported() -> None:
    missing = set(errors.__all__) - set(idmapping.__all__)
    assert not missing, f"errors not exported from idmapping: {sorted(missing)}"
    for name in errors.__all__:
        assert getattr(idmapping, name) is getattr(errors, name)


def test_the_error_tree_is_complete() -> None:
    """errors.__all__ holds every error class of the module, and the tree drawn in its
    docstring shows each of them with its HTTP status."""
    classes = {name for name, value in vars(errors).items()
               if inspect.isclass(value) and issubclass(value, errors.IdMappingError)}
    assert set(errors.__all__) == classes
    drawn = dict(TREE_LINE.findall(errors.__doc__ or ""))
    assert set(drawn) == classes
    for name, status in drawn.items():
        if status != "---":
            assert getattr(errors, name).status == int(status), name


def test_all_is_the_documented_api() -> None:
    documented = _documented_api()
    assert set(idmapping.__all__) - documented == set(), "exported but not documented"
    assert documented - set(idmapping.__all__) == set(), "documented but not exported"


def test_the_package_imports_biopython_only_when_used() -> None:
    """Biopython's alignment, tree and sequence-file modules are imported when an alignment or
    an isoform file needs them, not with the package: they were 0.4 s of every command's
    start-up, a load's and the server's included."""
    import subprocess
    import sys

    code = ("import sys, idmapping, idmapping.cli.commands; "
            "print(sorted(m for m in sys.modules if m == 'Bio' or m.startswith('Bio.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
