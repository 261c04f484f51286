"""PostgreSQL's probe of a job's UniProtKB accessions for the entries whose accessions they are
(the first of the two steps of ``mapping._map_accessions``, issue 18): the keys sent as one
parameter, hashed against every entry or, for fewer keys, read from the accession index in
their order."""

from __future__ import annotations

from idmapping.model import Release
from idmapping.store.plans import AccessionMisses, AccessionPlan
from idmapping.store.postgres_driver import Connection, adapt
from idmapping.store.sql_probes import (
    accession_probe_sql,
    positions_of,
    postgres_key_rows,
    postgres_plain_accession,
)

__all__ = ["probe_accessions", "probe_in_order", "INDEX_PROBE_SHARE"]

INDEX_PROBE_SHARE = 4
"""A probe of fewer keys than the release's entries over this reads the accession index in
the keys' order rather than hashing every entry (:func:`probe_in_order`)."""


def probe_in_order(plan: AccessionPlan, release: Release) -> bool:
    """Whether the accession probe of *plan* sends its keys sorted and probes the accession
    index once per key, in that order (a nested loop, which the planner does not choose: it
    hashes every entry of the release, whatever the number of keys). Measured on the 1M
    release (issue 18, load average 4): 100,000 keys in 0.25 s so against 0.65 s hashed (in
    random order, 0.79 s), 1,000,000 keys in 2.37 s against 1.72 s: so where the keys are
    fewer than a quarter of the entries, and no taxon is asked (whose clade the planner then
    joins as it sees fit)."""
    entries = int(release.stats.get("entries") or 0)
    return plan.taxon is None and 0 < len(plan.keys) * INDEX_PROBE_SHARE < entries


def probe_accessions(conn: Connection, plan: AccessionPlan, release: Release, odd: bool,
                     tables: frozenset[str]) -> AccessionMisses:
    """Run *plan* in the caller's transaction, the release's schema on the search path.

    :param odd: the release holds an accession not written as UniProt's pattern (each key's
        form is then checked too).
    :param tables: the release's parts (:data:`~idmapping.store.schema.RELEASE_PARTS`).
    """
    keys = plan.keys
    ordered = probe_in_order(plan, release)
    if ordered:
        keys = sorted(keys)
        conn.execute("SELECT set_config('enable_hashjoin', 'off', true), "
                     "set_config('enable_mergejoin', 'off', true)")
    # the keys as one parameter, which the server splits: no row sent per input
    query, params = accession_probe_sql(
        plan, *postgres_key_rows(keys), postgres_plain_accession("j.key") if odd else "",
        taxonomy=bool(release.stats.get("taxa")), tables=tables)
    rows = conn.execute(adapt(query), params)
    # whether the keys repeat is left to the engine (distinct: False)
    if not ordered:
        return AccessionMisses(release, [row[0] for row in rows])
    return AccessionMisses(release, positions_of(plan.keys, {keys[row[0]] for row in rows}))
