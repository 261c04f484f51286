"""The demo release generator, and the demo release shipped with the package."""

from __future__ import annotations

import gzip
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from idmapping import demo
from idmapping.catalogue import Catalogue

ACCESSION = re.compile(
    r"^(?:[OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z](?:[0-9][A-Z][A-Z0-9]{2}){1,2}[0-9])$")
SELECTED_COLUMNS = (
    None, "UniProtKB-ID", "GeneID", "RefSeq", "GI", "PDB", None, "UniRef100", "UniRef90",
    "UniRef50", "UniParc", "PIR", "NCBI_TaxID", "MIM", None, None, "EMBL", "EMBL-CDS",
    "Ensembl", "Ensembl_TRS", "Ensembl_PRO", None,
)


@dataclass
class Release:
    """A demo release, read back: idmapping.dat by accession, and the other files."""

    directory: Path
    lines: int = 0
    order: list[str] = field(default_factory=list)  # accessions and isoforms, as written
    rows: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    selected: list[list[str]] = field(default_factory=list)
    secondary: list[tuple[str, str]] = field(default_factory=list)
    deleted: dict[str, list[str]] = field(default_factory=dict)

    def canonical(self) -> list[str]:
        return [a for a in self.order if "-" not in a]

    def values(self, accession: str, id_type: str) -> list[str]:
        return self.rows.get(accession, {}).get(id_type, [])


def table(path: Path, marker: str) -> list[str]:
    """The lines after the *marker* header line and its underline."""
    lines = path.read_text("ascii").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(marker))
    assert set(lines[start + 1].replace(" ", "")) == {"_"}
    return lines[start + 2:]


def read_release(directory: Path) -> Release:
    release = Release(directory)
    with gzip.open(directory / "idmapping.dat.gz", "rt", encoding="ascii", newline="") as f:
        for line in f:
            accession, id_type, value = line.rstrip("\n").split("\t")
            release.lines += 1
            if accession not in release.rows:
                release.order.append(accession)
                release.rows[accession] = defaultdict(list)
            release.rows[accession][id_type].append(value)
    with gzip.open(directory / "idmapping_selected.tab.gz", "rt", encoding="ascii") as f:
        release.selected = [line.rstrip("\n").split("\t") for line in f]
    release.secondary = [(ln.split()[0], ln.split()[1])
                         for ln in table(directory / "sec_ac.txt", "Secondary AC")]
    release.deleted = {source: table(directory / f"delac_{source}.txt", "Accession number")
                       for source in ("sp", "tr")}
    return release


@pytest.fixture(scope="module")
def shipped() -> Release:
    return read_release(demo.demo_dir())


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Release:
    return read_release(demo.generate(tmp_path_factory.mktemp("small"), accessions=200)[0].parent)


def test_files_and_names(tmp_path: Path) -> None:
    paths = demo.generate(tmp_path / "new", accessions=30)
    assert [p.name for p in paths] == list(demo.FILES)
    assert all(p.parent == tmp_path / "new" and p.stat().st_size > 0 for p in paths)


def test_deterministic(tmp_path: Path) -> None:
    first = demo.generate(tmp_path / "a", accessions=200, seed=7)
    second = demo.generate(tmp_path / "b", accessions=200, seed=7)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    # gzip header: no file name (flag byte 0) and mtime 0.
    assert first[0].read_bytes()[3:8] == b"\x00\x00\x00\x00\x00"
    other = demo.generate(tmp_path / "c", accessions=200, seed=8)
    assert other[0].read_bytes() != first[0].read_bytes()


def test_shipped_demo_is_current(tmp_path: Path) -> None:
    """The shipped files are what the generator writes now (else: regenerate them)."""
    for path in demo.generate(tmp_path, accessions=3000, seed=1):
        shipped = demo.demo_dir() / path.name
        assert shipped.read_bytes() == path.read_bytes(), (
            f"{shipped} is stale: run python -m idmapping.demo {demo.demo_dir()} "
            "--accessions 3000")


