"""idmapping.dat read by Arrow's CSV reader: parsed in C++, a batch of columns at a time.

The line reader (:func:`~idmapping.loader.readers.read_idmapping`) spends about a microsecond
per line in Python; a full idmapping.dat has billions of lines. Arrow parses the same text in a
fraction of that, off the interpreter's lock, into columns that the release builder turns into
stored rows without a Python object per value.

Each batch is checked as the line reader checks a line (three columns, an accession or isoform
first, no empty ID_type or id), column-wise. When a batch fails a check, or Arrow cannot parse
it, the file is read again by the line reader up to the fault, so the error names the file and
line exactly as it always did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from idmapping.errors import ReleaseFileError
from idmapping.loader.readers import ACCESSION_OR_ISOFORM, read_idmapping
from idmapping.loader.sniff import ReleaseFile, open_text

__all__ = ["BLOCK_BYTES", "BLOCK_SHARE", "block_bytes", "read_idmapping_columns"]

BLOCK_BYTES = 16 << 20
"""The most text parsed per batch (about a million lines of idmapping.dat)."""

BLOCK_SHARE = 256
"""A batch's text is at most this fraction of the load's memory: the batches in flight (read
ahead by Arrow, prepared a batch ahead) are most of a load's memory that does not depend on the
release. A 1M release with 256 MiB: 16 MiB batches peaked at 1,117 MB, 4 MiB ones at 576 MB,
in the same time."""


def block_bytes(memory_mb: int) -> int:
    """Text parsed per batch by a load allowed *memory_mb* MiB (8 MiB for 2 GiB)."""
    return max(1 << 20, min(BLOCK_BYTES, (memory_mb << 20) // BLOCK_SHARE))

_NAMES = ["accession", "id_type", "value"]


def _blank_or_error(row: pacsv.InvalidRow) -> str:
    """Skip a line of only blanks, as the line reader does; anything else is a fault."""
    return "skip" if not row.text.strip() else "error"


def _options(block: int) -> tuple[pacsv.ReadOptions, pacsv.ParseOptions, pacsv.ConvertOptions]:
    read = pacsv.ReadOptions(column_names=_NAMES, block_size=block)
    parse = pacsv.ParseOptions(delimiter="\t", quote_char=False, double_quote=False,
                               escape_char=False, newlines_in_values=False,
                               invalid_row_handler=_blank_or_error)
    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(_NAMES, pa.string()),
                                   strings_can_be_null=False, quoted_strings_can_be_null=False)
    return read, parse, convert


def _fault(batch: pa.RecordBatch) -> str | None:
    """What the line reader would refuse in *batch*, or None."""
    for column in (1, 2):
        lengths = pc.utf8_length(batch.column(column))
        if len(lengths) and pc.min(lengths).as_py() == 0:
            return "empty ID_type or id"
    accessions = pc.unique(batch.column(0))
    if not pc.all(pc.match_substring_regex(accessions, ACCESSION_OR_ISOFORM.pattern)).as_py():
        return "not a UniProtKB accession"
    return None


def read_idmapping_columns(file: ReleaseFile, raw: BinaryIO,
                           reopen: Callable[[], BinaryIO], memory_mb: int | None = None
                           ) -> Iterator[pa.RecordBatch]:
    """Batches of idmapping.dat's columns ``accession, id_type, value``, all strings.

    :param raw: the file's bytes (compressed or not, as *file* says).
    :param reopen: opens the file again, to find the line of a fault.
    :param memory_mb: the load's memory (:func:`block_bytes`); None: batches of
        :data:`BLOCK_BYTES`.
    :raises ReleaseFileError: naming the file and the line of the first fault.
    """
    source: pa.NativeFile = pa.PythonFile(raw, mode="r")
    if file.compressed:
        source = pa.CompressedInputStream(source, "gzip")
    try:
        block = BLOCK_BYTES if memory_mb is None else block_bytes(memory_mb)
        reader = pacsv.open_csv(source, *_options(block))
        for batch in reader:
            fault = _fault(batch)
            if fault is not None:
                raise _locate(file, reopen, fault)
            yield batch
    except pa.ArrowException as exc:  # ArrowInvalid and kin: the line reader names the line
        raise _locate(file, reopen, str(exc).splitlines()[0]) from None


def _locate(file: ReleaseFile, reopen: Callable[[], BinaryIO], detail: str) -> Exception:
    """The line reader's error for the first faulty line of *file* (it raises it)."""
    with reopen() as again:
        for _ in read_idmapping(open_text(file, again), str(file.path)):
            pass
    return ReleaseFileError(f"cannot read: {detail}", str(file.path))
