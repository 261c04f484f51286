"""How the PostgreSQL store writes idmapping.dat's xrefs: in key order, straight into the final
table, frozen, when the rows come so; else into a staging table sorted at the end.

The final ``xrefs`` table holds its rows sorted by ``(entry, db, value)`` (its index by entry
finds them there: :data:`~idmapping.store.schema.POSTGRES_INDEXES`), with
no row twice. idmapping.dat is grouped by accession, so a load of it hands the writer each
entry's rows in one place (or split over two batches) and the entries in increasing order of
number. :class:`OrderedXrefs` sorts each batch (Arrow, in C++: a few milliseconds a batch),
drops repeated rows, and holds back the batch's last entry until the next batch, which may
carry more of its rows. While every entry comes after those written, the rows go straight
into ``xrefs`` by ``COPY ... FREEZE`` (the table is created by the load's own transaction): no
sort of the whole table at the end, no rewrite of it as LOGGED, and no page left for
``VACUUM`` to freeze. The first entry out of order (a second file of mappings, rows added by
the row-by-row path, ``load --add``) sends everything from then on into the UNLOGGED staging
table ``xrefs_load``, and the end of the load merges the two tables with one sort, as every
load did before.

:func:`binary_copy` writes rows in PostgreSQL's binary COPY format from numpy and Arrow columns,
without a Python object per value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from idmapping.store.plans import XrefBatch

__all__ = ["BINARY_HEADER", "BINARY_TRAILER", "OrderedXrefs", "XrefRows", "binary_copy"]

BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
"""The start of PostgreSQL's binary COPY data: a signature, flags and header extension (none)."""

BINARY_TRAILER = b"\xff\xff"
"""The end of binary COPY data (a row of -1 fields)."""

Column: TypeAlias = "npt.NDArray[np.integer] | pa.Array"


def binary_copy(*columns: Column) -> bytes | pa.Buffer:
    """Rows of *columns* in binary COPY's form (without header and trailer): per row the number
    of fields, then each field's length and value, big-endian. An integer column (numpy) is
    sent as ``int4``, a string column (Arrow) as ``text``, its nulls as NULL (length -1).

    The fixed-size parts of consecutive fields are one numpy record per row, and Arrow joins
    them and the strings row by row, in C++.
    """
    count = len(columns[0])
    parts: list[pa.Array] = []
    fields: list[tuple[str, str]] = [("fields", ">i2")]
    values: dict[str, Column | int] = {"fields": len(columns)}

    def fixed() -> None:
        record = np.empty(count, dtype=fields)
        for name, value in values.items():
            record[name] = value
        if count:
            width = record.dtype.itemsize
            offsets = np.arange(0, width * (count + 1), width, dtype=np.int64)
            parts.append(pa.Array.from_buffers(
                pa.large_binary(), count, [None, pa.py_buffer(offsets),
                                           pa.py_buffer(record.tobytes())]))
        fields.clear()
        values.clear()

    for n, column in enumerate(columns):
        if isinstance(column, np.ndarray):
            fields.extend([(f"length{n}", ">i4"), (f"value{n}", ">i4")])
            values[f"length{n}"] = 4
            values[f"value{n}"] = column
            continue
        fields.append((f"length{n}", ">i4"))
        text = column.cast(pa.large_binary())
        values[f"length{n}"] = pc.fill_null(pc.binary_length(text), -1).to_numpy(
            zero_copy_only=False)
        fixed()
        parts.append(pc.fill_null(text, pa.scalar(b"", pa.large_binary())))
    if fields:
        fixed()
    if not count:
        return b""
    if len(parts) == 1:
        joined = parts[0]
    else:
        joined = pc.binary_join_element_wise(*parts, pa.scalar(b"", pa.large_binary()))
    offsets = np.frombuffer(joined.buffers()[1], np.int64, count + 1, joined.offset * 8)
    data = joined.buffers()[2]
    assert data is not None
    return data.slice(int(offsets[0]), int(offsets[-1] - offsets[0]))