def test_shipped_demo_is_small() -> None:
    assert sum(p.stat().st_size for p in demo.demo_dir().iterdir()) < 3_000_000


def test_lines_have_known_types(shipped: Release, small: Release) -> None:
    known = set(Catalogue.default().dat_types())
    for release in (shipped, small):
        with gzip.open(release.directory / "idmapping.dat.gz", "rt", encoding="ascii") as f:
            for line in f:
                fields = line.rstrip("\n").split("\t")
                assert len(fields) == 3 and all(fields), line
                assert fields[1] in known, line


def test_every_type_appears(shipped: Release) -> None:
    seen = {t for types in shipped.rows.values() for t in types}
    assert set(Catalogue.default().dat_types()) <= seen
    counts = Counter(t for types in shipped.rows.values() for t in types)
    assert min(counts.values()) >= 3


def test_lines_per_accession(shipped: Release) -> None:
    assert 17.5 <= shipped.lines / len(shipped.canonical()) <= 20.5


def test_accessions(shipped: Release) -> None:
    canonical = shipped.canonical()
    assert len(canonical) == 3000 == len(set(canonical))
    assert all(ACCESSION.match(a) for a in canonical)
    lengths = Counter(len(a) for a in canonical)
    assert lengths[6] > 300 and lengths[10] > 300
    # Isoform rows come right after the rows of their entry, and are numbered from 1.
    for before, accession in zip(shipped.order, shipped.order[1:], strict=False):
        if "-" in accession:
            entry, number = accession.split("-")
            assert before in (entry, f"{entry}-{int(number) - 1}")
    assert "Q9DEM0-1" in shipped.rows and "Q9DEM0-2" in shipped.rows


def test_entries_have_core_rows(shipped: Release) -> None:
    for accession in shipped.canonical():
        rows = shipped.rows[accession]
        for id_type in ("UniProtKB-ID", "NCBI_TaxID", "UniParc", "UniRef100", "UniRef90",
                        "UniRef50", "CRC64"):
            assert len(rows[id_type]) == 1, (accession, id_type)
        assert re.fullmatch(r"UPI[0-9A-F]{10}", rows["UniParc"][0])
        assert re.fullmatch(r"[0-9A-F]{16}", rows["CRC64"][0])
        assert re.fullmatch(r"UniRef100_[A-Z0-9]{6,10}", rows["UniRef100"][0])
    # Mostly clusters of their own; several entries share UniRef90 and UniRef50 clusters.
    own = sum(shipped.values(a, "UniRef100") == [f"UniRef100_{a}"] for a in shipped.canonical())
    assert own > 0.9 * 3000
    for level in ("UniRef90", "UniRef50"):
        clusters = Counter(shipped.values(a, level)[0] for a in shipped.canonical())
        assert sum(1 for n in clusters.values() if n > 1) > 20, level


def test_entry_names_match_review_status(shipped: Release) -> None:
    taxa: dict[str, set[str]] = defaultdict(set)
    reviewed = 0
    for accession in shipped.canonical():
        name = shipped.values(accession, "UniProtKB-ID")[0]
        prefix, species = name.split("_")
        taxa[species].update(shipped.values(accession, "NCBI_TaxID"))
        if prefix != accession:
            reviewed += 1
            assert re.fullmatch(r"[A-Z0-9]{1,5}", prefix), name
    assert all(len(ids) == 1 for ids in taxa.values())
    assert {"HUMAN": {"9606"}, "MOUSE": {"10090"}, "ECOLI": {"83333"}}.items() <= taxa.items()
    assert 0.2 < reviewed / 3000 < 0.3
    names = [shipped.values(a, "UniProtKB-ID")[0] for a in shipped.canonical()]
    assert len(set(names)) == len(names)


