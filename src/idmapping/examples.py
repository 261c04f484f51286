"""Example ids from the release being served, so that the examples a user is shown map.

The web form offers them ("Use example ids"); any shell can ask for them::

    examples = example_ids(store, store.catalogue)
    examples["UniProtKB_AC-ID"]   # e.g. ['P04637', 'P02340', 'K7PPA8', 'P53_HUMAN']
"""

from __future__ import annotations

from idmapping.catalogue import AC_ID, Catalogue
from idmapping.errors import IdMappingError
from idmapping.store.base import Store

__all__ = ["EXAMPLE_ENTRIES", "example_ids"]

EXAMPLE_ENTRIES = 12
"""How many entries of the current release the example ids are drawn from."""


def example_ids(store: Store, catalogue: Catalogue, per_database: int = 4) -> dict[str, list[str]]:
    """Example ids per ``from`` database, taken from the current release so that they map.

    They are drawn from a few of the release's own entries (reviewed ones first, see
    :meth:`Store.sample_accessions`): their accessions and entry names are the
    ``UniProtKB_AC-ID`` examples, and their ids in other databases (gene names, GeneID,
    Ensembl, ...) those of each database. A database none of these entries has ids in gets no
    examples; nothing is loaded, no examples at all.
    """
    try:
        sample = store.sample_accessions(EXAMPLE_ENTRIES)
        facts = store.entry_facts(sample)
    except IdMappingError:
        return {}
    entries = [facts[a] for a in sample if a in facts and not facts[a].deleted]
    examples: dict[str, list[str]] = {}
    if entries:
        names = [e.name for e in entries[:per_database] if e.name]
        examples[AC_ID] = [e.accession for e in entries][: per_database - 1] + names[:1]
    by_type = catalogue.by_dat_type()
    for entry in entries:
        for dat_type, values in entry.xrefs.items():
            database = by_type.get(dat_type)
            if database is None or not database.is_from or database.name == AC_ID:
                continue
            found = examples.setdefault(database.name, [])
            if len(found) < per_database and values[0].lower() not in map(str.lower, found):
                found.append(values[0])
    return examples
