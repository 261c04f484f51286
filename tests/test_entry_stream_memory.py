"""A 100,000-pair UniProtKB entry stream runs in bounded memory.

One process builds a release of 100,000 small entries (documents and mappings written through
the release writer, as the loader writes them); another serves it and streams the whole job
as JSON and as FASTA, and reports its peak RSS before and after. Entry documents are read one
batch at a time, so the growth must stay far below the size of the result.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PAIRS = 100_000

BUILD = textwrap.dedent("""
    import sys
    from idmapping.loader import ReleaseBuilder
    from idmapping.store import open_store
    from idmapping.uniprot.common import sequence_object
    from idmapping.uniprot.summary import uniprotkb_row

    store = open_store(sys.argv[1])
    writer = ReleaseBuilder(store)
    seq = "MKVLAAGIVGLLLAQPASAEEKKTTVDNLLSQAGGEAEKLAAR" * 4

    def entries():
        for n in range(int(sys.argv[2])):
            acc = f"A0A{n:06d}0"[:10]
            yield {"entryType": "UniProtKB unreviewed (TrEMBL)", "primaryAccession": acc,
                   "uniProtkbId": f"{acc}_HUMAN",
                   "organism": {"scientificName": "Homo sapiens", "taxonId": 9606},
                   "proteinExistence": "4: Predicted",
                   "proteinDescription": {"submissionNames": [{"fullName": {
                       "value": f"Protein {n}"}}]},
                   "genes": [{"geneName": {"value": f"G{n}"}}],
                   "entryAudit": {"sequenceVersion": 1}, "sequence": sequence_object(seq)}

    batch, mappings = [], []
    for entry in entries():
        batch.append(uniprotkb_row(entry))
        mappings.append((entry["primaryAccession"], "GeneID", "424242"))
        if len(batch) == 5000:
            writer.add_documents("uniprotkb", batch)
            writer.add_mappings(mappings)
            batch, mappings = [], []
    writer.add_documents("uniprotkb", batch)
    writer.add_mappings(mappings)
    writer.commit("2099_01")
    store.close()
""")

SERVE = textwrap.dedent("""
    import json, resource, sys, time
    import httpx
    sys.path.insert(0, sys.argv[2])
    from conftest import api_settings, start_server
    from idmapping.store import open_store
    from idmapping.web import create_app

    store = open_store(sys.argv[1])
    live = start_server(create_app(api_settings(store), store))
    job = httpx.post(f"{live.url}/idmapping/run", timeout=600,
                     data={"from": "GeneID", "to": "UniProtKB", "ids": "424242"}).json()["jobId"]
    while httpx.get(f"{live.url}/idmapping/status/{job}", follow_redirects=False,
                    timeout=60).status_code == 200:
        time.sleep(0.2)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = {"before_kib": before}
    for fmt in ("json", "fasta"):
        start, size, records, tail = time.monotonic(), 0, 0, b""
        mark = b">tr|" if fmt == "fasta" else b'"from"'
        url = f"{live.url}/idmapping/uniprotkb/results/stream/{job}?format={fmt}"
        with httpx.stream("GET", url, timeout=600) as response:
            for chunk in response.iter_bytes():
                size += len(chunk)
                records += (tail + chunk).count(mark)  # a mark split between chunks counts once
                tail = chunk[-(len(mark) - 1):]
        report[fmt] = {"bytes": size, "records": records,
                       "seconds": round(time.monotonic() - start, 1),
                       "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
    live.stop()
    print(json.dumps(report))
""")


@pytest.mark.slow
def test_100k_entry_stream_in_bounded_memory(tmp_path: Path) -> None:
    url = str(tmp_path / "big.sqlite")
    subprocess.run([sys.executable, "-c", BUILD, url, str(PAIRS)], check=True, timeout=600)
    done = subprocess.run([sys.executable, "-c", SERVE, url, str(Path(__file__).parent)],
                          check=True, timeout=600, capture_output=True, text=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    print(report)  # peak RSS before and after each stream, in KiB (pytest -s shows it)
    for fmt in ("json", "fasta"):
        assert report[fmt]["records"] == PAIRS
        # the body is far larger than what the server may hold at a time
        assert report[fmt]["bytes"] > 20_000_000
    growth = report["fasta"]["peak_kib"] - report["before_kib"]
    assert growth < 100 * 1024, report