def test_gene_names(shipped: Release) -> None:
    demo1 = {a: shipped.values(a, "Gene_Name") for a in shipped.canonical()
             if "DEMO1" in [g.upper() for g in shipped.values(a, "Gene_Name")]}
    assert {"Q9DEM0", "A0A0D1EMO1", "Q9DEM1", "Q9DEM2", "Q9DEM5"} <= set(demo1)
    assert shipped.values("Q9DEM1", "Gene_Name") == ["Demo1"]
    assert shipped.values("Q9DEM4", "Gene_ORFName") == ["FV3-001R"]
    assert not shipped.values("Q9DEM4", "Gene_Name")
    assert shipped.values("Q9DEM3", "Gene_OrderedLocusName") == ["At1g01010"]
    assert shipped.values("Q9DEM3", "Araport") == ["AT1G01010"]
    # Generated entries share gene names too, across species and within one.
    by_name: dict[str, set[str]] = defaultdict(set)
    for accession in shipped.canonical():
        for gene in shipped.values(accession, "Gene_Name"):
            by_name[gene.upper()].add(shipped.values(accession, "UniProtKB-ID")[0])
    shared = [names for names in by_name.values() if len(names) > 1]
    assert len(shared) > 50
    assert any(len({n.split("_")[1] for n in names}) > 2 for names in shared)


def test_id_shapes(shipped: Release) -> None:
    def all_of(id_type: str) -> list[str]:
        return [v for rows in shipped.rows.values() for v in rows.get(id_type, [])]

    shapes = {
        "GeneID": r"[0-9]+", "RefSeq": r"[NXWY]P_[0-9]+\.[0-9]+", "HGNC": r"HGNC:[0-9]+",
        "RefSeq_NT": r"(N[MC]|XM)_[0-9]+\.[0-9]+", "EMBL-CDS": r"[A-Z]{3}[0-9]{5}\.[0-9]+",
        "PDB": r"[0-9][A-Z0-9]{3}", "ChEMBL": r"CHEMBL[0-9]+", "MGI": r"MGI:[0-9]+",
        "STRING": r"[0-9]+\.\S+", "EMBL": r"[A-Z]{1,2}[0-9]{5,6}", "FlyBase": r"FBgn[0-9]{7}",
    }
    for id_type, shape in shapes.items():
        values = all_of(id_type)
        assert values and all(re.fullmatch(shape, v) for v in values), id_type
    versioned = [v for v in all_of("Ensembl") if v.startswith("ENS")]
    assert versioned and all(re.fullmatch(r"ENS[A-Z]*G[0-9]{11}\.[0-9]+", v) for v in versioned)
    assert any(v != v.upper() for t in ("Gene_OrderedLocusName", "UCSC") for v in all_of(t))
    # Values that several entries share: a genome's EMBL id, one Ensembl gene.
    embl = Counter(all_of("EMBL"))
    assert embl["U00096"] > 2
    assert shipped.values("Q9DEM0", "Ensembl") == shipped.values("A0A0D1EMO1", "Ensembl")


def test_selected_agrees_with_dat(shipped: Release, small: Release) -> None:
    for release in (shipped, small):
        assert [cells[0] for cells in release.selected] == release.canonical()
        for cells in release.selected:
            assert len(cells) == 22
            accession = cells[0]
            isoforms = [a for a in release.rows if a.startswith(accession + "-")]
            for id_type, cell in zip(SELECTED_COLUMNS, cells, strict=True):
                if id_type is None:
                    continue
                # Ids stated per isoform in idmapping.dat are listed under the entry here.
                expected = [v for a in [accession, *isoforms]
                            for v in release.values(a, id_type)]
                assert (cell.split("; ") if cell else []) == expected, (accession, id_type)


