"""The layers of entries/, uniprot/ and demo/: no import cycle, no module over 600 lines,
uniprot/ below entries/, and the demo generator a tool that nothing at run time imports."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import idmapping

PACKAGE = Path(idmapping.__file__).parent
LAYERED = ("idmapping.entries", "idmapping.uniprot", "idmapping.demo")
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _target(name: str) -> str | None:
    """The idmapping module that an imported name lives in (a module, or a name in one)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> set[str]:
    """The idmapping modules *module* imports: at the top, in functions, for type checking."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(t for n in names if (t := _target(n)) is not None and t != module)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while (top := stack.pop()) != node:
                component.append(top)
            if component:
                found.append(sorted([node, *component]))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def _layered(module: str) -> bool:
    return module.startswith(LAYERED)


def test_no_import_cycle_through_the_layered_packages() -> None:
    graph = {module: _imports(module) for module in MODULES}
    assert [c for c in _cycles(graph) if any(_layered(m) for m in c)] == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize(
    ("layer", "above"),
    [
        # file readers and writers know nothing of datasets, stores or the service
        ("idmapping.uniprot", ("entries", "demo", "store", "loader", "jobs", "results", "web",
                               "cli", "mapping")),
        # datasets and cells are read by results and web, never the other way round
        ("idmapping.entries", ("demo", "loader", "jobs", "results", "web", "cli")),
    ],
)
def test_lower_layers_do_not_import_upper_ones(layer: str, above: tuple[str, ...]) -> None:
    forbidden = tuple(f"idmapping.{name}" for name in above)
    wrong = {
        module: sorted(t for t in _imports(module) if t.startswith(forbidden))
        for module in MODULES
        if module.startswith(layer)
    }
    assert {module: targets for module, targets in wrong.items() if targets} == {}


def test_modules_are_small() -> None:
    sizes = {
        module: len(path.read_text(encoding="utf-8").splitlines())
        for module, path in MODULES.items()
        if _layered(module)
    }
    assert sizes and {module: n for module, n in sizes.items() if n > MAX_LINES} == {}


def test_the_runtime_never_imports_the_demo_generator() -> None:
    """The web app, the loader, the command line and the job service leave idmapping.demo
    unimported (the demo data ships; only ``idmapping demo`` runs the generator). A fresh
    interpreter, so that what other tests imported does not count."""
    code = (
        "import sys\n"
        "import idmapping.web, idmapping.loader, idmapping.cli, idmapping.jobs.service\n"
        "print(sorted(m for m in sys.modules if m.startswith('idmapping.demo')))\n"
    )
    path = os.pathsep.join([str(PACKAGE.parent), os.environ.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": path},
    )
    assert done.stdout.strip() == "[]"
