"""The trail of an obsolete accession (issue 17, item 3): what a secondary accession was
merged or split into, and that a deleted one was deleted, with its UniParc id where the
release's UniParc XML lists it, in the explanations and in UniProtKB results, shaped as
UniProt's ``inactiveReason``.

Ids come from the release files: sec_ac.txt and delac_*.txt of the demo and the foreign
release, on both stores. The UniParc XML that names deleted accessions is written here, shaped
as UniProt's uniparc_all.xml is (inactive UniProtKB cross-references, ``active="N"``), for
deleted accessions of the foreign release.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import api_settings, start_server
from idmapping.explain import Reason, explain_ids
from idmapping.loader import load_release
from idmapping.model import MappingRequest
from idmapping.store import Store
from idmapping.web import create_app
from releases import ReleaseFacts, submit
from stores import BACKENDS, fresh_store


def _reasons(store: Store, ids: list[str], from_db: str = "UniProtKB_AC-ID"
             ) -> dict[str, dict[str, Reason]]:
    request = MappingRequest(from_db, "UniProtKB", tuple(ids))
    _, found = explain_ids(store, request, ids)
    return {e.id: {r.kind: r for r in e.reasons} for e in found}


def _secondaries(release: ReleaseFacts) -> dict[str, list[str]]:
    """Secondary accessions that are no entry's accession, with their primaries that are."""
    return {s: sorted(p for p in primaries if p in release.entries)
            for s, primaries in release.secondary.items()
            if s not in release.entries and any(p in release.entries for p in primaries)}


def test_secondary_accessions_merged_or_split(release: ReleaseFacts, release_store: Store
                                              ) -> None:
    secondaries = _secondaries(release)
    assert secondaries
    found = _reasons(release_store, list(secondaries), "Gene_Name")
    kinds = set()
    for accession, primaries in secondaries.items():
        reason = found[accession]["secondary"]
        kind = "MERGED" if len(primaries) == 1 else "DEMERGED"
        kinds.add(kind)
        assert reason.facts["inactiveReason"] == {"inactiveReasonType": kind,
                                                  "mergeDemergeTo": primaries}
        assert reason.facts["accessions"] == primaries
        verb = "merged into" if kind == "MERGED" else "split into"
        assert f"{verb} {', '.join(primaries)}" in reason.message
        assert "did you mean from=UniProtKB_AC-ID?" in reason.message
    # the demo release's sec_ac.txt has splits; the foreign one only merges
    assert kinds == ({"MERGED", "DEMERGED"} if release.demo else {"MERGED"})


def test_deleted_accessions_say_so(release: ReleaseFacts, release_store: Store) -> None:
    deleted = [a for a in release.deleted
               if a not in release.entries and a not in release.secondary]
    assert deleted
    found = _reasons(release_store, deleted)
    for accession in deleted:
        reason = found[accession]["deleted"]
        assert reason.facts["inactiveReason"] == {"inactiveReasonType": "DELETED"}
        assert reason.facts["source"] == release.deleted[accession]
        # neither release's UniParc XML lists a deleted accession: no UniParc id is made up
        assert "uniParcId" not in reason.facts and "UniParc" not in reason.message


# -- UniParc ids of deleted accessions -------------------------------------------------------


def _uniparc_xml(path: Path, inactive: dict[str, list[str]], active: dict[str, str]) -> Path:
    """A UniParc XML of entries (UPI -> the accessions it lists as inactive), each with one
    active accession too (*active*: UPI -> accession)."""
    entries = []
    for upi, accessions in inactive.items():
        refs = [f'    <dbReference type="UniProtKB/TrEMBL" id="{active[upi]}" version_i="1" '
                'active="Y" version="1" created="2011-03-08" last="2031-09-17">\n'
                '        <property type="NCBI_taxonomy_id" value="559292"/>\n'
                "    </dbReference>\n"]
        refs += [f'    <dbReference type="UniProtKB/TrEMBL" id="{acc}" version_i="1" '
                 'active="N" version="2" created="2009-05-05" last="2015-01-07">\n'
                 '        <property type="NCBI_taxonomy_id" value="559292"/>\n'
                 "    </dbReference>\n" for acc in accessions]
        entries.append(f'<entry dataset="uniparc">\n    <accession>{upi}</accession>\n'
                       + "".join(refs)
                       + '    <sequence length="12" checksum="0123456789ABCDEF">MSTNPKPQRKTK'
                       "</sequence>\n</entry>\n")
    path.write_text('<?xml version="1.0" encoding="US-ASCII"?>\n'
                    '<uniparc xmlns="http://uniprot.org/uniparc" '
                    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
                    + "".join(entries) + "</uniparc>\n")
    return path


