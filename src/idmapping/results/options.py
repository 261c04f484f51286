"""What a request asks of a job's results, read from plain parameter values.

The format and its switches (:class:`Output`), the page (:class:`PageRequest`) and, for entry
results, the dataset, fields and filter (:class:`EntryOptions`); also where a finished job's
results are (:func:`results_path`) and whether they can be served as entries
(:func:`check_entry_job`). Every reader collects the messages of all bad values into one
:class:`~idmapping.errors.InvalidRequest`, as UniProt does. Nothing here knows about HTTP: a
shell hands in the parameters as text (``None`` when absent).

>>> Output.read("tsv", compressed="TRUE")
Output(format='tsv', compressed=True, download=False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from idmapping.catalogue import SWISSPROT, UNIPARC, UNIPROTKB, UNIREFS, Catalogue
from idmapping.entries import DATASETS, Dataset, ReturnField
from idmapping.errors import InvalidRequest
from idmapping.jobs.service import ENRICH_WARNING, enrichable
from idmapping.model import Job
from idmapping.results.entryrows import Filter, read_filter
from idmapping.results.facets import read_facets
from idmapping.results.media import media_type_for
from idmapping.results.paging import check_size, decode_cursor
from idmapping.settings import Settings

__all__ = [
    "PLAIN_PAGED",
    "PLAIN_STREAM",
    "ENTRY_FORMATS",
    "ENTRY_STREAM_FORMATS",
    "DATASET_TARGETS",
    "parse_bool",
    "compressed_flag",
    "Output",
    "PageRequest",
    "EntryOptions",
    "entry_options",
    "results_path",
    "stream_path",
    "results_dataset",
    "check_entry_job",
]

# The formats of each end-point, in UniProt's "produces" order (which its error message lists).
# RDF (rdf, ttl, nt) is offered on entry streams only, as UniProt offers it.
PLAIN_PAGED = ("tsv", "json", "xlsx")
PLAIN_STREAM = ("tsv", "json", "xlsx", "list")
ENTRY_FORMATS = {
    "uniprotkb": ("json", "fasta", "tsv", "xlsx", "xml", "txt", "gff", "list"),
    "uniref": ("tsv", "json", "fasta", "xlsx", "list"),
    "uniparc": ("json", "fasta", "tsv", "xlsx", "list"),
}
ENTRY_STREAM_FORMATS = {
    "uniprotkb": ("tsv", "txt", "list", "xml", "json", "xlsx", "fasta", "gff", "rdf", "ttl",
                  "nt"),
    "uniref": ("tsv", "list", "json", "xlsx", "fasta", "rdf", "ttl", "nt"),
    "uniparc": ("tsv", "fasta", "list", "json", "xlsx", "rdf", "ttl", "nt"),
}
DATASET_TARGETS = {
    "uniprotkb": (UNIPROTKB, SWISSPROT),
    "uniparc": (UNIPARC,),
    "uniref": UNIREFS,
}
"""The ``to`` databases whose results each entry dataset serves."""

_BOOLEANS = {
    "uniprotkb": ("includeIsoform", "subsequence"),
    "uniref": ("complete",),
    "uniparc": (),
}


_BOOLEANS_AS_UNIPROT = {
    # name: (any case, UniProt's message); the @Pattern of each request class's field
    "includeIsoform": (True, "Invalid includeIsoform parameter value. Expected true or false"),
    "subsequence": (True, "Invalid subsequence parameter value. Expected true or false"),
    "complete": (True,
                 "'complete' parameter value has invalid format. It should be true or false."),
    "download": (False, "The 'download' parameter has invalid format. It should be a boolean "
                        "true or false."),
}
"""UniProt's boolean parameters of the results end-points: ``download`` must be ``true`` or
``false`` exactly (``^(?:true|false)$``), the others in any case; an empty value is refused
too (Spring binds it as the empty string, which no pattern matches)."""


def parse_bool(name: str, value: str | None, default: bool = False) -> bool:
    """A boolean parameter: absent = *default*; UniProt's rule and message for its own
    (:data:`_BOOLEANS_AS_UNIPROT`); for ours, ``true``/``false`` in any case, blank = default.

    :raises InvalidRequest: UniProt's message for any other value.
    """
    if value is None:
        return default
    rule = _BOOLEANS_AS_UNIPROT.get(name)
    if rule is None:
        if not value.strip():
            return default
        rule = (True, f"The '{name}' parameter has invalid format. It should be a boolean "
                      "true or false.")
        value = value.strip()
    any_case, message = rule
    text = value.lower() if any_case else value
    if text in ("true", "false"):
        return text == "true"
    raise InvalidRequest(message)


def compressed_flag(value: str | None) -> bool:
    """``compressed``: ``true`` in any case gzips the body; any other value, or none, does not.
    UniProt refuses no value (its request mutator only asks ``"true".equalsIgnoreCase``).

    >>> compressed_flag("TRUE"), compressed_flag("yes"), compressed_flag(None)
    (True, False, False)
    """
    return value is not None and value.lower() == "true"


@dataclass(frozen=True)
class Output:
    """How to write results: format, ``compressed=true``, ``download=true``."""

    format: str
    compressed: bool = False
    download: bool = False

    @classmethod
    def read(cls, fmt: str, compressed: str | None = None, download: str | None = None
             ) -> Output:
        """The output of an already chosen format, with the switches read from text.

        :raises InvalidRequest: UniProt's message for a ``download`` that is not ``true`` or
            ``false`` (``compressed`` is never refused, as UniProt refuses none).
        """
        return cls(fmt, compressed_flag(compressed), parse_bool("download", download))


@dataclass(frozen=True)
class PageRequest:
    """Which page was asked for: ``cursor`` (as an offset) and ``size``."""

    offset: int
    size: int

    @classmethod
    def read(cls, size: str | None, cursor: str | None) -> PageRequest:
        """Read ``size`` and ``cursor``; both wrong gives both messages.

        :raises InvalidRequest: UniProt's messages.
        """
        messages: list[str] = []
        offset = checked = 0
        try:
            checked = check_size(size)
        except InvalidRequest as exc:
            messages += exc.messages
        try:
            offset = decode_cursor(cursor or "")
        except InvalidRequest as exc:
            messages += exc.messages
        if messages:
            raise InvalidRequest(*messages)
        return cls(offset, checked)


@dataclass(frozen=True)
class EntryOptions:
    """What an entry end-point was asked for.

    :param fields: the ``fields`` asked for; for JSON, None keeps whole entries.
    :param columns: the fields of the columns (the dataset's defaults when none were asked).
    :param complete: UniRef ``complete=true``: every member, not the first ten.
    :param filter: ``query``, ``sort``, ``includeIsoform`` and ``subsequence``.
    :param max_filter: the most pairs a job may have for ``filter`` to apply (warning 20 on a
        page, 400 on a stream past it); 0: no cap.
    :param facets: the facets asked for (``facets=``), counted on JSON pages only.
    :param max_facets: the most pairs a job may have for facets to be counted (warning 20
        past it); 0: no cap.
    """

    dataset: Dataset
    fields: tuple[ReturnField, ...] | None
    columns: tuple[ReturnField, ...]
    complete: bool = False
    filter: Filter = Filter()
    max_filter: int = 0
    facets: tuple[str, ...] = ()
    max_facets: int = 0


def entry_options(
    dataset: Dataset,
    out: Output,
    catalogue: Catalogue,
    fields: str | None,
    params: Mapping[str, str | None],
    max_filter: int = 0,
    max_facets: int = 0,
) -> EntryOptions:
    """Read the parameters of an entry end-point, collecting every message.

    :param params: ``includeIsoform``, ``subsequence``, ``complete``, ``query``, ``sort`` and
        ``facets`` as received (None when absent; a stream passes no ``facets``: UniProt's
        stream takes none). Facet names are checked whatever the format, as UniProt does;
        only a JSON page carries them.
    :raises InvalidRequest: with one message per bad parameter.
    """
    messages: list[str] = []
    chosen: tuple[ReturnField, ...] = ()
    try:
        chosen = dataset.parse_fields(fields, catalogue)
    except InvalidRequest as exc:
        messages += exc.messages
    switches: dict[str, bool] = {}
    for name in _BOOLEANS[dataset.name]:
        try:
            switches[name] = parse_bool(name, params.get(name))
        except InvalidRequest as exc:
            messages += exc.messages
    if switches.get("subsequence") and out.format != "fasta":
        messages.append(
            f"Invalid content type received, '{media_type_for(out.format)}'. 'subsequence' "
            "parameter only accepted for 'text/plain;format=fasta' content type."
        )
    facets: tuple[str, ...] = ()
    try:
        facets = read_facets(dataset.name, params.get("facets"))
    except InvalidRequest as exc:
        messages += exc.messages
    chosen_filter = Filter()
    try:
        chosen_filter = read_filter(dataset, params.get("query"), params.get("sort"),
                                    switches.get("includeIsoform", False),
                                    switches.get("subsequence", False))
    except InvalidRequest as exc:
        messages += exc.messages
    if messages:
        raise InvalidRequest(*messages)
    given = None if fields is None or not fields.strip() else chosen
    return EntryOptions(dataset, given, chosen, switches.get("complete", False), chosen_filter,
                        max_filter, facets, max_facets)


# ---------------------------------------------------------------------------------------------
# Where a job's results are


def results_dataset(job: Job, settings: Settings) -> Dataset | None:
    """The entry dataset a finished job's results are served as, or None for plain pairs
    (its target has no entries, or it is over the enrichment limit)."""
    if enrichable(job, settings):
        for name, targets in DATASET_TARGETS.items():
            if job.to_db in targets:
                return DATASETS[name]
    return None


def results_path(job: Job, settings: Settings) -> str:
    """The results path of a finished job, after ``/idmapping`` (§2.4)."""
    dataset = results_dataset(job, settings)
    return f"/{dataset.name}/results/{job.id}" if dataset else f"/results/{job.id}"


def stream_path(job: Job, settings: Settings) -> str:
    """The path of a finished job's whole result, streamed, after ``/idmapping``."""
    dataset = results_dataset(job, settings)
    return f"/{dataset.name}/results/stream/{job.id}" if dataset else f"/stream/{job.id}"


def check_entry_job(job: Job, options: EntryOptions, settings: Settings, base: str = "") -> None:
    """Refuse entry results for a job over the enrichment limit or mapped elsewhere.

    :param base: what goes before :func:`results_path` in the message naming the right URL
        (a shell passes its absolute ``…/idmapping``).
    :raises InvalidRequest: UniProt's enrichment message, or one naming the right URL.
    """
    if job.to_db not in DATASET_TARGETS[options.dataset.name]:
        raise InvalidRequest(
            f"Invalid request received. This job mapped to '{job.to_db}', whose results are "
            f"at {base}{results_path(job, settings)}"
        )
    if not enrichable(job, settings):
        raise InvalidRequest(
            "Invalid request received. " + ENRICH_WARNING.format(settings.max_enrich)
        )
