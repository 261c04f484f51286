"""A dataset of entries (UniProt's "resource": UniProtKB, UniRef or UniParc) and its return
fields: what ``fields=`` may name, the columns and cells of TSV, and the JSON keys each keeps.

>>> from idmapping.uniprot.common import json_path
>>> demo = Dataset("demo", fields_by_name(ReturnField("id", "Entry", json_path("id")),
...                ReturnField("size", "Size", json_path("n"), ("n",))),
...                defaults=("id",), required=("id",), id_key="id",
...                reader=lambda store, ids, complete: {})
>>> demo.labels(demo.parse_fields("size,id"))
('From', 'Size', 'Entry')
>>> demo.project({"id": "X", "n": 3, "other": 1}, demo.parse_fields("size"))
{'id': 'X', 'n': 3}
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from idmapping.errors import InvalidRequest
from idmapping.uniprot.summary import unpack

if TYPE_CHECKING:
    from idmapping.catalogue import Catalogue
    from idmapping.store import Store

__all__ = ["Entry", "ReturnField", "Dataset", "EntryReader", "FieldMaker", "fields_by_name",
           "stored_entries"]

Entry = dict[str, Any]
"""An entry as UniProt's JSON has it (plain dicts and lists, keys in UniProt's order)."""


@dataclass(frozen=True)
class ReturnField:
    """One of UniProt's return fields (``fields=``).

    :param name: the name in ``fields=`` (``gene_primary``).
    :param label: the TSV/xlsx column label (``Gene Names (primary)``).
    :param cell: the cell value, read from the entry.
    :param keys: the top-level entry keys the field keeps in JSON.
    :param gene_parts: for gene fields, the keys kept inside each gene.
    :param xref: for ``xref_<db>``, the cross-reference database kept.
    :param only: for comment and feature fields, the one type kept of ``keys[0]``'s list
        (UniParc's sequence features: the one database).
    :param adds: what gives a batch's entries the keys the field reads when the stored
        entries lack them (lineages from the release's taxonomy): run only when a request
        asks for the field, once per batch whatever the number of such fields.
    """

    name: str
    label: str
    cell: Callable[[Entry], Any]
    keys: tuple[str, ...] = ()
    gene_parts: tuple[str, ...] = ()
    xref: str | None = None
    only: str | None = None
    adds: Callable[[Store, dict[str, Entry]], None] | None = None


EntryReader = Callable[["Store", Sequence[str], bool], dict[str, Entry]]
"""Reads the entries of one page or batch of mapped ids: ``(store, ids, complete)`` → entries
by id, in one or two store queries, never one per id."""

FieldMaker = Callable[[str, "Catalogue | None"], ReturnField | None]
"""Makes a field that is not listed from its (lower-case) name, or gives None."""


def fields_by_name(*fields: ReturnField) -> dict[str, ReturnField]:
    """*fields* keyed by name, in order."""
    return {f.name: f for f in fields}


@dataclass(frozen=True)
class Dataset:
    """One kind of entry result (UniProt's "resource"): its fields, default columns, JSON.

    :param name: ``uniprotkb``, ``uniref`` or ``uniparc``: the path segment of the end-point.
    :param fields: the return fields this server can fill, by name.
    :param defaults: the default TSV columns (after ``From``).
    :param required: entry keys JSON keeps whatever ``fields`` asks.
    :param id_key: the entry key written by the ``list`` format.
    :param reader: reads the entries of a batch of mapped ids.
    :param make_field: makes fields named after the release's cross-reference databases
        (``xref_<db>``); None where the dataset has none.
    """

    name: str
    fields: dict[str, ReturnField]
    defaults: tuple[str, ...]
    required: tuple[str, ...]
    id_key: str
    reader: EntryReader
    make_field: FieldMaker | None = None

    @property
    def xref_fields(self) -> bool:
        """Whether ``xref_<db>`` fields exist beside :attr:`fields` (made on demand)."""
        return self.make_field is not None

    def lookup(self, name: str, catalogue: Catalogue | None = None) -> ReturnField | None:
        """The return field called *name* (case-insensitive), or None."""
        key = name.strip().lower()
        found = self.fields.get(key)
        if found is None and self.make_field is not None:
            found = self.make_field(key, catalogue)
        return found

    def parse_fields(
        self, text: str | None, catalogue: Catalogue | None = None
    ) -> tuple[ReturnField, ...]:
        """The fields a ``fields`` parameter asks for; the defaults when absent or blank.

        :param text: the parameter, comma-separated names; None when absent.
        :param catalogue: the release's catalogue, for ``xref_<db>`` fields.
        :raises InvalidRequest: UniProt's message for each unknown field, in order.
        """
        if text is None or not text.strip():
            return tuple(self.fields[name] for name in self.defaults)
        chosen: list[ReturnField] = []
        messages = []
        for name in (n.strip() for n in text.split(",")):
            if not name:
                continue
            found = self.lookup(name, catalogue)
            if found is None:
                messages.append(f"Invalid fields parameter value '{name}'")
            else:
                chosen.append(found)
        if messages:
            raise InvalidRequest(*messages)
        return tuple(chosen) or tuple(self.fields[name] for name in self.defaults)

    def labels(self, fields: Sequence[ReturnField]) -> tuple[str, ...]:
        """The column labels: ``From``, then each field's label."""
        return ("From", *(f.label for f in fields))

    def cells(self, entry: Entry, fields: Sequence[ReturnField]) -> list[Any]:
        """The cells of one entry for *fields* (without ``From``)."""
        return [f.cell(entry) for f in fields]

    def project(self, entry: Entry, fields: Sequence[ReturnField] | None) -> Entry:
        """The JSON of *entry* for *fields*: the required keys and those the fields keep.

        None (no ``fields`` parameter) keeps the whole entry.
        """
        if fields is None:
            return entry
        keys = set(self.required)
        gene_parts: set[str] = set()
        xrefs: set[str] = set()
        kinds: dict[str, set[str]] = {}
        for f in fields:
            keys.update(f.keys)
            gene_parts.update(f.gene_parts)
            if f.xref:
                xrefs.add(f.xref)
            if f.only:
                kinds.setdefault(f.keys[0], set()).add(f.only)
            elif f.keys and not f.xref:
                kinds.setdefault(f.keys[0], set()).add("*")
        projected: Entry = {}
        for key, value in entry.items():
            if key not in keys:
                continue
            if key == "genes":
                value = [
                    kept
                    for gene in value
                    if (kept := {k: v for k, v in gene.items() if k in gene_parts})
                ]
            elif key == "uniProtKBCrossReferences":
                value = [x for x in value if x["database"] in xrefs or
                         "*" in kinds.get(key, ())]
            elif key in ("comments", "features") and "*" not in kinds.get(key, {"*"}):
                kind = "commentType" if key == "comments" else "type"
                # "SEQUENCE CAUTION/Erroneous gene model prediction": one caution type only
                value = [x for x in value if x.get(kind) in kinds[key]
                         or f"{x.get(kind)}/{x.get('sequenceCautionType')}" in kinds[key]]
            elif key == "sequenceFeatures" and "*" not in kinds.get(key, {"*"}):
                value = [x for x in value if x.get("database") in kinds[key]]
            if value or value == 0:
                projected[key] = value
        return projected

    def entries(self, store: Store, ids: Sequence[str], complete: bool = False,
                fields: Sequence[ReturnField] = ()) -> dict[str, Entry]:
        """The entries of the mapped ids *ids* (one page or batch), keyed by id.

        :param complete: UniRef clusters list every member (``complete=true``), not ten.
        :param fields: the fields asked for: those that add keys to entries
            (:attr:`ReturnField.adds`) get them added.
        """
        found = self.reader(store, ids, complete)
        for adds in dict.fromkeys(f.adds for f in fields if f.adds is not None):
            adds(store, found)
        return found


def stored_entries(store: Store, kind: str, ids: list[str]) -> dict[str, Entry]:
    """The stored documents of *ids*, unpacked; none when the release has no such entries.

    :param kind: ``uniprotkb``, ``uniref`` or ``uniparc``.
    """
    if not ids or not store.document_counts().get(kind):
        return {}
    return {key: unpack(doc) for key, (doc, _) in store.documents(kind, ids).items()}