@pytest.fixture(scope="module")
def foreign(release_facts: dict[str, ReleaseFacts]) -> ReleaseFacts:
    return release_facts["foreign"]


@pytest.fixture(scope="module")
def uniparc_plan(foreign: ReleaseFacts) -> dict[str, Any]:
    """Which deleted accessions of the foreign release the UniParc XML names: the first in
    one UniParc entry, the second in two (its sequence changed before it was deleted)."""
    deleted = [a for a in foreign.deleted if a not in foreign.entries]
    assert len(deleted) >= 3
    active = foreign.accessions()[:3]
    upis = ["UPI00000A1B2C", "UPI00000A1B2D", "UPI0000F00D01"]
    return {"inactive": {upis[0]: [deleted[0]], upis[1]: [deleted[1]],
                         upis[2]: [deleted[1]]},
            "active": dict(zip(upis, active, strict=True)),
            "expected": {deleted[0]: upis[0], deleted[1]: upis[2]},
            "unlisted": deleted[2]}


@pytest.fixture(scope="module", params=BACKENDS)
def uniparc_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                  foreign: ReleaseFacts, uniparc_plan: dict[str, Any]) -> Iterator[Store]:
    directory = tmp_path_factory.mktemp("trail")
    xml = _uniparc_xml(directory / "uniparc_all.xml", uniparc_plan["inactive"],
                       uniparc_plan["active"])
    with fresh_store(str(request.param), directory) as store:
        load_release([*foreign.files, xml], store)
        yield store


def test_deleted_accession_with_its_uniparc_id(uniparc_store: Store,
                                               uniparc_plan: dict[str, Any]) -> None:
    expected: dict[str, str] = uniparc_plan["expected"]
    unlisted = uniparc_plan["unlisted"]
    found = _reasons(uniparc_store, [*expected, unlisted])
    for accession, upi in expected.items():
        reason = found[accession]["deleted"]
        assert reason.facts["uniParcId"] == upi
        assert reason.message.endswith(f"its sequence is UniParc {upi}")
    assert "uniParcId" not in found[unlisted]["deleted"].facts
    # the active accessions keep their own UniParc ids; an inactive reference is no entry's id
    for upi, accession in uniparc_plan["active"].items():
        assert upi in uniparc_store.entry_facts([accession])[accession].xrefs["UniParc"]


def test_results_show_deleted_targets_as_uniprot_does(uniparc_store: Store,
                                                      uniparc_plan: dict[str, Any]) -> None:
    expected: dict[str, str] = uniparc_plan["expected"]
    unlisted = uniparc_plan["unlisted"]
    live = start_server(create_app(api_settings(uniparc_store), uniparc_store))
    try:
        job = submit(live.url, "UniProtKB_AC-ID", "UniProtKB", [*expected, unlisted])
        body = httpx.get(f"{live.url}/idmapping/uniprotkb/results/{job}", timeout=30).json()
    finally:
        live.stop()
    targets = {r["from"]: r["to"] for r in body["results"]}
    assert body["obsoleteCount"] == len(expected) + 1
    for accession, upi in expected.items():
        assert targets[accession] == {
            "entryType": "Inactive", "primaryAccession": accession,
            "inactiveReason": {"inactiveReasonType": "DELETED"},
            "extraAttributes": {"uniParcId": upi}}
    assert targets[unlisted] == {"entryType": "Inactive", "primaryAccession": unlisted,
                                 "inactiveReason": {"inactiveReasonType": "DELETED"}}
