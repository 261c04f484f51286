"""How the job page refines entry results: the facet sidebar, sortable columns, links to each
entry, and which downloads go through the asynchronous download.

The page keeps its state in its URL, as plain links: ``query`` (the text typed in the query
box), ``facet=name:value`` (repeated: the facet values clicked), ``sort=field asc|desc``,
``fields`` and ``size``. The results, their facets and every download see one query: the typed
one and the facet values' clauses joined with AND, as UniProt's website joins them
(values of one facet with OR).

Nothing here is a hand-kept list of facets: the sidebar shows every facet the results API
serves for the dataset (:data:`~idmapping.results.facets.FACETS`), counted by the same
function as ``facets=`` on ``/idmapping/{dataset}/results/{jobId}``.

>>> chosen = Selection.read("uniprotkb", ["reviewed:true", "model_organism:9606",
...                                      "model_organism:10090"])
>>> chosen.combined("gene:TP53")
'(gene:TP53) AND reviewed:true AND (model_organism:9606 OR model_organism:10090)'
>>> chosen.combined("", exclude="model_organism")
'reviewed:true'
>>> Selection.read("uniprotkb", ["reviewed:true", "reviewed:false"]).params()
['reviewed:false']
>>> PageState(query="x", sort="length desc").toggled_sort("length")
'length asc'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, urlencode

from idmapping.entries import Dataset
from idmapping.errors import InvalidRequest
from idmapping.jobs.downloads import DOWNLOAD_FORMATS
from idmapping.model import Job
from idmapping.results.entryrows import read_filter
from idmapping.results.facetcache import FacetCache
from idmapping.results.facets import FACETS, facets_json
from idmapping.results.paging import DEFAULT_SIZE
from idmapping.store.base import Store
from idmapping.store.query import SORT_FIELDS
from idmapping.web.context import ApiContext

__all__ = ["Selection", "PageState", "FacetValue", "FacetGroup", "facet_groups",
           "served_facets", "chosen_labels", "Header", "headers", "COLUMN_SORTS", "ID_COLUMNS",
           "entry_link", "links", "sidebar", "async_download"]

_VALUE = re.compile(r"^(?:[A-Za-z0-9_.\-]+|\[[0-9]+ TO (?:[0-9]+|\*)\])$")
"""A facet value as the API writes it: a word or number, or a range ``[1 TO 200]``."""

COLUMN_SORTS: dict[str, dict[str, str]] = {
    dataset: {column: sort for column, sort in sorts.items() if sort in SORT_FIELDS[dataset]}
    for dataset, sorts in {
        "uniprotkb": {"accession": "accession", "id": "id", "gene_names": "gene",
                      "organism_name": "organism_name", "protein_name": "protein_name",
                      "length": "length", "mass": "mass", "annotation_score": "annotation_score"},
        "uniref": {"id": "id", "organism": "organism_sort", "length": "length",
                   "count": "count", "date_modified": "date_modified"},
        "uniparc": {"upi": "upi", "length": "length"},
    }.items()
}
"""The sort field of each sortable column: UniProt's return-field configuration (its
``sortField``), kept where this server's ``sort=`` knows the field."""

ID_COLUMNS = {"uniprotkb": "accession", "uniref": "id", "uniparc": "upi"}
"""The column of each dataset that holds the entry's own id (the one a row links to)."""


def served_facets(dataset: str) -> tuple[str, ...]:
    """The facets the results API counts for *dataset* (``facets=`` takes them)."""
    return tuple(name for name, facet in FACETS.get(dataset, {}).items()
                 if facet.query is not None)


