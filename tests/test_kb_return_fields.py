"""UniProtKB return fields and facets read from UniProt's own flat files (issue 15): the
biophysicochemical properties, Rhea ids, 3D structures, gene locations, sequence cautions,
comment and feature counts, and the ``other_organism`` and ``proteome`` facets, on both stores.

The flat files are read in place from ../shared/testdata (the tests skip without it). What a
test expects is read from the flat-file text here; three cells are also compared with the
values UniProt's own TSV tests state for the same entry (uniprot-core,
``UniProtKBEntryValueMapperTest.testBPCP``, entry Q70KY3).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import api_settings, start_server
from idmapping.loader import load_release
from idmapping.web import create_app
from stores import BACKENDS, fresh_store

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
FLAT = sorted([
    *(TESTDATA / "ebi-uniprot__uniprot-core" / "ff-parser" / "src" / "test" / "resources"
      / "entryIT").glob("*.dat"),
    *(TESTDATA / "ebi-uniprot__uniprot-rest-api" / "uniprotkb-rest" / "src" / "test"
      / "resources" / "downloadIT").glob("*.dat"),
])
MODEL = {9606, 10090, 10116, 9913, 7955, 7227, 6239, 44689, 3702, 39947, 83333, 224308, 559292}
METHODS = {"X-ray": "X-ray crystallography", "NMR": "NMR spectroscopy",
           "EM": "Electron microscopy", "Model": "Model", "Neutron": "Neutron diffraction",
           "Fiber": "Fiber diffraction", "IR": "Infrared spectroscopy"}
# UniProt's expected cells of Q70KY3 (uniprot-core UniProtKBEntryValueMapperTest.testBPCP)
UNIPROT_Q70KY3 = {
    "absorption": "BIOPHYSICOCHEMICAL PROPERTIES:  Absorption: Abs(max)=280 nm"
                  " {ECO:0000269|PubMed:12111146, ECO:0000269|PubMed:12118243}; Note=Exhibits"
                  " a shoulder at 360 nm, a smaller absorption peak at 450 nm, and a second,"
                  " larger peak at 590 nm. {ECO:0000269|PubMed:12118243};",
    "ph_dependence": "BIOPHYSICOCHEMICAL PROPERTIES:  pH dependence: Optimum pH is 3.5 with"
                     " 2,2'-azinobis-(3-ethylbenzthiazoline-6-sulphonate) as substrate, 5.0-7.5"
                     " with guiacol as substrate, and 6.0-7.0 with syringaldazine as substrate."
                     " {ECO:0000269|PubMed:12111146, ECO:0000269|PubMed:12118243};",
    "temp_dependence": "BIOPHYSICOCHEMICAL PROPERTIES:  Temperature dependence: Optimum"
                       " temperature is 60-70 degrees Celsius. {ECO:0000269|PubMed:12111146,"
                       " ECO:0000269|PubMed:12118243};",
    "kinetics": "", "redox_potential": "",
}

pytestmark = pytest.mark.skipif(not FLAT, reason="../shared/testdata is absent")


@dataclass
class Record:
    """What one flat-file entry states, read with regular expressions."""

    accession: str
    text: str

    def lines(self, code: str) -> list[str]:
        return re.findall(rf"^{code}   (.*)$", self.text, re.M)

    @property
    def taxon(self) -> int:
        return int(re.search(r"NCBI_TaxID=(\d+)", " ".join(self.lines("OX"))).group(1))


def records() -> dict[str, Record]:
    """The entries of the flat files; an accession that two files give is left out (a
    release gives an entry once; which copy a store keeps is not what these tests are
    about)."""
    found: dict[str, Record] = {}
    twice: set[str] = set()
    for path in FLAT:
        for text in path.read_text().split("\n//"):
            ac = re.search(r"^AC   (\w+);", text, re.M)
            if not ac:
                continue
            if ac.group(1) in found:
                twice.add(ac.group(1))
            found[ac.group(1)] = Record(ac.group(1), text)
    return {a: r for a, r in found.items() if a not in twice}


@dataclass
class Served:
    url: str
    job: str
    records: dict[str, Record]


@pytest.fixture(scope="module", params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Served]:
    """The flat files loaded on each backend, served, and a job mapping every accession."""
    found = records()
    with fresh_store(str(request.param), tmp_path_factory.mktemp("flat")) as store:
        load_release(FLAT, store)
        live = start_server(create_app(api_settings(store), store))
        try:
            response = httpx.post(f"{live.url}/idmapping/run", timeout=30, data={
                "from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": ",".join(found)})
            job = response.json()["jobId"]
            for _ in range(600):
                status = httpx.get(f"{live.url}/idmapping/status/{job}", timeout=30,
                                   follow_redirects=False)
                if status.status_code == 303:
                    break
            yield Served(live.url, job, found)
        finally:
            live.stop()


def rows(served: Served, fields: str) -> dict[str, dict[str, str]]:
    """The TSV rows of the job for *fields*, by accession, by column label."""
    response = httpx.get(f"{served.url}/idmapping/uniprotkb/results/stream/{served.job}",
                         params={"format": "tsv", "fields": f"accession,{fields}"}, timeout=60)
    assert response.status_code == 200, response.text
    lines = response.text.splitlines()
    labels = lines[0].split("\t")
    table = [dict(zip(labels, line.split("\t"), strict=True)) for line in lines[1:]]
    return {row["Entry"]: row for row in table}


def entries(served: Served, fields: str) -> dict[str, dict[str, Any]]:
    response = httpx.get(f"{served.url}/idmapping/uniprotkb/results/stream/{served.job}",
                         params={"format": "json", "fields": fields}, timeout=60)
    assert response.status_code == 200, response.text
    return {r["to"]["primaryAccession"]: r["to"] for r in response.json()["results"]}


def test_labels_are_uniprots(served: Served) -> None:
    response = httpx.get(
        f"{served.url}/idmapping/uniprotkb/results/{served.job}", timeout=60, params={
            "format": "tsv", "size": "1", "fields": "absorption,kinetics,ph_dependence,"
            "redox_potential,temp_dependence,rhea,structure_3d,encoded_in,cc_sc_epred,"
            "comment_count,feature_count,tools"})
    assert response.text.splitlines()[0] == (
        "From\tAbsorption\tKinetics\tpH dependence\tRedox potential\tTemperature dependence\t"
        "Rhea ID\t3D\tEncoded in\tErroneous gene model prediction\tComments\tFeatures\tTools")


def test_biophysicochemical_properties_as_uniprot_writes_them(served: Served) -> None:
    row = rows(served, ",".join(UNIPROT_Q70KY3))["Q70KY3"]
    labels = {"absorption": "Absorption", "kinetics": "Kinetics",
              "ph_dependence": "pH dependence", "redox_potential": "Redox potential",
              "temp_dependence": "Temperature dependence"}
    assert {name: row[labels[name]] for name in UNIPROT_Q70KY3} == UNIPROT_Q70KY3
    # kinetics: every KM and Vmax line of the flat files, in order
    table = rows(served, "kinetics")
    with_kinetics = [r for r in served.records.values() if "Kinetic parameters:" in r.text]
    assert with_kinetics
    for record in with_kinetics:
        block = record.text.split("Kinetic parameters:", 1)[1]
        wanted = [re.sub(r"\s+", " ", m).strip() for m in re.findall(
            r"((?:KM|Vmax)=[^;]*;)", re.sub(r"\nCC\s+", " ", block.split("-!-")[0]))]
        cell = table[record.accession]["Kinetics"]
        assert cell.startswith("BIOPHYSICOCHEMICAL PROPERTIES:  Kinetic parameters: ")
        assert re.findall(r"(?:KM|Vmax)=[^;]*;", cell) == wanted


def test_rhea_structure_encoded_in_and_counts(served: Served) -> None:
    table = rows(served, "rhea,structure_3d,encoded_in,comment_count,feature_count,tools")
    checked = Counter()
    for accession, record in served.records.items():
        row = table[accession]
        # the reactions' Rhea ids (a physiological direction's own Xref is not one)
        rhea = [i for xrefs in re.findall(r"Reaction=[^;]*;\s+Xref=([^;]*);",
                                          " ".join(record.lines("CC")))
                for i in re.findall(r"Rhea:(RHEA:\d+)", xrefs)]
        assert row["Rhea ID"] == " ".join(rhea), accession
        methods = Counter(METHODS[m] for m in re.findall(r"^DR   PDB; \w+; ([\w-]+);",
                                                             record.text, re.M) if m in METHODS)
        assert row["3D"] == "; ".join(f"{m} ({n})" for m, n in sorted(methods.items()))
        og = " ".join(record.lines("OG"))
        if not og:
            assert row["Encoded in"] == ""
        else:
            assert row["Encoded in"] and row["Encoded in"].split()[0] in og, accession
            checked["og"] += 1
        # one count per CC block (a type whose count is not by blocks is checked by name)
        blocks = Counter(re.findall(r"^CC   -!- ([A-Z ]+):", record.text, re.M))
        counted = dict(re.findall(r"([A-Z][A-Z ]+) \((\d+)\)", row["Comments"]))
        assert set(counted) == set(blocks), accession
        for kind, n in blocks.items():
            if kind not in ("INTERACTION", "ALTERNATIVE PRODUCTS", "SEQUENCE CAUTION"):
                assert int(counted[kind]) == n, (accession, kind)
        features = sum(int(n) for n in re.findall(r"\((\d+)\)", row["Features"]))
        assert features == len(re.findall(r"^FT   \w", record.text, re.M)), accession
        assert row["Tools"] == "tools"  # UniProt's server writes the field's name
        checked["rhea"] += bool(rhea)
        checked["3d"] += bool(methods)
    assert checked["og"] and checked["rhea"] and checked["3d"], checked


def test_sequence_cautions(served: Served) -> None:
    table = rows(served, "cc_sequence_caution,cc_sc_epred")
    seen = 0
    for accession, record in served.records.items():
        cautions = re.findall(r"Sequence=([^;]+); Type=([^;]+);",
                              " ".join(record.lines("CC")))
        row = table[accession]
        assert re.findall(r"Sequence=([^;]+); Type=([^;]+);",
                          row["Sequence caution"]) == cautions, accession
        epred = [c for c in cautions if c[1] == "Erroneous gene model prediction"]
        assert re.findall(r"Sequence=([^;]+); Type=([^;]+);",
                          row["Erroneous gene model prediction"]) == epred
        if epred:
            seen += 1
            assert row["Erroneous gene model prediction"].startswith("SEQUENCE CAUTION:  ")
    assert seen


def test_json_keeps_what_the_fields_read(served: Served) -> None:
    found = entries(served, "absorption,structure_3d,cc_sc_epred,comment_count")
    q70 = found["Q70KY3"]
    assert {c["commentType"] for c in q70["comments"]} == {"BIOPHYSICOCHEMICAL PROPERTIES"}
    assert q70["comments"][0]["absorption"]["max"] == 280
    assert {x["database"] for x in q70["uniProtKBCrossReferences"]} == {"PDB"}
    assert "countByCommentType" in q70["extraAttributes"]
    for entry in found.values():
        for comment in entry.get("comments", []):
            assert comment["commentType"] == "BIOPHYSICOCHEMICAL PROPERTIES" or (
                comment.get("sequenceCautionType") == "Erroneous gene model prediction")


def test_other_organism_and_proteome_facets(served: Served) -> None:
    response = httpx.get(f"{served.url}/idmapping/uniprotkb/results/{served.job}", timeout=60,
                         params={"facets": "other_organism,proteome", "size": "0"})
    assert response.status_code == 200, response.text
    facets = {f["name"]: f for f in response.json()["facets"]}
    proteomes = Counter(p for r in served.records.values()
                        for p in dict.fromkeys(re.findall(r"^DR   Proteomes; (UP\d+);",
                                                          r.text, re.M)))
    assert facets["proteome"] == {
        "label": "Proteomes", "name": "proteome", "allowMultipleSelection": False,
        "values": [{"value": p, "count": n} for p, n in sorted(
            proteomes.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]}
    others = Counter(r.taxon for r in served.records.values() if r.taxon not in MODEL)
    values = facets["other_organism"]["values"]
    assert [v["count"] for v in values] == sorted(others.values(), reverse=True)[:5]
    for value in values:
        taxa = [t for t, n in others.items() if n == value["count"] and any(
            " ".join(r.lines("OS")).startswith(value["value"])
            for r in served.records.values() if r.taxon == t)]
        assert taxa, value
    # a proteome clicked: the entries of that proteome
    top = facets["proteome"]["values"][0]
    kept = httpx.get(f"{served.url}/idmapping/uniprotkb/results/{served.job}", timeout=60,
                     params={"query": f"proteome:{top['value']}", "size": "0"})
    assert kept.headers["x-total-results"] == str(top["count"])