def test_secondary_accessions(shipped: Release) -> None:
    current = set(shipped.canonical())
    assert shipped.secondary == sorted(shipped.secondary)
    primaries: dict[str, set[str]] = defaultdict(set)
    for secondary, primary in shipped.secondary:
        assert ACCESSION.match(secondary) and secondary not in current
        assert primary in current
        primaries[secondary].add(primary)
    assert primaries["P0DEM0"] == {"Q9DEM6", "Q9DEM7"}  # a split
    merged = Counter(p for _, p in shipped.secondary)
    assert merged["Q9DEM0"] >= 2  # a merge
    text = (shipped.directory / "sec_ac.txt").read_text("ascii")
    assert text.startswith("\n---") and "Release:     01-Jan-2099\n" in text
    assert "A0A0D1EMS1                        A0A0D1EMO1\n" in text


def test_secondary_of_few_entries(tmp_path: Path) -> None:
    release = read_release(demo.generate(tmp_path, accessions=5)[0].parent)
    assert {p for _, p in release.secondary} <= set(release.canonical())


def test_deleted_accessions(shipped: Release) -> None:
    current = set(shipped.canonical())
    secondary = {s for s, _ in shipped.secondary}
    for source, accessions in shipped.deleted.items():
        assert accessions == sorted(accessions) and accessions
        assert all(ACCESSION.match(a) for a in accessions)
        assert not (set(accessions) & current) and not (set(accessions) & secondary)
        text = (shipped.directory / f"delac_{source}.txt").read_text("ascii")
        assert f"Name:        delac_{source}.txt\nRelease:     2099_01 of 01-Jan-2099\n" in text
    assert "O0DEM0" in shipped.deleted["sp"] and "A0A0D1EMX9" in shipped.deleted["tr"]
    assert "UniProtKB/TrEMBL" in (shipped.directory / "delac_tr.txt").read_text("ascii")


def test_reldate(shipped: Release) -> None:
    assert (shipped.directory / "reldate.txt").read_text("ascii") == (
        "UniProt Knowledgebase Release 2099_01 consists of:\n"
        "UniProtKB/Swiss-Prot Release 2099_01 of 01-Jan-2099\n"
        "UniProtKB/TrEMBL Release 2099_01 of 01-Jan-2099\n")


def test_loader_recognises_the_files() -> None:
    from idmapping.loader.sniff import sniff

    formats = [sniff(demo.demo_dir() / name).format for name in demo.FILES]
    assert formats == ["idmapping", "selected", "sec_ac", "delac", "delac", "reldate",
                       "uniprotkb_flat", "uniprotkb_flat", "uniref_xml", "uniref_xml",
                       "uniref_xml", "uniparc_xml", "isoform_fasta"]


def test_bad_size(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="accessions"):
        demo.generate(tmp_path, accessions=0)


