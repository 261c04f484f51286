"""Excel workbooks of results: the size a sheet may have, and the one sheet being written.

A sheet holds at most 16,384 columns and 1,048,576 rows, and XlsxWriter drops any cell beyond
them without an error, so a request for more is refused instead of being cut short. This
server also bounds what one workbook may cost (issue 14, row 4): its cells (setting
``max_xlsx_cells``), checked before any work from the size the result will have, and the
temporary files it takes to build (``max_xlsx_bytes``), checked as the rows are written.

>>> XlsxLimits(cells=1000, temp_bytes=10**6).check(rows=101, columns=12)
Traceback (most recent call last):
...
idmapping.errors.InvalidRequest: Invalid request received. This xlsx file would hold 1,212 cells ...
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import xlsxwriter  # type: ignore[import-untyped]  # no stubs upstream

from idmapping.errors import InvalidRequest
from idmapping.settings import Settings

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "XlsxLimits", "Sheet"]

MAX_COLUMNS = 16_384
"""Columns in an Excel sheet (XFD), and in XlsxWriter's."""

MAX_ROWS = 1_048_576
"""Rows in an Excel sheet, the header row included."""

_INSTEAD = "Ask for fewer fields, or another format such as tsv."


@dataclass(frozen=True)
class XlsxLimits:
    """This server's bounds on one xlsx result (Excel's own always apply as well).

    :param cells: the most cells, header row included (setting ``max_xlsx_cells``).
    :param temp_bytes: the most bytes of temporary files while the workbook is built
        (setting ``max_xlsx_bytes``).
    """

    cells: int
    temp_bytes: int

    @classmethod
    def of(cls, settings: Settings) -> XlsxLimits:
        """The limits set by *settings*."""
        return cls(settings.max_xlsx_cells, settings.max_xlsx_bytes)

    @classmethod
    def default(cls) -> XlsxLimits:
        """The limits of the default settings."""
        return _default_limits()

    @staticmethod
    def check_columns(columns: int) -> None:
        """Refuse a sheet wider than Excel's.

        :raises InvalidRequest: naming the limit and the width asked for.
        """
        if columns > MAX_COLUMNS:
            raise InvalidRequest(
                f"Invalid request received. An xlsx sheet holds at most {MAX_COLUMNS:,} "
                f"columns (Excel's limit); this request asks for {columns:,}. {_INSTEAD}")

    def check(self, rows: int, columns: int, complete: bool = True) -> None:
        """Refuse a sheet of *rows* (header included) × *columns* over Excel's or these
        limits.

        :param complete: *rows* is the whole sheet; False while it is still being written
            (the message then says "at least").
        :raises InvalidRequest: naming the limit or setting, and the numbers.
        """
        self.check_columns(columns)
        some = "" if complete else "at least "
        if rows > MAX_ROWS:
            raise InvalidRequest(
                f"Invalid request received. An xlsx sheet holds at most {MAX_ROWS:,} rows "
                f"(Excel's limit); this result needs {some}{rows:,}, the header row included. "
                "Ask for fewer results, or another format such as tsv.")
        if rows * columns > self.cells:
            raise InvalidRequest(
                f"Invalid request received. This xlsx file would hold {some}"
                f"{rows * columns:,} cells ({rows:,} rows of {columns:,} columns), more than "
                f"this server's limit of {self.cells:,} (setting max_xlsx_cells). {_INSTEAD}")

    def check_bytes(self, sheet_bytes: int, rows: int) -> None:
        """Refuse a workbook whose sheet, *sheet_bytes* of XML after *rows* rows, would take
        more temporary bytes than allowed to finish: closing the workbook copies the sheet
        once more before zipping it, so it takes about twice the sheet.

        :raises InvalidRequest: naming the setting and the numbers.
        """
        if 2 * sheet_bytes > self.temp_bytes:
            raise InvalidRequest(
                "Invalid request received. Building this xlsx file takes more than "
                f"{self.temp_bytes:,} bytes of temporary files, this server's limit (setting "
                f"max_xlsx_bytes): its sheet reached {sheet_bytes:,} bytes of XML after "
                f"{rows:,} rows, and is copied once more to be zipped. {_INSTEAD}")


@functools.cache
def _default_limits() -> XlsxLimits:
    return XlsxLimits.of(Settings.load(environ={}))


