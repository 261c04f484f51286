"""UniProt's facets on entry results: the distinct entries of a job's (filtered) pairs counted
by status, organism, existence, length... in UniProt's JSON shape.

Which facets each dataset has, their labels, value labels, how many values they show and in
which order are UniProt's (its ``uniprotkb.facet.properties``, ``uniref…`` and ``uniparc…``);
the counting is one grouped query per facet in the store (:meth:`Store.facet_counts`).

>>> read_facets("uniref", " identity ")
('identity',)
>>> FACETS["uniprotkb"]["length"].item(3, 7)
{'label': '401 - 600', 'value': '[401 TO 600]', 'count': 7}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from idmapping.errors import InvalidRequest
from idmapping.model import Job
from idmapping.results.facetcache import FacetCache, facet_key
from idmapping.store.base import Store
from idmapping.store.plans import FacetQuery, FilterQuery
from idmapping.uniprot.uniparcdb import FACET_LABELS

__all__ = ["FACETS", "DEFAULT_LIMIT", "Facet", "read_facets", "facets_json"]

DEFAULT_LIMIT = 5
"""UniProt's ``facet.limit``: values shown of a facet that sets no limit of its own."""

_NOT_YET = ("Invalid request received. Facet '{}' is not supported by this server yet: {}")
_NO_NAMES = ("Invalid request received. Facet '{}' counts organisms by their scientific names, "
             "which come from NCBI's taxonomy (taxdump's nodes.dmp and names.dmp): the current "
             "release was loaded without it")