@dataclass
class XrefRows:
    """Xrefs rows as columns: ``entry`` and ``db`` numbers, ``value`` and ``key`` strings."""

    entry: npt.NDArray[np.int64]
    db: npt.NDArray[np.int64]
    value: pa.Array
    key: pa.Array

    def __len__(self) -> int:
        return len(self.entry)

    @classmethod
    def of(cls, table: pa.Table) -> XrefRows:
        return cls(*(_numbers(table.column(c)) for c in ("entry", "db")),
                   *(_one_chunk(table.column(c)) for c in ("value", "key")))

    def table(self) -> pa.Table:
        return pa.table({"entry": self.entry, "db": self.db, "value": self.value,
                         "key": self.key})

    def copy_data(self) -> bytes | pa.Buffer:
        """The rows in binary COPY's form (:func:`binary_copy`)."""
        return binary_copy(self.entry, self.db, self.value, self.key)


@dataclass
class OrderedXrefs:
    """Splits the xrefs batches of a load into rows for the final table, in key order, and rows
    for the staging table, once the batches are out of order (see the module's docstring).

    :ivar ordered: whether every row so far went, or will go, to the final table.
    """

    ordered: bool = True
    last: int = -1
    """The largest entry written to the final table."""
    held: pa.Table | None = field(default=None, repr=False)
    """The rows of the last entry of the last batch, sorted: the next batch may add to them."""

    def add(self, batch: XrefBatch) -> tuple[XrefRows | None, XrefRows | None]:
        """``(rows for the final table, rows for the staging table)`` of *batch*."""
        table = pa.table({"entry": np.asarray(batch.entry, np.int64),
                          "db": np.asarray(batch.db, np.int64),
                          "value": batch.value, "key": batch.key})
        if not self.ordered:
            return None, XrefRows.of(table)
        if self.held is not None:
            table = pa.concat_tables([self.held, table])
            self.held = None
        if not len(table):
            return None, None
        table = _distinct(table.take(pc.sort_indices(
            table, [("entry", "ascending"), ("db", "ascending"), ("value", "ascending")])))
        entries = _numbers(table.column("entry"))
        if int(entries[0]) <= self.last:
            self.ordered = False
            return None, XrefRows.of(table)
        # the last entry's rows, which the next batch may carry on
        tail = int(np.searchsorted(entries, entries[-1]))
        self.held = table.slice(tail)
        if not tail:
            return None, None
        self.last = int(entries[tail - 1])
        return XrefRows.of(table.slice(0, tail)), None

    def unordered(self) -> XrefRows | None:
        """From now on every row goes to the staging table; the rows held back, to go there."""
        self.ordered = False
        return self.flush()

    def flush(self) -> XrefRows | None:
        """The rows held back (the end of the batches): for the final table while
        :attr:`ordered`, else for the staging table."""
        held, self.held = self.held, None
        if held is None or not len(held):
            return None
        return XrefRows.of(held)


def _distinct(table: pa.Table) -> pa.Table:
    """*table*, sorted, without its repeated ``(entry, db, value)`` rows (``key`` follows from
    ``db`` and ``value``)."""
    count = len(table)
    if count < 2:
        return table
    same = None
    for name in ("entry", "db", "value"):
        column = _one_chunk(table.column(name))
        equal = pc.equal(column.slice(1), column.slice(0, count - 1))
        same = equal if same is None else pc.and_(same, equal)
    assert same is not None
    if not pc.any(same).as_py():
        return table
    return table.filter(pa.concat_arrays([pa.array([True]), pc.invert(same)]))


def _numbers(column: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.int64]:
    return np.asarray(_one_chunk(column).to_numpy(zero_copy_only=False), np.int64)


def _one_chunk(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        return column.combine_chunks()
    return column