class Sheet:
    """A workbook of one sheet, written a row at a time into a private temporary directory.

    XlsxWriter's ``constant_memory`` mode writes each row to a temporary file as it comes;
    :meth:`chunks` closes the workbook (the rows are copied into the sheet's XML, which is
    zipped into a file in the same directory) and reads the file back. Nothing ever holds all
    rows in memory, and the temporary files are checked against *limits* as they grow.
    :meth:`discard` removes them at once, finished or not.

    :param limits: the bounds checked as rows come (Excel's are always checked).
    :param text: the text of a cell that is not a number or a boolean.
    """

    check_every: ClassVar[int] = 10_000
    """Cells written between two measures of the temporary files (a directory listing):
    rarely enough to cost nothing, often enough to stop a sheet of long cells early."""

    def __init__(self, limits: XlsxLimits, text: Callable[[Any], str]) -> None:
        self.limits = limits
        self.text = text
        self.rows = 0
        self._unmeasured = 0  # cells written since the temporary files were last measured
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._book: Any = None  # xlsxwriter.Workbook, untyped upstream
        self._sheet: Any = None

    def _open(self) -> None:
        """Create the workbook on first use, so an unused sheet holds no files."""
        if self._tmp is not None:
            return
        self._tmp = tempfile.TemporaryDirectory(prefix="idmapping-xlsx-")
        options = {
            "constant_memory": True,
            "tmpdir": self._tmp.name,  # every temporary file of the workbook is removed with it
            # Cells hold data, never formulas or links, whatever their text looks like.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": True,
        }
        path = os.path.join(self._tmp.name, "results.xlsx")
        self._book = xlsxwriter.Workbook(path, options)
        self._sheet = self._book.add_worksheet()

    def append(self, cells: Sequence[Any]) -> None:
        """Write one row, once it is known to fit.

        :raises InvalidRequest: the sheet would be over Excel's limits or *limits*.
        """
        self.limits.check(self.rows + 1, len(cells), complete=False)
        self._open()
        for col, value in enumerate(cells):
            self._write_cell(self.rows, col, value)
        self.rows += 1
        self._unmeasured += len(cells)
        if self._unmeasured >= self.check_every:
            self._unmeasured = 0
            self.limits.check_bytes(self.temp_bytes(), self.rows)

    def _write_cell(self, row: int, col: int, value: Any) -> None:
        """Write one cell: numbers as numbers, everything else as text."""
        if value is None:
            return
        if isinstance(value, bool):
            self._sheet.write_boolean(row, col, value)
        elif isinstance(value, float) or (isinstance(value, int) and abs(value) < 2**53):
            # Excel numbers are doubles; larger integers are kept exact as text.
            self._sheet.write_number(row, col, value)
        else:
            self._sheet.write_string(row, col, self.text(value))

    def temp_bytes(self) -> int:
        """The bytes of the temporary files so far (the rows written; 0 before the first)."""
        if self._tmp is None:
            return 0
        total = 0
        with os.scandir(self._tmp.name) as entries:
            for entry in entries:
                try:
                    total += entry.stat().st_size
                except FileNotFoundError:  # XlsxWriter removed it meanwhile
                    pass
        return total

    def chunks(self, size: int) -> Iterator[bytes]:
        """Close the workbook and yield the file in chunks of *size* bytes; the temporary
        files are removed at the end, or when the iteration is abandoned.

        :raises InvalidRequest: the temporary files would be over *limits* to finish.
        """
        self._open()
        try:
            self.limits.check_bytes(self.temp_bytes(), self.rows)
            self._book.close()
            with open(self._book.filename, "rb") as handle:
                while chunk := handle.read(size):
                    yield chunk
        finally:
            self.discard()

    def discard(self) -> None:
        """Remove the temporary files now; safe to call twice."""
        if self._tmp is None:
            return
        try:
            # In constant_memory mode XlsxWriter keeps the file of rows open until the
            # workbook is closed; closing the workbook would build the whole file, only to
            # throw it away. Closing the file itself lets its bytes go with the directory
            # now, rather than when the worksheet is garbage-collected.
            rows_file = getattr(self._sheet, "row_data_fh", None)
            if rows_file is not None:
                rows_file.close()
        finally:
            self._tmp.cleanup()
            self._tmp = None
            self._book = self._sheet = None
