"""An entry given by more than one file (Swiss-Prot and an XML file, a file given twice, or a
file added to a release by ``load --add``) keeps the document of the later file, and its search
words are that document's alone: a ``query=`` on a ``kb_terms`` field never keeps it for a word
only the earlier file stated (issue 15).

The entries are the demo release's own flat-file entries; the later file restates one of them
with another function comment: the name of a second demo entry's protein.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from idmapping.loader import demo_dir, load_release
from idmapping.searchwords import words
from idmapping.store import Store
from releases import _text
from stores import BACKENDS, fresh_store
from test_query_terms import _kept, flat_entry


def _demo_entries() -> list[str]:
    """The demo's Swiss-Prot entries as flat-file text, each ending with ``//``."""
    text = _text(demo_dir() / "uniprot_sprot.dat.gz")
    return [part.lstrip("\n") + "\n//\n" for part in text.split("\n//") if "AC   " in part]


def _function(entry: str) -> str:
    match = re.search(r"^CC   -!- FUNCTION: (.*)$", entry, re.M)
    assert match, entry
    return match.group(1)


@pytest.fixture(scope="module")
def versions() -> tuple[str, str, str, str, str]:
    """``(accession, earlier entry, later entry, a word only the earlier's function states, a
    word only the later's states)``: a demo entry and itself restated with the protein name
    of another demo entry as its function."""
    first, *others = _demo_entries()
    stated = set(words(first).split())
    names = (re.search(r"^DE   RecName: Full=([^;{]*)", e, re.M) for e in others)
    later_text = next(f"{n.group(1).strip()}." for n in names
                      if n and set(words(n.group(1)).split()) - stated)
    earlier = _function(first)
    later = first.replace(f"CC   -!- FUNCTION: {earlier}", f"CC   -!- FUNCTION: {later_text}")
    old_words, new_words = set(words(earlier).split()), set(words(later_text).split())
    old_word = max(old_words - new_words, key=len)
    new_word = max(new_words - stated, key=len)
    flat = flat_entry(first)
    assert flat is not None and flat.has("cc_function", old_word)
    assert not flat.has("cc_function", new_word)
    return flat.accession, first, later, old_word, new_word


def _write(directory: Path, name: str, *entries: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text("".join(entries))
    return path


def _function_matches(store: Store, accession: str, word: str) -> bool:
    """Whether ``cc_function:word`` keeps the entry (and ``content:word`` with it)."""
    store.write_results("terms", [(accession, accession)])
    found = accession in _kept(store, f"cc_function:{word}")
    assert found <= (accession in _kept(store, f"content:{word}"))
    return found


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_entry_in_two_files_has_the_later_files_words(
        backend: str, tmp_path: Path, versions: tuple[str, str, str, str, str]) -> None:
    """Two files in one load, either way round: only the later file's words match."""
    accession, earlier, later, old_word, new_word = versions
    a = _write(tmp_path / "a", "uniprot_sprot.dat", earlier)
    b = _write(tmp_path / "b", "uniprot_sprot.dat", later)
    for files, kept, dropped in (([a, b], new_word, old_word), ([b, a], old_word, new_word)):
        with fresh_store(backend, tmp_path / f"store-{files[0].parent.name}") as store:
            load_release(files, store)
            assert _function_matches(store, accession, kept)
            assert not _function_matches(store, accession, dropped)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_entry_twice_in_one_file_or_a_file_given_twice(
        backend: str, tmp_path: Path, versions: tuple[str, str, str, str, str]) -> None:
    """The same entry twice within one file (one batch of entries) keeps the later one's
    words; a file given twice keeps its words."""
    accession, earlier, later, old_word, new_word = versions
    both = _write(tmp_path / "a", "uniprot_sprot.dat", earlier, later)
    with fresh_store(backend, tmp_path / "once") as store:
        load_release([both], store)
        assert _function_matches(store, accession, new_word)
        assert not _function_matches(store, accession, old_word)
    same = _write(tmp_path / "b", "uniprot_sprot.dat", earlier)
    with fresh_store(backend, tmp_path / "twice") as store:
        load_release([same, same], store)
        assert _function_matches(store, accession, old_word)
        assert not _function_matches(store, accession, new_word)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_added_file_replaces_the_base_releases_words(
        backend: str, tmp_path: Path, versions: tuple[str, str, str, str, str]) -> None:
    """``load --add``: the base's words of an entry the added file restates are gone; those of
    the base's other entries stay."""
    accession, earlier, later, old_word, new_word = versions
    kept_entry = _demo_entries()[2]
    kept = flat_entry(kept_entry)
    assert kept is not None
    base = _write(tmp_path / "a", "uniprot_sprot.dat", earlier, kept_entry)
    added = _write(tmp_path / "b", "uniprot_sprot.dat", later)
    with fresh_store(backend, tmp_path / "store") as store:
        load_release([base], store)
        assert _function_matches(store, accession, old_word)
        load_release([added], store, add=True)
        assert _function_matches(store, accession, new_word)
        assert not _function_matches(store, accession, old_word)
        assert _function_matches(store, kept.accession, old_word)
