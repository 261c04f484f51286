"""Why did it not map? A reason for every id of a mapping that mapped to nothing.

Here on the demo release that ships with the package:

>>> import tempfile
>>> from idmapping.loader import demo_dir, load_release
>>> from idmapping.store import open_store
>>> folder = tempfile.TemporaryDirectory()
>>> store = open_store(folder.name + "/demo.sqlite")
>>> release = load_release([demo_dir() / "idmapping.dat.gz"], store)
>>> request = MappingRequest("Gene_Name", "UniProtKB", ("Q9DEM0", "NOPE"))
>>> _, found = explain_ids(store, request, request.ids)
>>> [(e.id, r.kind) for e in found for r in e.reasons]
[('Q9DEM0', 'other_database'), ('NOPE', 'unknown')]
>>> found[0].reasons[0].message.endswith("did you mean from=UniProtKB_AC-ID?")
True
>>> store.close()
>>> folder.cleanup()

The reasons (docs/mapping.md, "Why an id did not map") come from the holdings of
:func:`idmapping.detect.find_holdings`: one set query in the store for all the ids, whatever
their number, plus a pattern check in Python for databases whose ids have a fixed form.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from idmapping.catalogue import AC_ID, SWISSPROT, UNIPARC, UNIREFS, Catalogue, Database
from idmapping.detect import IdHoldings, find_holdings
from idmapping.entries.uniprotkb import deleted_uniparc, merged_reason
from idmapping.ids import ACCESSION_RE, uniprot_key
from idmapping.mapping import taxon_filter
from idmapping.model import Job, MappingRequest
from idmapping.runtime import paused_gc
from idmapping.store.base import Store

__all__ = ["Reason", "Explanation", "ExplainPage", "explain_ids", "explain_job", "REASONS",
           "EXPLAIN_COLUMNS", "well_formed", "taxon_fate_note", "NO_TAXONOMY",
           "DESCENDANTS_OFF"]

REASONS = ("no_target", "other_taxa", "other_version", "other_database", "secondary",
           "deleted", "malformed", "unknown")
"""Every kind of reason, in the order an id's reasons are listed."""

EXPLAIN_COLUMNS = ("Id", "Reason", "Message")
"""The header of the explanations' TSV: one row per reason."""

_ACCESSION = ACCESSION_RE.pattern.strip("^$")
_UPI = r"UPI[0-9A-F]{10}"
_ENTRY_NAME = re.compile(r"[A-Z0-9]{1,16}_[A-Z0-9]{1,8}")
_PATTERNS = {
    UNIPARC: re.compile(_UPI),
    **{name: re.compile(rf"{name.upper()}_(?:{_ACCESSION}(?:-[0-9]+)?|{_UPI})")
       for name in UNIREFS},
}


@dataclass(frozen=True)
class Reason:
    """One reason why an id did not map: its kind (:data:`REASONS`), a sentence, and the
    facts behind it (databases, accessions, taxa or values)."""

    kind: str
    message: str
    facts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.kind, "message": self.message, **self.facts}


@dataclass
class Explanation:
    """The reasons of one id that did not map."""

    id: str
    reasons: list[Reason]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "reasons": [r.to_dict() for r in self.reasons]}


@dataclass
class ExplainPage:
    """Explanations of a slice of a job's failed ids, and how many failed ids it has."""

    release: str
    total: int
    explanations: list[Explanation]

    def to_dict(self) -> dict[str, Any]:
        return {"results": [e.to_dict() for e in self.explanations]}

    def rows(self) -> list[tuple[str, str, str]]:
        """The TSV rows (:data:`EXPLAIN_COLUMNS`)."""
        return [(e.id, r.kind, r.message) for e in self.explanations for r in e.reasons]


def well_formed(database: Database, text: str) -> bool:
    """Whether *text* has the form of an id of *database*: a UniProtKB accession (or isoform,
    versioned accession, range) or entry name, a UniParc id, a UniRef cluster id. Ids of other
    databases have no form checked here: they are all well formed."""
    upper = text.upper()
    if database.name == AC_ID:
        return uniprot_key(text)[1] == "accession" or bool(_ENTRY_NAME.fullmatch(upper))
    pattern = _PATTERNS.get(database.name)
    return pattern is None or bool(pattern.fullmatch(upper))


NO_TAXONOMY = "this release holds no taxonomy: taxId matches that taxon exactly"
"""The note of a taxon miss in a release loaded without NCBI's taxonomy."""

