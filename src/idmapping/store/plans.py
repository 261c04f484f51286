"""The requests a store takes: what a load keeps, a mapping query, a filtered view of results,
a batch of prepared xrefs, and the rule for release names.

These are plain values: the mapping engine, the result pages and the loader build them, and
each backend turns them into its SQL (:mod:`idmapping.store.sql`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from idmapping.errors import InvalidRequest

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

    from idmapping.model import Release

__all__ = ["Subset", "LookupPlan", "AccessionPlan", "AccessionMisses", "HoldingsPlan", "HoldingRow",
           "FilterQuery", "FacetQuery", "XrefBatch", "stored_key", "check_release_name"]


@dataclass(frozen=True)
class Subset:
    """What part of the files a load keeps: some taxa, reviewed entries only, or everything."""

    taxa: tuple[int, ...] = ()
    reviewed_only: bool = False


@dataclass(frozen=True)
class LookupPlan:
    """One mapping query, as the engine asks it of the store.

    :param source: ``uniprot`` (accessions and entry names), or the ID_type to look ids up in.
    :param target: ``uniprotkb``, ``swissprot``, or the ID_type whose values are wanted.
    :param inputs: ``(seq, key, kind, version)`` per distinct input; kind is ``accession``,
        ``entry_name`` or ``value``. For a value, version is the versioned value that must
        match; for an accession, the number of the isoform given (``2`` of ``P04637-2``).
    :param taxon: restrict the entries passed through to this taxon; ``-1`` matches nothing.
    :param descendants: and to the taxa below it, where the release holds a taxonomy.
    :param walk: find those taxa by walking down the taxonomy, as for a release loaded
        without clade spans, even where the release has them: what ``bench/taxonomy.py``
        compares them with.
    """

    source: str
    target: str
    inputs: Sequence[tuple[int, str, str, str | None]]
    taxon: int | None = None
    descendants: bool = True
    walk: bool = False


@dataclass(frozen=True)
class AccessionPlan:
    """The first step of mapping UniProtKB accessions to UniProtKB (or Swiss-Prot): which
    inputs are not an entry's own accession (issue 18).

    Most inputs of a large ``UniProtKB_AC-ID`` job are plain accessions of entries of the
    release, and each of them maps to that entry alone; only the others (isoforms, entry
    names, secondary or deleted accessions, ids of no entry, entries outside the taxon) need
    the mapping query (:class:`LookupPlan`).

    :param keys: the upper-case input ids, by ``seq``.
    :param target: ``uniprotkb`` or ``swissprot`` (reviewed entries only).
    :param taxon: as :class:`LookupPlan`'s; and *descendants*.
    """

    keys: Sequence[str]
    target: str
    taxon: int | None = None
    descendants: bool = True


class AccessionMisses(NamedTuple):
    """What an :class:`AccessionPlan` found: the release read, the ``seq`` of each input that
    is not the accession of an entry passing the plan's filters (in order), and whether the
    keys are known to be all different (SQLite tells it from the keys it sorts, at no cost:
    the engine then need not look for repeated ids itself); False where they repeat or the
    store did not look."""

    release: Release
    misses: list[int]
    distinct: bool = False


@dataclass(frozen=True)
class HoldingsPlan:
    """Where ids are held in the current release, in every database at once: the one set
    query behind ``detect`` and ``explain`` (:func:`idmapping.store.sql_probes.holdings_sql`).

    The inputs are columns, one value per input id (its ``seq``, from 0) or ``None``, which a
    backend hands to its query as one JSON array each, read by the database (not a row bound
    per id): for 100,000 ids, filling an input table row by row cost more than the query.

    :param values: every id in lower case: matched in any database, or, for an id in
        *with_version*, only where ids carry no version.
    :param with_version: for an id given with a version (``NM_130786.4``), its lower-case key
        without it (``nm_130786``), matched where ids carry a version and the stored value is
        the id; ``None`` for the others.
    :param accessions: the upper-case UniProtKB accession an id is read as (the key of
        :func:`idmapping.ids.parse_uniprot`), or ``None``; *entry_names* likewise for an id read
        as an entry name. Each id is one or the other.
    :param types: the ID_types looked in.
    :param versioned: those of *types* whose ids carry a version.
    :param any_version: an ID_type in which the ids of *with_version* are also looked up
        whatever their version (the stored values are listed), or None.
    :param per_database: probe the key index once per database, as for a release loaded
        without the index by key alone (:data:`~idmapping.store.schema.ANY_KEY`), even where
        the release has it: what ``bench/explain.py`` compares it with.
    """

    values: Sequence[str]
    with_version: Sequence[str | None]
    accessions: Sequence[str | None]
    entry_names: Sequence[str | None]
    types: tuple[str, ...]
    versioned: frozenset[str] = frozenset()
    any_version: str | None = None
    per_database: bool = False


HoldingRow = tuple[int, str, str, int | None, int, int]
"""A row of :class:`HoldingsPlan`'s answer: ``(seq, what, detail, taxon, entries, reviewed)``.