@dataclass(frozen=True)
class Selection:
    """The facet values chosen on the page, ``(facet, value)`` in the order chosen."""

    dataset: str
    chosen: tuple[tuple[str, str], ...] = ()

    @classmethod
    def read(cls, dataset: str, texts: Sequence[str]) -> Selection:
        """The page's ``facet=name:value`` parameters. A facet that takes one value keeps the
        last one given; a value given twice is kept once.

        :raises InvalidRequest: a facet the dataset has not, or a value no facet writes.
        """
        served = served_facets(dataset)
        chosen: list[tuple[str, str]] = []
        messages = []
        for text in texts:
            name, _, value = text.partition(":")
            name, value = name.strip(), value.strip()
            if name not in served:
                messages.append(f"'{name}' is not a facet of these results; the facets are: "
                                f"{', '.join(served) or 'none'}")
            elif not _VALUE.match(value):
                messages.append(f"'{value}' is not a value of the facet '{name}'")
            elif (name, value) not in chosen:
                if not FACETS[dataset][name].multiple:
                    chosen = [c for c in chosen if c[0] != name]
                chosen.append((name, value))
        if messages:
            raise InvalidRequest(*messages)
        return cls(dataset, tuple(chosen))

    def values(self, name: str) -> list[str]:
        """The values chosen of facet *name*."""
        return [v for n, v in self.chosen if n == name]

    def params(self) -> list[str]:
        """The page's ``facet=`` parameters of this selection."""
        return [f"{n}:{v}" for n, v in self.chosen]

    def clause(self, exclude: str | None = None) -> str:
        """The query clause of the chosen values (facets in the order first chosen), but those
        of facet *exclude*."""
        parts = []
        for name in dict.fromkeys(n for n, _ in self.chosen):
            if name == exclude:
                continue
            terms = [f"{name}:{v}" for v in self.values(name)]
            parts.append(terms[0] if len(terms) == 1 else f"({' OR '.join(terms)})")
        return " AND ".join(parts)

    def combined(self, query: str, exclude: str | None = None) -> str:
        """The query the results see: *query* and the chosen values' clause."""
        typed = query.strip()
        clause = self.clause(exclude)
        if not clause:
            return typed
        if not typed or typed == "*":
            return clause
        return f"({typed}) AND {clause}"

    def toggled(self, name: str, value: str) -> Selection:
        """This selection with *value* of facet *name* added, or removed if it was chosen."""
        if (name, value) in self.chosen:
            return replace(self, chosen=tuple(c for c in self.chosen if c != (name, value)))
        kept = self.chosen if FACETS[self.dataset][name].multiple else tuple(
            c for c in self.chosen if c[0] != name)
        return replace(self, chosen=(*kept, (name, value)))


@dataclass(frozen=True)
class PageState:
    """What the job page's URL says, to make links to the same page changed in one way."""

    path: str = ""
    fields: str = ""
    size: int = DEFAULT_SIZE
    query: str = ""
    sort: str = ""
    facets: tuple[str, ...] = ()

    def url(self, cursor: str = "", **changes: Any) -> str:
        """The page's URL with *changes* (a first page, unless *cursor*)."""
        state = replace(self, **changes)
        params: list[tuple[str, str]] = []
        if state.fields:
            params.append(("fields", state.fields))
        if state.query:
            params.append(("query", state.query))
        params += [("facet", f) for f in state.facets]
        if state.sort:
            params.append(("sort", state.sort))
        if state.size != DEFAULT_SIZE:
            params.append(("size", str(state.size)))
        if cursor:
            params.append(("cursor", cursor))
        return f"{state.path}?{urlencode(params, safe=',:', quote_via=quote)}" if params \
            else state.path

    def sorted_by(self) -> tuple[str, str]:
        """``(field, asc|desc)`` of the page's sort, or ``("", "")``."""
        pieces = self.sort.split()
        return (pieces[0], pieces[1].lower()) if len(pieces) == 2 else ("", "")

    def toggled_sort(self, name: str) -> str:
        """The sort a click on column *name*'s header asks: ascending, or the other way if
        the page is sorted by it already."""
        current, direction = self.sorted_by()
        return f"{name} {'desc' if current == name and direction == 'asc' else 'asc'}"