DESCENDANTS_OFF = "taxonomy_descendants is off: taxId matches that taxon exactly"
"""The note of a taxon miss where the setting keeps ``taxId`` to the taxon itself."""


def taxon_fate_note(taxon: int, fate: tuple[str, int | None] | None) -> str:
    """What a release's taxonomy says of a ``taxId`` that is none of its taxa (empty for one
    of its taxa): merged into another (merged.dmp), deleted (delnodes.dmp) or unknown."""
    if fate is None:
        return ""
    kind, new = fate
    if kind == "merged":
        return f"NCBI merged taxon {taxon} into {new} (merged.dmp): taxId matched {new}"
    if kind == "deleted":
        return f"NCBI deleted taxon {taxon} (delnodes.dmp)"
    return f"taxon {taxon} is not in this release's taxonomy"


@dataclass(frozen=True)
class _TaxonRule:
    """How the job's ``taxId`` was matched: the taxon asked for (the one it was merged into,
    where it was), the taxa above each taxon that the ids are held in (empty where taxId
    matches that taxon exactly), a note saying why not, and what the taxonomy says of the
    taxon (:func:`taxon_fate_note`)."""

    taxon: int | None
    lineages: dict[int, set[int]]
    note: str
    asked: int | None = None
    fate: tuple[str, int | None] | None = None

    def covers(self, taxa: Sequence[int]) -> bool:
        """Whether an id held in *taxa* passes the taxon: one of them is it, or below it."""
        return any(self.taxon in self.lineages.get(t, {t}) for t in taxa)


def _taxon_rule(store: Store, taxon: int | None, held: Sequence[IdHoldings], source: Database,
                descendants: bool) -> _TaxonRule:
    if taxon is None:
        return _TaxonRule(None, {}, "")
    if not store.has_taxonomy():
        return _TaxonRule(taxon, {}, NO_TAXONOMY, taxon)
    fate = store.taxon_fate(taxon) if taxon >= 0 else None
    matched = fate[1] if fate is not None and fate[0] == "merged" and fate[1] else taxon
    if not descendants:
        return _TaxonRule(matched, {}, DESCENDANTS_OFF, taxon, fate)
    taxa = sorted({t for h in held if (own := h.holding(source.name)) for t in own.taxa})
    return _TaxonRule(matched, store.taxon_lineages(taxa), "", taxon, fate)


def explain_ids(store: Store, request: MappingRequest, ids: Sequence[str],
                catalogue: Catalogue | None = None, descendants: bool = True
                ) -> tuple[str, list[Explanation]]:
    """The reasons why each of *ids* (ids of *request* that mapped to nothing) did not map,
    in the current release.

    :param descendants: the setting ``taxonomy_descendants``: ``taxId`` also passes the taxa
        below it, where the release holds a taxonomy.

    :raises InvalidRequest: the request's from/to pair is not one UniProt allows.
    :raises NoRelease: nothing is loaded.
    """
    catalogue = catalogue or store.catalogue
    source, target = catalogue.check_pair(request.from_db, request.to_db)
    with paused_gc():  # an object or more per id, none in a cycle
        release, found = find_holdings(store, ids, catalogue, any_version=source)
        rule = _taxon_rule(store, taxon_filter(request.tax_id), found, source, descendants)
        deleted = [uniprot_key(h.id)[0] for h in found if h.deleted is not None]
        uniparc = deleted_uniparc(store, deleted) if deleted else {}
        facts = _Facts(source, target, rule, frozenset(
            name for name, db in catalogue.databases.items() if db.is_from), uniparc)
        return release, [Explanation(held.id, _reasons(held, facts)) for held in found]


def explain_job(store: Store, job: Job, offset: int = 0, limit: int | None = None,
                catalogue: Catalogue | None = None, descendants: bool = True) -> ExplainPage:
    """The reasons of a finished job's failed ids from *offset* (at most *limit*; None: all):
    only those ids are looked up, so a page costs the same however many ids failed."""
    failed = job.failed_ids
    chosen = failed[offset:] if limit is None else failed[offset:offset + limit]
    request = MappingRequest(job.from_db, job.to_db, (), job.tax_id)
    if not chosen:
        current = store.current_release()
        return ExplainPage(current.name if current else job.release, len(failed), [])
    release, explanations = explain_ids(store, request, chosen, catalogue, descendants)
    return ExplainPage(release, len(failed), explanations)