*what* is ``xref`` (detail: the ID_type holding the id), ``uniprot`` (an entry's accession or
name), ``secondary`` (detail: the primary accession), ``deleted`` (detail: ``sp`` or ``tr``)
or ``version`` (detail: a value of *any_version* with the id's key); per taxon, with the
number of entries and of reviewed entries (0 for ``deleted`` and ``version``)."""


@dataclass(frozen=True)
class FilterQuery:
    """A filtered or sorted view of a job's results over entry documents.

    :param kind: ``uniprotkb``, ``uniref`` or ``uniparc``.
    :param where: an SQL condition over the document table ``e`` (and, for UniProtKB, the
        mapping entries ``m``) with ``?`` placeholders; ``""`` keeps every pair.
    :param params: the values of the placeholders.
    :param order: SQL ``ORDER BY`` terms (before the stored order); ``""`` keeps stored order.
    :param include_isoform: add the isoform entries of each mapped canonical entry.
    :param reads: ``(field, column)`` of the query's fields that read a column later
        versions added, so that a release loaded before them answers naming the field.
    """

    kind: str
    where: str = ""
    params: tuple[Any, ...] = ()
    order: str = ""
    include_isoform: bool = False
    reads: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FacetQuery:
    """What one facet counts: the distinct entries of a job's pairs by a column's values.

    :param column: a column of :data:`~idmapping.store.sql.FACET_COLUMNS` (``reviewed``,
        ``taxon``, ``length``...).
    :param among: count only these values (UniProt's model organisms); empty: every value.
    :param ranges: count by these ``(low, high)`` ranges instead (``high`` None: no end); a
        value is the range's number, from 1.
    :param tokens: for a column of terms (``" 2 14 25 "``), count each of these numbers.
    :param taxon_names: for a column of taxa (``" 9606 10090 "``), count each taxon it holds,
        by its scientific name in the release's taxonomy (taxa without a name left out).
    :param split: for a column of tokens (``" UP000005640 UP000000589 "``), count each token
        it holds, as text.
    """

    column: str
    among: tuple[int, ...] = ()
    ranges: tuple[tuple[int, int | None], ...] = ()
    tokens: tuple[int, ...] = ()
    taxon_names: bool = False
    split: bool = False


@dataclass
class XrefBatch:
    """Xrefs rows ready to store: ``entry`` and ``db`` as integers, ``value`` and ``key`` as text
    (``key`` null where it is not stored: :func:`stored_key`).

    Rows of one entry are together, and no (entry, db, value) appears twice in a batch. The
    loader prepares them (:mod:`idmapping.loader.xrefbatch`) in Arrow, so that no Python
    object is made per value until a backend binds them.
    """

    entry: np.ndarray
    db: np.ndarray
    value: pa.Array
    key: pa.Array
    isoforms: list[tuple[int, int, str, str]] = field(default_factory=list)
    """``(entry, db, value, isoform)`` of the rows given to an isoform (``P04637-2``)."""

    def __len__(self) -> int:
        return len(self.entry)

    def rows(self, start: int = 0, stop: int | None = None
             ) -> list[tuple[int, int, str, str | None]]:
        """The rows (from *start* to *stop*) as Python tuples ``(entry, db, value, key)``."""
        stop = len(self.entry) if stop is None else min(stop, len(self.entry))
        count = max(0, stop - start)
        return list(zip(self.entry[start:stop].tolist(), self.db[start:stop].tolist(),
                        self.value.slice(start, count).to_pylist(),
                        self.key.slice(start, count).to_pylist(), strict=True))

    def chunks(self, size: int) -> Iterator[tuple[int, int]]:
        """``(start, stop)`` of the batch's rows *size* at a time: a backend binds a chunk's
        Python objects at once, not a whole batch's (a million rows: some 200 MB)."""
        for start in range(0, len(self.entry), size):
            yield start, min(start + size, len(self.entry))


def stored_key(value: str, key: str) -> str | None:
    """*key*, the lookup key of *value* (:func:`idmapping.ids.lookup_key`), as an xrefs row
    stores it: None where SQL's ``lower(value)`` gives it (an ASCII value without a version:
    most ids), which :data:`~idmapping.store.schema.KEY_EXPRESSION` then reads instead.

    >>> stored_key("GeneID_7157", "geneid_7157"), stored_key("NP_000537.3", "np_000537")
    (None, 'np_000537')
    >>> stored_key("Ä1", "ä1")  # beyond ASCII, Python's lower case and SQL's differ
    'ä1'
    """
    return None if key == value.lower() and value.isascii() else key


def check_release_name(name: str) -> str:
    """Refuse release names that cannot be shown or used in a file name.

    :raises InvalidRequest: naming the characters allowed.
    """
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}", name):
        raise InvalidRequest(
            f"Invalid release name {name!r}: use letters, digits, '_', '.' or '-' (at most 64)"
        )
    return name