@dataclass(frozen=True)
class Facet:
    """One facet as UniProt configures it, and what the store counts for it.

    :param sort: ``count`` (most entries first, UniProt's default), ``index asc`` or
        ``index desc`` (by value).
    :param limit: values shown; -1: all.
    :param values: the labels of values (others have none).
    :param intervals: for a range facet, ``(low, high)`` of each range (high None: no end).
    :param query: what the store counts; None: not served, for the reason in *missing*.
    :param shown: the value as UniProt writes it, from the store's value.
    """

    name: str
    label: str
    multiple: bool
    sort: str = "count"
    limit: int = DEFAULT_LIMIT
    values: dict[str, str] = field(default_factory=dict)
    intervals: tuple[tuple[int, int | None], ...] = ()
    query: FacetQuery | None = None
    missing: str = ""
    shown: Callable[[Any], str] = str

    def item(self, value: int | str, count: int) -> dict[str, Any]:
        """One value as UniProt writes it: ``label`` (only where configured), ``value``,
        ``count``; a range's value is Solr's range text (``[1 TO 200]``)."""
        if self.intervals:
            low, high = self.intervals[int(value) - 1]
            text = f"[{low} TO {'*' if high is None else high}]"
            label = self.values.get(str(value))
        else:
            text = self.shown(value)
            label = self.values.get(text.lower())
        item: dict[str, Any] = {} if label is None else {"label": label}
        item["value"] = text
        item["count"] = count
        return item

    def ordered(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The items in UniProt's order, cut to the limit.

        UniProt's id-mapping facets sort ``index asc`` by label (by number for a numbered
        facet), ``index desc`` by value text, descending, and the rest by count, descending
        (ties stay in value order).
        """
        if self.sort == "index asc":
            if self.name in ("proteins_with", "database_facet"):
                items.sort(key=lambda i: int(i["value"]))
            else:
                items.sort(key=lambda i: str(i.get("label", i["value"])))
        elif self.sort == "index desc":
            items.sort(key=lambda i: str(i["value"]), reverse=True)
        else:
            items.sort(key=lambda i: -int(i["count"]))
        return items if self.limit < 0 or self.intervals else items[:self.limit]


_MODEL_ORGANISMS = {
    "9606": "Human", "10090": "Mouse", "10116": "Rat", "9913": "Bovine", "7955": "Zebrafish",
    "7227": "Fruit fly", "6239": "C. elegans", "44689": "Slime mold", "3702": "A. thaliana",
    "39947": "Rice", "83333": "E. coli K12", "224308": "B. subtilis", "559292": "S. cerevisiae",
}
_PROTEINS_WITH = (
    "3D structure", "Active site", "Activity regulation", "Allergen",
    "Alternative products (isoforms)", "Alternative splicing", "Beta strand",
    "Binary interaction", "Binding site", "Biophysicochemical properties",
    "Biotechnological use", "Calcium binding", "Catalytic activity", "Chain", "Cofactors",
    "Coiled-coil", "Compositional bias", "Cross-link", "Developmental stage", "Disease",
    "Disruption phenotype", "Disulfide bond", "DNA binding", "Domain", "Function",
    "Glycosylation", "Helix", "Induction", "Initiator methionine", "Intramembrane",
    "Lipidation", "Mass spectrometry", "Metal binding", "Modified residue", "Motif",
    "Mutagenesis", "Natural variant", "Non-standard residue", "Nucleotide binding", "Pathway",
    "Peptide", "Pharmaceutical use", "Polymorphism", "Propeptide", "PTM comments", "Region",
    "Repeat", "RNA editing", "Signal peptide", "Subcellular location", "Subunit structure",
    "Tissue specificity", "Topological domain", "Toxic dose", "Transit peptide",
    "Transmembrane", "Turn", "Zinc finger",
)
_LENGTHS = ((1, 200), (201, 400), (401, 600), (601, 800), (801, None))


def _boolean(value: int) -> str:
    return "true" if value else "false"


def _identity(value: int) -> str:
    return f"{value / 100:.1f}"  # Solr's float: 100 -> "1.0"


_YES_NO = {"true": "Yes", "false": "No"}

FACETS: dict[str, dict[str, Facet]] = {
    "uniprotkb": {f.name: f for f in (
        Facet("reviewed", "Status", False, "index desc",
              values={"true": "Reviewed (Swiss-Prot)", "false": "Unreviewed (TrEMBL)"},
              query=FacetQuery("reviewed"), shown=_boolean),
        Facet("fragment", "Fragment", False, "index desc", values=_YES_NO,
              query=FacetQuery("fragment"), shown=_boolean),
        Facet("structure_3d", "3D Structure", False, "index desc",
              values={"true": "With 3D Structure", "false": "Without 3D Structure"},
              query=FacetQuery("structure_3d"), shown=_boolean),
        Facet("model_organism", "Popular organisms", True, values=_MODEL_ORGANISMS,
              query=FacetQuery("taxon", among=tuple(int(t) for t in _MODEL_ORGANISMS))),
        Facet("other_organism", "Other organisms", True, query=FacetQuery("other_organism")),
        Facet("existence", "Protein existence", True, values={
            "1": "Protein level", "2": "Transcript level", "3": "Homology", "4": "Predicted",
            "5": "Uncertain", "6": "Unknown"}, query=FacetQuery("existence")),
        Facet("annotation_score", "Annotation score", True, "index desc",
              query=FacetQuery("score")),
        Facet("proteome", "Proteomes", False, query=FacetQuery("proteomes", split=True)),
        Facet("proteins_with", "Proteins with", True, "index asc", 58,
              values={str(n): label for n, label in enumerate(_PROTEINS_WITH, 1)},
              query=FacetQuery("proteins_with", split=True)),
        Facet("length", "Sequence length", True, "index asc",
              values={"1": "1 - 200", "2": "201 - 400", "3": "401 - 600", "4": "601 - 800",
                      "5": ">= 801"}, intervals=_LENGTHS,
              query=FacetQuery("length", ranges=_LENGTHS)),
    )},
    "uniref": {f.name: f for f in (
        Facet("identity", "Clusters", True, "index desc",
              values={"1.0": "100%", "0.9": "90%", "0.5": "50%"},
              query=FacetQuery("identity"), shown=_identity),
    )},
    "uniparc": {f.name: f for f in (
        Facet("database_facet", "Database", True, "index asc", 40,
              values={str(n): label for n, label in FACET_LABELS.items()},
              query=FacetQuery("databases", split=True)),
        Facet("organism_name", "Organisms", True,
              query=FacetQuery("taxa", taxon_names=True)),
    )},
}
"""Every facet UniProt configures for each dataset, in its configuration's order. Counts
are of distinct entries (UniProt counts Solr documents); ``structure_3d`` and
``proteins_with`` count what the entry documents hold (comments, features, PDB
cross-references), ``annotation_score`` only entries whose JSON carries a score (flat files
and XML do not)."""


def read_facets(dataset: str, text: str | None) -> tuple[str, ...]:
    """The facet names of ``facets=`` (blanks removed, each once, in the order given).

    :raises InvalidRequest: UniProt's message for each unknown name; a name this server does
        not serve yet.
    """
    if text is None:
        return ()
    names = [n for n in "".join(text.split()).split(",") if n]
    known = FACETS[dataset]
    messages = [f"Invalid facet name '{n}'. Expected value can be [{', '.join(known)}]."
                for n in names if n not in known]
    messages += [_NOT_YET.format(n, known[n].missing)
                 for n in dict.fromkeys(names) if n in known and known[n].query is None]
    if messages:
        raise InvalidRequest(*messages)
    return tuple(dict.fromkeys(names))


def facets_json(store: Store, job: Job, dataset: str, names: tuple[str, ...],
                query: FilterQuery | None, cache: FacetCache | None = None
                ) -> list[dict[str, Any]]:
    """The facets *names* of a job's pairs after *query*, in UniProt's JSON shape, in the
    order asked; a facet with no value is left out, as UniProt leaves it out.

    :param cache: where counts of finished jobs are kept (:mod:`idmapping.results.facetcache`);
        None counts each time.

    :raises InvalidRequest: the release lacks what a facet counts (an organism's name needs
        the release's taxonomy: UniParc XML gives taxon ids only).
    """
    found = []
    for name in names:
        facet = FACETS[dataset][name]
        assert facet.query is not None  # read_facets refuses the others
        if facet.query.taxon_names and not store.has_taxonomy():
            raise InvalidRequest(_NO_NAMES.format(name))
        asked = query or FilterQuery(dataset)
        if cache is None:
            counts = store.facet_counts(job.id, asked, facet.query)
        else:
            counts = cache.counts(facet_key(store, job, asked, facet.query),
                                  partial(store.facet_counts, job.id, asked, facet.query))
        items = facet.ordered([facet.item(value, count) for value, count in counts if count])
        if items:
            found.append({"label": facet.label, "name": facet.name,
                          "allowMultipleSelection": facet.multiple, "values": items})
    return found