def _entries(n: int) -> str:
    return f"{n:,} {'entry' if n == 1 else 'entries'}"


@dataclass(frozen=True)
class _Facts:
    """What the reasons of every id of a request are made from: its databases, the taxon
    rule, the catalogue's ``from`` databases, and the UniParc ids of deleted accessions."""

    source: Database
    target: Database
    rule: _TaxonRule
    from_names: frozenset[str]
    uniparc: dict[str, str]


def _reasons(held: IdHoldings, facts: _Facts) -> list[Reason]:
    source = facts.source
    if not (held.databases or held.versions or held.secondary_of) and held.deleted is None:
        # most failed ids of a large job are held nowhere: only their form is left to check
        if not well_formed(source, held.id):
            return [Reason("malformed", f"Not of the form of a {source.name} id")]
        return [Reason("unknown", "Not held by any database of this release")]
    target, rule = facts.target, facts.rule
    reasons = []
    own = held.holding(source.name)
    if own is not None:
        if rule.taxon is not None and not rule.covers(own.taxa):
            below = "" if rule.note else " or below it"
            notes = [n for n in (taxon_fate_note(rule.asked or rule.taxon, rule.fate),
                                 rule.note) if n]
            note = f" ({'; '.join(notes)})" if notes else ""
            fate = {} if rule.fate is None else {
                "taxon": {"asked": rule.asked, "fate": rule.fate[0],
                          **({"mergedInto": rule.fate[1]} if rule.fate[1] else {})}}
            reasons.append(Reason(
                "other_taxa", f"Held in {_entries(own.entries)} of {source.name}, of taxa "
                f"{', '.join(map(str, own.taxa)) or 'unknown'} only, not of taxon "
                f"{rule.asked or rule.taxon}{below}{note}",
                {"taxa": list(own.taxa), **({"note": rule.note} if rule.note else {}),
                 **fate}))
        elif target.name == SWISSPROT:
            reasons.append(Reason("no_target", f"Held in {_entries(own.entries)} of "
                                  f"{source.name}, none of them reviewed (Swiss-Prot)",
                                  {"entries": own.entries}))
        else:
            reasons.append(Reason("no_target", f"Held in {_entries(own.entries)} of "
                                  f"{source.name}, none of which has a {target.name} id",
                                  {"entries": own.entries}))
    elif held.versions:
        reasons.append(Reason(
            "other_version", f"{source.name} holds it only with another version: "
            f"{', '.join(held.versions)}", {"values": held.versions}))
    others = [h for h in held.databases
              if h.database != source.name and h.database in facts.from_names]
    if own is None and others:
        listed = ", ".join(f"{h.database} ({_entries(h.entries)})" for h in others[:5])
        more = f" and {len(others) - 5} more" if len(others) > 5 else ""
        reasons.append(Reason(
            "other_database", f"Not a {source.name} id of this release, but held in "
            f"{listed}{more}: did you mean from={others[0].database}?",
            {"databases": [{"database": h.database, "entries": h.entries} for h in others]}))
    if held.secondary_of:
        hint = "" if source.name == AC_ID else ": did you mean from=UniProtKB_AC-ID?"
        how = "merged into" if len(held.secondary_of) == 1 else "split into"
        reasons.append(Reason(
            "secondary", f"A secondary accession (sec_ac.txt): {how} "
            f"{', '.join(held.secondary_of)}{hint}",
            {"accessions": held.secondary_of,
             "inactiveReason": merged_reason(held.secondary_of)}))
    if held.deleted is not None and held.holding(AC_ID) is None:
        kind = "Swiss-Prot" if held.deleted == "sp" else "TrEMBL"
        upi = facts.uniparc.get(uniprot_key(held.id)[0])
        sequence = f"; its sequence is UniParc {upi}" if upi else ""
        reasons.append(Reason("deleted", f"An accession deleted from UniProtKB ({kind}, "
                                         f"delac_{held.deleted}.txt){sequence}",
                              {"source": held.deleted,
                               "inactiveReason": {"inactiveReasonType": "DELETED"},
                               **({"uniParcId": upi} if upi else {})}))
    if not well_formed(source, held.id):
        reasons.append(Reason("malformed", f"Not of the form of a {source.name} id"))
    if not reasons:
        reasons.append(Reason("unknown", "Not held by any database of this release"))
    return reasons
