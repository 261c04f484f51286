"""What the command line shows people: download and load progress, the store report (rich)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from idmapping.download import Progress as DownloadCallback
from idmapping.loader import Progress as ProgressCallback
from idmapping.releases import ReleaseRow
from idmapping.report import StoreReport

__all__ = ["load_progress", "download_progress", "print_info"]


@contextlib.contextmanager
def load_progress(quiet: bool = False) -> Iterator[ProgressCallback | None]:
    """A progress bar on stderr driven by bytes read, with the rows/s rate; None if *quiet*."""
    if quiet:
        yield None
        return
    console = Console(stderr=True)
    columns = (TextColumn("[bold]loading"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
               TextColumn("{task.fields[rows]:>12,} rows {task.fields[rate]:>10,.0f} rows/s"),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("load", total=None, rows=0, rate=0.0)

        def update(done: int, total: int, rows: int) -> None:
            elapsed = bar.tasks[0].elapsed or 1e-9
            bar.update(task, completed=done, total=total, rows=rows, rate=rows / elapsed)

        yield update


@contextlib.contextmanager
def download_progress(quiet: bool = False) -> Iterator[DownloadCallback | None]:
    """One progress bar per file on stderr, driven by bytes received; None if *quiet*."""
    if quiet:
        yield None
        return
    console = Console(stderr=True)
    columns = (TextColumn("{task.description:<40}"), BarColumn(), DownloadColumn(),
               TransferSpeedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def update(name: str, done: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done, total=total)

        yield update


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:,.1f} {unit}" if unit != "B" else f"{n} B"
        value /= 1000
    return f"{n} B"  # pragma: no cover


def print_releases(rows: Sequence[ReleaseRow]) -> None:
    """Print the table of ``idmapping releases list``."""
    console = Console()
    if not rows:
        console.print("No release loaded: run 'idmapping load FILE...'")
        return
    table = Table()
    for column, justify in (("id", "right"), ("name", "left"), ("current", "left"),
                            ("date", "left"), ("loaded", "left"), ("entries", "right"),
                            ("size", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(f"#{row.id}", row.name, "yes" if row.current else "", row.date or "",
                      row.created, f"{row.entries:,}", _size(row.bytes))
    console.print(table)


def print_info(report: StoreReport) -> None:
    """Print the report of ``idmapping info`` as tables."""
    console = Console()
    console.print(f"Store: {report.store}  ({report.jobs} jobs)")
    if not report.releases:
        console.print("No release loaded: run 'idmapping load FILE...'")
    for release in report.releases:
        mark = " (current)" if release.current else ""
        table = Table(title=f"Release {release.name}{mark}: {release.state}, "
                            f"loaded {release.created}")
        table.add_column("ID_type")
        table.add_column("rows", justify="right")
        for name, count in release.counts.items():
            table.add_row(name, f"{count:,}")
        console.print(table)
    sizes = Table(title="Size on disk")
    sizes.add_column("part")
    sizes.add_column("size", justify="right")
    for part, size in report.sizes.items():
        sizes.add_row(part, _size(size))
    console.print(sizes)