# ---------------------------------------------------------------------------------------------
# The facet sidebar


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet as the sidebar shows it."""

    label: str
    value: str
    count: int
    href: str
    chosen: bool


@dataclass(frozen=True)
class FacetGroup:
    """One facet as the sidebar shows it: the API's ``name``, ``label`` and values."""

    name: str
    label: str
    multiple: bool
    values: list[FacetValue] = field(default_factory=list)


def facet_groups(store: Store, job: Job, dataset: Dataset, selection: Selection,
                 state: PageState, cache: FacetCache | None = None) -> list[FacetGroup]:
    """The facets of a job's results as the page sees them (the typed query and the chosen
    values), in the API's JSON order, with a link per value that chooses or drops it.

    A facet that takes several values is counted without its own values' clause, so that its
    other values stay to be added (as Solr's tagged facets); the others are counted over the
    results shown, in one call as the API counts them.

    :raises InvalidRequest: the query's messages (the page shows them).
    """
    names = served_facets(dataset.name)

    def counted(asked: tuple[str, ...], exclude: str | None) -> list[dict[str, Any]]:
        text = selection.combined(state.query, exclude)
        query = read_filter(dataset, text, None, False, False).query
        try:
            return facets_json(store, job, dataset.name, asked, query, cache)
        except InvalidRequest:
            if len(asked) == 1:
                raise
        # a facet the release cannot count (UniParc's organism_name without NCBI's taxonomy)
        # is left out, as the API refuses it alone; a refused query refuses every facet
        found: list[dict[str, Any]] = []
        refused: InvalidRequest | None = None
        for name in asked:
            try:
                found += facets_json(store, job, dataset.name, (name,), query, cache)
            except InvalidRequest as exc:
                refused = exc
        if not found and refused is not None:
            raise refused
        return found

    apart = [n for n in names if FACETS[dataset.name][n].multiple and selection.values(n)]
    found = {f["name"]: f for f in counted(tuple(n for n in names if n not in apart), None)}
    for name in apart:
        found.update({f["name"]: f for f in counted((name,), name)})
    groups = []
    for name in names:
        if name not in found:
            continue
        facet = found[name]
        chosen = selection.values(name)
        values = [
            FacetValue(str(item.get("label", item["value"])), str(item["value"]),
                       int(item["count"]),
                       state.url(facets=tuple(selection.toggled(name, item["value"]).params())),
                       item["value"] in chosen)
            for item in facet["values"]
        ]
        groups.append(FacetGroup(name, str(facet["label"]), bool(facet["allowMultipleSelection"]),
                                 values))
    return groups


def chosen_labels(groups: Sequence[FacetGroup], selection: Selection, state: PageState
                  ) -> list[dict[str, str]]:
    """The chosen values as the page lists them above the results: ``label`` (facet and
    value) and ``href``, the page without it."""
    labels = {(g.name, v.value): (g.label, v.label) for g in groups for v in g.values}
    shown = []
    for name, value in selection.chosen:
        facet_label, value_label = labels.get((name, value), _labels(selection.dataset, name,
                                                                     value))
        href = state.url(facets=tuple(selection.toggled(name, value).params()))
        shown.append({"label": f"{facet_label}: {value_label}", "href": href,
                      "clause": f"{name}:{value}"})
    return shown


def _labels(dataset: str, name: str, value: str) -> tuple[str, str]:
    """The labels of a facet and of one of its values as the API writes them, for a value
    that no count shows just now (the results hold none)."""
    facet = FACETS[dataset][name]
    for index in range(1, len(facet.intervals) + 1):
        item = facet.item(index, 0)
        if item["value"] == value:
            return facet.label, str(item.get("label", value))
    return facet.label, facet.values.get(value.lower(), value)


# ---------------------------------------------------------------------------------------------
# What the job page shows

