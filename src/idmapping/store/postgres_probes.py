"""PostgreSQL's probe of a job's UniProtKB accessions for the entries whose accessions they are
(the first of the two steps of ``mapping._map_accessions``, issue 18): the keys sent as one
parameter, then, for fewer keys, read from the accession index in their order; for as many
keys as a large share of the entries, sorted by the server and merged with that index; else
joined as the planner sees fit (a hash of every entry)."""

from __future__ import annotations

from enum import Enum

from idmapping.model import Release
from idmapping.store.plans import AccessionMisses, AccessionPlan
from idmapping.store.postgres_driver import Connection, adapt
from idmapping.store.sql_probes import (
    accession_probe_sql,
    positions_of,
    postgres_key_rows,
    postgres_plain_accession,
)

__all__ = ["probe_accessions", "probe_path", "ProbePath", "INDEX_PROBE_SHARE",
           "MERGE_PROBE_TIMES"]

INDEX_PROBE_SHARE = 10
"""A probe of fewer keys than the release's entries over this reads the accession index in
the keys' order (:attr:`ProbePath.INDEX`); more, a merge with it (:attr:`ProbePath.MERGE`)."""

MERGE_PROBE_TIMES = 4
"""A probe of more keys than this many times the release's entries is left to the planner."""


class ProbePath(Enum):
    """How the accession probe of a plan reads the release's entries (:func:`probe_path`)."""

    #: the planner's choice: for many keys, a hash of every entry of the release
    PLANNED = "planned"
    #: the keys sent sorted, the accession index probed once per key in that order
    INDEX = "index"
    #: the keys sorted by the server, merged with the accession index read whole
    MERGE = "merge"


def probe_path(plan: AccessionPlan, release: Release) -> ProbePath:
    """How the accession probe of *plan* reads the release's entries: a path the planner does
    not choose where no taxon is asked (whose clade it then joins as it sees fit), measured on
    the 1M release (issue 18, the probe's query alone, load average 1 to 4).

    - Fewer keys than a tenth of the entries: :attr:`ProbePath.INDEX` (a nested loop; the
      planner hashes every entry of the release, whatever the number of keys): 100,000 keys
      in 0.12 s so against 0.29 s hashed.
    - From a tenth of the entries to :data:`MERGE_PROBE_TIMES` times them, and no reviewed
      entries asked: :attr:`ProbePath.MERGE` (a merge anti join, hash and nested loops off):
      1,000,000 keys in 0.66–0.70 s against 0.83–0.89 s hashed (1.1 s as a nested loop);
      100,000 keys 0.12 s, as fast as the index probed in order, with no sort by Python.
      Swiss-Prot's probe reads each entry's row for its ``reviewed`` (1.7 s merged against
      0.94 s hashed): left to the planner.
    """
    entries = int(release.stats.get("entries") or 0)
    count = len(plan.keys)
    if plan.taxon is not None or not count or not entries:
        return ProbePath.PLANNED
    if count * INDEX_PROBE_SHARE < entries:
        return ProbePath.INDEX
    if plan.target != "swissprot" and count <= entries * MERGE_PROBE_TIMES:
        return ProbePath.MERGE
    return ProbePath.PLANNED


_SETTINGS = {
    # hash and merge joins off: the nested loop, each key probed in the index in its order
    ProbePath.INDEX: "SELECT set_config('enable_hashjoin', 'off', true), "
                     "set_config('enable_mergejoin', 'off', true)",
    # hash joins and nested loops off, and the table's scan: the index read in its order
    ProbePath.MERGE: "SELECT set_config('enable_hashjoin', 'off', true), "
                     "set_config('enable_nestloop', 'off', true), "
                     "set_config('enable_seqscan', 'off', true)",
}


def probe_accessions(conn: Connection, plan: AccessionPlan, release: Release, odd: bool,
                     tables: frozenset[str]) -> AccessionMisses:
    """Run *plan* in the caller's transaction, the release's schema on the search path.

    :param odd: the release holds an accession not written as UniProt's pattern (each key's
        form is then checked too).
    :param tables: the release's parts (:data:`~idmapping.store.schema.RELEASE_PARTS`).
    """
    keys = plan.keys
    path = probe_path(plan, release)
    if path is ProbePath.INDEX:
        keys = sorted(keys)
    if path in _SETTINGS:
        conn.execute(_SETTINGS[path])
    # the keys as one parameter, which the server splits: no row sent per input
    query, params = accession_probe_sql(
        plan, *postgres_key_rows(keys, streamed=path is not ProbePath.PLANNED),
        postgres_plain_accession("j.key") if odd else "",
        taxonomy=bool(release.stats.get("taxa")), tables=tables)
    rows = conn.execute(adapt(query), params)
    # whether the keys repeat is left to the engine (distinct: False)
    if path is not ProbePath.INDEX:
        return AccessionMisses(release, [row[0] for row in rows])
    return AccessionMisses(release, positions_of(plan.keys, {keys[row[0]] for row in rows}))
