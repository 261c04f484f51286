"""An entry that two entry files of one load give: one document, the later file's, on both
stores (a second row would count the entry twice in facets and filters)."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from idmapping.loader import demo_dir, load_release
from idmapping.store import Store


def test_an_entry_given_by_two_files_keeps_one_document_the_last(store: Store, tmp_path: Path
                                                                  ) -> None:
    with gzip.open(demo_dir() / "uniprot_sprot.dat.gz", "rt") as f:
        first = f.read().split("//\n")[0] + "//\n"
    accession = first.split("\nAC   ", 1)[1].split(";", 1)[0]
    later = first.replace("\nDE   ", "\nDE   Flags: Fragment;\nDE   ", 1)
    assert later != first
    (tmp_path / "one.dat").write_text(first)
    (tmp_path / "two.dat").write_text(later)
    release = load_release([tmp_path / "one.dat", tmp_path / "two.dat"], store)
    assert store.release_counts(release)["(kb_entries)"] == 1
    flat = store.documents("uniprotkb", [accession], flat=True)[accession][1]
    assert flat is not None
    assert b"Flags: Fragment" in zlib.decompress(flat)