def links(ctx: ApiContext, job: Job, kind: str, columns: Sequence[str]) -> dict[str, Any]:
    """Where each row links to: the ``to`` database's ``uriLink`` (``%id``: the row's ``to``
    id), on the cell of the entry's id (the ``To`` cell of plain pairs)."""
    pattern = entry_link(ctx.catalogue.fields, job.to_db)
    column = ID_COLUMNS.get(kind, "")
    if kind:
        index = columns.index(column) + 1 if column in columns else None
    else:
        index = 1
    return {"link_pattern": pattern, "link_index": index if pattern else None}


def sidebar(ctx: ApiContext, store: Store, job: Job, dataset: Dataset | None,
            selection: Selection, state: PageState, unfiltered: bool) -> dict[str, Any]:
    """The facet sidebar: the API's facets of the results shown, and the values chosen."""
    if dataset is None or not served_facets(dataset.name):
        return {"facets": None, "facets_note": "", "chosen": []}
    cap = ctx.settings.max_facet_pairs
    if unfiltered:
        note = "Filters do not apply to results this large, so no facets are shown."
    elif cap and job.result_count > cap:
        note = f"Facets are counted for jobs of at most {cap:,} results."
    else:
        try:
            groups = facet_groups(store, job, dataset, selection, state, ctx.facet_cache)
        except InvalidRequest as exc:  # a release loaded without what a facet counts
            note = " ".join(exc.messages)
        else:
            return {"facets": groups, "facets_note": "",
                    "chosen": chosen_labels(groups, selection, state)}
    return {"facets": [], "facets_note": note,
            "chosen": chosen_labels([], selection, state)}


def async_download(ctx: ApiContext, kind: str, total: int, constrained: bool
                   ) -> dict[str, Any]:
    """Whether the page's download goes through the asynchronous download (more results
    than ``async_download_above``, in a format it makes); its formats, or why not."""
    over = ctx.settings.async_download_above
    if not kind or total <= over:
        return {"async_formats": [], "async_note": ""}
    if constrained:  # UniProt's asynchronous download takes no query and no sort
        return {"async_formats": [], "async_note": (
            f"More than {over:,} results are downloaded through the asynchronous download, "
            "which applies no query, facet or sort: this one is streamed.")}
    return {"async_formats": list(DOWNLOAD_FORMATS[kind]), "async_note": (
        f"More than {over:,} results: the file is built on the server, and a link to it is "
        "shown here when it is ready.")}


# ---------------------------------------------------------------------------------------------
# Sortable columns and entry links


@dataclass(frozen=True)
class Header:
    """A column header: its label, and for a sortable column its link and state."""

    label: str
    sort: str = ""
    href: str = ""
    direction: str = ""
    """``ascending`` or ``descending`` when the results are sorted by this column."""


def headers(dataset: str, labels: Sequence[str], columns: Sequence[str], state: PageState
            ) -> list[Header]:
    """The headers of a table of entry results: ``From``, then one per column (*columns*
    are the fields' names, *labels* their labels with ``From`` first)."""
    current, direction = state.sorted_by()
    found = [Header(labels[0])]
    for label, column in zip(labels[1:], columns, strict=True):
        name = COLUMN_SORTS.get(dataset, {}).get(column, "")
        if not name:
            found.append(Header(label))
            continue
        shown = {"asc": "ascending", "desc": "descending"}.get(direction, "") \
            if current == name else ""
        found.append(Header(label, name, state.url(sort=state.toggled_sort(name)), shown))
    return found


def entry_link(fields: Mapping[str, Any], to_db: str) -> str:
    """The URL pattern (``…%id…``) of the ``to`` database's entries, from the configure
    fields' ``uriLink`` (as ``/configure/idmapping/fields`` serves them); ``""`` if none."""
    for group in fields.get("groups", []):
        for item in group.get("items", []):
            if item.get("name") == to_db:
                return str(item.get("uriLink") or "")
    return ""