def test_main(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demo.main([str(tmp_path / "cli"), "--accessions", "40", "--seed", "3"])
    printed = capsys.readouterr().out.split()
    assert printed == [str(tmp_path / "cli" / name) for name in demo.FILES]
    assert demo.demo_dir() == Path(demo.__file__).parent.parent / "data" / "demo"


def test_mapping_files_alone_are_those_of_the_whole_release(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    """``--no-entry-files`` writes the six mapping files, byte for byte those of a release
    generated whole, and no entry file."""
    demo.main([str(tmp_path / "whole"), "--accessions", "40", "--seed", "3"])
    demo.main([str(tmp_path / "mapping"), "--accessions", "40", "--seed", "3",
               "--no-entry-files"])
    printed = capsys.readouterr().out.split()
    assert printed[len(demo.FILES):] == [str(tmp_path / "mapping" / n) for n in demo.FILES[:6]]
    assert sorted(p.name for p in (tmp_path / "mapping").iterdir()) == sorted(demo.FILES[:6])
    for name in demo.FILES[:6]:
        mapping, whole = tmp_path / "mapping" / name, tmp_path / "whole" / name
        assert mapping.read_bytes() == whole.read_bytes()


@pytest.mark.parametrize("seed", [1, 5])
def test_documented_ids_whatever_the_seed(tmp_path: Path, seed: int) -> None:
    """The ids that demo.py's docstring lists for tests hold for every seed."""
    release = read_release(demo.generate(tmp_path, accessions=20, seed=seed)[0].parent)
    v = release.values
    assert v("Q9DEM0", "UniProtKB-ID") == ["DEMO1_HUMAN"]
    assert v("Q9DEM0", "Gene_Synonym") == ["DMO1"]
    assert v("Q9DEM0", "Ensembl") == v("A0A0D1EMO1", "Ensembl") == ["ENSG00000250063.7"]
    assert {"Q9DEM0-1", "Q9DEM0-2"} <= set(release.rows)
    assert v("A0A0D1EMO1", "UniProtKB-ID") == ["A0A0D1EMO1_HUMAN"]
    assert v("A0A0D1EMO1", "Gene_Name") == v("Q9DEM2", "Gene_Name") == ["DEMO1"]
    assert v("Q9DEM1", "UniProtKB-ID") == ["DEMO1_MOUSE"]
    assert v("Q9DEM2", "Gene_OrderedLocusName") == ["YAL001C"]
    assert v("Q9DEM3", "EnsemblGenome") == ["AT1G01010"]
    assert v("Q9DEM4", "EMBL") == ["AY548484"]
    assert v("Q9DEM5", "FlyBase") == ["FBgn9250063"]
    assert v("Q9DEM5", "Gene_Name") == ["demo1"]
    assert v("Q9DEM6", "Gene_OrderedLocusName") == ["b0001"]
    assert v("Q9DEM7", "Gene_OrderedLocusName") == ["b0002"]
    assert "U00096" in v("Q9DEM6", "EMBL") and "U00096" in v("Q9DEM7", "EMBL")
    assert {("P0DEM0", "Q9DEM6"), ("P0DEM0", "Q9DEM7"), ("P0DEM1", "Q9DEM0"),
            ("P0DEM2", "Q9DEM0"), ("A0A0D1EMS1", "A0A0D1EMO1")} <= set(release.secondary)
    assert "O0DEM0" in release.deleted["sp"] and "A0A0D1EMX9" in release.deleted["tr"]


def test_entry_files_agree_with_the_mapping_files(shipped: Release) -> None:
    """The flat files hold every entry of idmapping.dat, under its name and taxon; the UniRef
    and UniParc files hold its clusters and UniParc ids, with the same members."""
    from idmapping.uniprot.readers.clusters import read_uniparc_xml, read_uniref_xml
    from idmapping.uniprot.readers.flatfile import read_flatfile

    directory = demo.demo_dir()
    entries = {}
    for name in ("uniprot_sprot.dat.gz", "uniprot_trembl.dat.gz"):
        with gzip.open(directory / name, "rt", encoding="ascii") as text:
            for entry in read_flatfile(text, name):
                entries[entry.json["primaryAccession"]] = entry.json
    assert sorted(entries) == sorted(shipped.canonical())
    for accession in shipped.canonical()[:300]:
        json = entries[accession]
        assert json["uniProtkbId"] == shipped.values(accession, "UniProtKB-ID")[0]
        assert str(json["organism"]["taxonId"]) == shipped.values(accession, "NCBI_TaxID")[0]
        assert json["sequence"]["crc64"] == shipped.values(accession, "CRC64")[0]
    with gzip.open(directory / "uniref90.xml.gz") as raw:
        clusters = {e["id"]: {m["accession"] for m in members}
                    for e, members in read_uniref_xml(raw, "uniref90")}
    for accession in shipped.canonical()[:300]:
        assert accession in clusters[shipped.values(accession, "UniRef90")[0]]
    with gzip.open(directory / "uniparc_all.xml.gz") as raw:
        upis = {e["uniParcId"]: set(e.get("uniProtKBAccessions", []))
                for e, _ in read_uniparc_xml(raw, "uniparc")}
    for accession in shipped.canonical()[:300]:
        assert accession in upis[shipped.values(accession, "UniParc")[0]]
