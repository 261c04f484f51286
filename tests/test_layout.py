"""The package's shape: no import cycle, no module over 600 lines, SQL only in ``store/``.

The import graph is read from the source (``ast``): every ``import`` of an idmapping module,
at module level or inside a function (a late import is still a dependency), except those under
``if TYPE_CHECKING:``, which never run. An allow-list names today's known offenders outside
this branch's area; each entry is a debt for the lead to pay, and the test fails when an entry
is no longer needed, so that the list only shrinks.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "idmapping"
MAX_LINES = 600

# No module is allowed over the size, and no cycle: the sets stay empty (a stale entry fails).
OVERSIZED_ALLOWED: set[str] = set()
CYCLES_ALLOWED: set[frozenset[str]] = set()

# What store/ may import: the store is the bottom layer, under the loader, the engine and
# the shells (searchwords: how a query's terms are cut into words, as the loader cuts entries').
STORE_MAY_IMPORT = ("idmapping.store", "idmapping.errors", "idmapping.model",
                    "idmapping.catalogue", "idmapping.ids", "idmapping.searchwords")

# SQL statements, as code writes them (upper-case keywords followed by what a statement has
# next: a table, a column list, SET), over whole files, since a query is often split over
# several string literals; prose ("select the rows from") does not match.
SQL = re.compile(
    r"\bSELECT\b[^;]{0,300}?\bFROM\s+[\w.{(]"
    r"|\bINSERT\s+(?:OR\s+[A-Z]+\s+)?INTO\s+[\w.{]"
    r"|\bCREATE\s+(?:UNIQUE\s+|TEMP\s+|TEMPORARY\s+|UNLOGGED\s+)*(?:TABLE|INDEX)\b"
    r"|\bUPDATE\s+[\w.{}]+\s+SET\b"
    r"|\bDELETE\s+FROM\s+[\w.{]"
)


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imported(name: str, path: Path) -> set[str]:
    """The idmapping modules that module *name* imports when it runs."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.add(sub if sub in MODULES else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    return {t for t in targets if t in MODULES and t != name}


GRAPH = {name: _imported(name, path) for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_the_checks_see_the_package() -> None:
    assert len(MODULES) > 50
    assert "idmapping.store.sqlite" in GRAPH["idmapping.store"]  # imported in a function
    assert "idmapping.store.base" in GRAPH["idmapping.mapping"]


@pytest.mark.parametrize("source", [
    "x = f'SELECT a, b FROM {table} WHERE c = ?'",  # a query
    'x = ("SELECT e.accession, e.name "\n     "FROM rel.entries e")',  # over two literals
    "x = 'INSERT OR REPLACE INTO jobs VALUES (?)'",  # an insert
    "x = 'CREATE UNIQUE INDEX a ON b (c)'",  # DDL
    "x = 'UPDATE jobs SET status = ?'",  # an update
    "x = 'DELETE FROM job_results WHERE job = ?'",  # a delete
])
def test_sql_is_recognised(source: str) -> None:
    assert SQL.search(source)


@pytest.mark.parametrize("source", [
    '"""Select the rows from the table, then update the set of ids."""',  # prose
    "# delete from the list, insert into the queue, create a table of contents",  # lower case
    "x = 'SELECT'",  # a word alone (a form's <select>)
])
def test_prose_is_not_sql(source: str) -> None:
    assert not SQL.search(source)


def test_no_import_cycle() -> None:
    cycles = _cycles(GRAPH)
    unexpected = [sorted(c) for c in cycles if c not in CYCLES_ALLOWED]
    assert not unexpected, f"import cycles: {unexpected}"
    stale = [sorted(c) for c in CYCLES_ALLOWED if c not in cycles]
    assert not stale, f"no longer a cycle: remove from CYCLES_ALLOWED: {stale}"


def test_no_module_over_600_lines() -> None:
    sizes = {str(path.relative_to(SRC)): len(path.read_text().splitlines())
             for path in MODULES.values()}
    over = {name: n for name, n in sizes.items() if n > MAX_LINES}
    unexpected = {name: n for name, n in over.items() if name not in OVERSIZED_ALLOWED}
    assert not unexpected, f"modules over {MAX_LINES} lines: {unexpected}"
    stale = sorted(OVERSIZED_ALLOWED - set(over))
    assert not stale, f"no longer over {MAX_LINES} lines: remove from OVERSIZED_ALLOWED: {stale}"


def test_sql_only_in_the_store() -> None:
    found = []
    for name, path in MODULES.items():
        if name == "idmapping.store" or name.startswith("idmapping.store."):
            continue
        text = path.read_text()
        for match in SQL.finditer(text):
            number = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(SRC)}:{number}: {match.group(0)[:80]!r}")
    assert not found, "SQL outside store/:\n" + "\n".join(found)


def test_the_store_imports_nothing_above_it() -> None:
    wrong = {name: sorted(t for t in targets if not t.startswith(STORE_MAY_IMPORT))
             for name, targets in GRAPH.items()
             if name == "idmapping.store" or name.startswith("idmapping.store.")}
    assert not {n: t for n, t in wrong.items() if t}, wrong


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not n.endswith("__main__")))
def test_every_module_imports(name: str) -> None:
    importlib.import_module(name)
