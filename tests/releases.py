"""The releases that the generic tests run on, and what their files hold, read back from them.

Two releases that share nothing: the demo release shipped inside the package, and the
foreign-shaped release of :mod:`foreign`. conftest.py loads each once per backend for the
session (fixtures ``release`` and ``release_store``). What a test expects is computed here from
the files themselves, by the rules that docs/mapping.md states, and never typed into a test:
a test that needs ids draws them from the release it runs on.
"""

from __future__ import annotations

import gzip
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import httpx

from foreign import write_foreign_release
from idmapping.catalogue import AC_ID, Catalogue, Database
from idmapping.loader import demo_dir

KINDS = ("demo", "foreign")
"""The releases every generic test runs on."""

_VERSION = re.compile(r"^(.+)\.([0-9]+)$")
_ISOFORM = re.compile(r"^(.+)-([0-9]+)$")
_RELEASE = re.compile(r"Release:?\s+([0-9]{4}_[0-9]{2}) of ([0-9]{1,2}-[A-Za-z]{3}-[0-9]{4})")


def _text(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode("utf-8")


def _table(text: str) -> list[str]:
    """The lines under the ``____`` rule of sec_ac.txt or a delac file."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("____"))
    return [line.strip() for line in lines[start + 1:] if line.strip()]


def key(value: str, versioned: bool) -> str:
    """What an id is matched by (docs/mapping.md): lower case, and without a version in a
    database whose ids carry one."""
    lowered = value.lower()
    if versioned and (m := _VERSION.match(lowered)):
        return m.group(1)
    return lowered


@dataclass
class Entry:
    """One entry as the files state it."""

    accession: str
    name: str | None = None
    taxon: int | None = None
    values: dict[str, list[str]] = field(default_factory=dict)
    """The entry's ids per ID_type, its isoforms' too, each once, in file order."""
    isoforms: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    """Per ID_type, the ids given to isoforms, and to which (``{"NM_1.2": {"2"}}``)."""

    @property
    def reviewed(self) -> bool | None:
        """Swiss-Prot names are mnemonics; TrEMBL ones are ``ACCESSION_SPECIES``."""
        if self.name is None:
            return None
        return not self.name.upper().startswith(self.accession + "_")


@dataclass
class ReleaseFacts:
    """What a release's files hold. Build one with :func:`read_release`."""

    kind: str
    name: str
    date: str | None
    files: list[Path]
    rows: list[tuple[str, str, str]]
    """Every ``(accession, ID_type, value)`` line of idmapping.dat."""
    secondary: dict[str, list[str]]
    """Secondary accession -> its primary accessions, in file order."""
    deleted: dict[str, str]
    """Deleted accession -> ``sp`` or ``tr`` (the first file that lists it)."""
    isoform_entries: dict[str, list[str]]
    """Canonical accession -> the isoform entries the release's entry files hold."""
    _index: dict[tuple[str, bool], dict[str, list[tuple[str, str]]]] = field(
        default_factory=dict, repr=False)

    @property
    def demo(self) -> bool:
        return self.kind == "demo"

    @cached_property
    def entries(self) -> dict[str, Entry]:
        """The entries, keyed by accession, in file order."""
        found: dict[str, Entry] = {}
        for accession, id_type, value in self.rows:
            m = _ISOFORM.match(accession)
            base = m.group(1) if m else accession
            entry = found.get(base)
            if entry is None:
                entry = found[base] = Entry(base)
            if id_type == "UniProtKB-ID":
                entry.name = value
            elif id_type == "NCBI_TaxID":
                entry.taxon = int(value)
            else:
                values = entry.values.setdefault(id_type, [])
                if value not in values:
                    values.append(value)
                if m:
                    entry.isoforms.setdefault(id_type, {}).setdefault(value, set()).add(
                        m.group(2))
        return found

    def accessions(self) -> list[str]:
        return list(self.entries)

    def id_types(self) -> set[str]:
        return {id_type for _, id_type, _ in self.rows}

    def values(self, accession: str, id_type: str) -> list[str]:
        """An entry's ids in *id_type* as results list them: each once, in order of value.

        ``Gene_Name`` follows UniProt's "Gene Name": the Gene_Name rows, else the
        ordered-locus names, else the ORF names.
        """
        entry = self.entries[accession]
        if id_type == "Gene_Name":
            for kind in ("Gene_Name", "Gene_OrderedLocusName", "Gene_ORFName"):
                if entry.values.get(kind):
                    return sorted(entry.values[kind])
            return []
        return sorted(entry.values.get(id_type, []))

    def isoform_values(self, accession: str, isoform: str, id_type: str) -> list[str]:
        """What isoform *isoform* (``2``) of *accession* maps to in *id_type*: the entry's ids
        but those the files give to other isoforms only."""
        owners = self.entries[accession].isoforms.get(id_type, {})
        return [v for v in self.values(accession, id_type)
                if v not in owners or isoform in owners[v]]

    def isoforms(self) -> list[tuple[str, str]]:
        """``(accession, number)`` of every isoform that idmapping.dat names, in file order."""
        seen = dict.fromkeys(tuple(m.groups()) for a, _, _ in self.rows
                             if (m := _ISOFORM.match(a)))
        return list(seen)

    def order(self, accessions: Iterable[str]) -> list[str]:
        """Accessions as UniProtKB results list them: reviewed first, then in accession order
        (entries of unknown status last)."""
        rank = {True: 0, False: 1, None: 2}
        return sorted(set(accessions), key=lambda a: (rank[self.entries[a].reviewed], a))

    def holders(self, id_type: str, versioned: bool) -> dict[str, list[tuple[str, str]]]:
        """``key -> [(accession, value)]`` of the ids of *id_type* (Gene_Name: as shown)."""
        index = self._index.get((id_type, versioned))
        if index is None:
            found = defaultdict(list)
            for accession in self.entries:
                for value in self.values(accession, id_type):
                    found[key(value, versioned)].append((accession, value))
            index = self._index[(id_type, versioned)] = dict(found)
        return index

    def entries_of(self, database: Database, text: str) -> list[str]:
        """The accessions an id of *database* maps to for ``to=UniProtKB``, in result order."""
        assert database.dat_type is not None
        wanted = key(text, database.versioned)
        version = text.lower() if database.versioned and wanted != text.lower() else None
        return self.order(a for a, v in self.holders(database.dat_type, database.versioned)
                          .get(wanted, []) if version is None or v.lower() == version)

    def sample(self, id_type: str, count: int) -> list[str]:
        """*count* ids of *id_type*, spread over its sorted ids, the longest among them."""
        values = sorted({v for _, t, v in self.rows if t == id_type})
        if not values:
            return []
        step = max(1, len(values) // count)
        chosen = values[::step][:count - 1] + [max(values, key=len)]
        return list(dict.fromkeys(chosen))

    def carriers(self, id_type: str, count: int) -> list[str]:
        """*count* accessions that hold ids of *id_type*, spread over the release; those with
        isoform rows of it first."""
        with_isoforms = [a for a, e in self.entries.items() if id_type in e.isoforms]
        holding = [a for a in self.entries if self.values(a, id_type)]
        step = max(1, len(holding) // count)
        return list(dict.fromkeys(with_isoforms[:1] + holding[::step]))[:count]

    def absent_accessions(self, count: int) -> list[str]:
        """Valid accessions that the release knows nothing of (not an entry, secondary or
        deleted accession)."""
        known = set(self.entries) | set(self.secondary) | set(self.deleted)
        found = []
        for n in range(10_000):
            candidate = f"A0A{n:03d}ZZ{n % 10}9"[:10] if n % 2 else f"Z9Z{n:03d}"[:6]
            if candidate not in known and candidate not in found:
                found.append(candidate)
            if len(found) == count:
                return found
        raise AssertionError("no absent accession found")

    def reviewed_accession(self) -> str | None:
        """A reviewed entry's accession, if the release has one."""
        return next((a for a, e in self.entries.items() if e.reviewed), None)


def read_release(kind: str, files: list[Path]) -> ReleaseFacts:
    """Read back what *files* (a release's files) hold."""
    rows: list[tuple[str, str, str]] = []
    secondary: dict[str, list[str]] = defaultdict(list)
    deleted: dict[str, str] = {}
    isoform_entries: dict[str, list[str]] = defaultdict(list)
    name, date = "", None
    for path in files:
        text = _text(path)
        if m := _RELEASE.search(text[:4000]):
            name = name or m.group(1)
            date = date or time.strftime("%Y-%m-%d", time.strptime(m.group(2), "%d-%b-%Y"))
        if "idmapping.dat" in path.name:
            rows += [tuple(line.split("\t")) for line in text.splitlines()]  # type: ignore[misc]
        elif path.name.startswith("sec_ac"):
            for line in _table(text):
                secondary_acc, primary = line.split()
                secondary[secondary_acc].append(primary)
        elif path.name.startswith("delac_"):
            for line in _table(text):
                deleted.setdefault(line, path.name[6:8])
        elif "varsplic" in path.name:
            for header in re.findall(r"^>\w\w\|([^|]+)\|", text, re.M):
                isoform_entries[header.rsplit("-", 1)[0]].append(header)
    return ReleaseFacts(kind, name, date, files, rows, dict(secondary), deleted,
                        {k: sorted(v) for k, v in isoform_entries.items()})


def release_files(kind: str, directory: Path) -> list[Path]:
    """The files of release *kind* (``demo`` or ``foreign``); the foreign one is written into
    *directory*."""
    if kind == "demo":
        return sorted(p for p in demo_dir().iterdir() if p.is_file())
    return write_foreign_release(directory).files


# -- the catalogue's databases that a release holds ids of ---------------------------------------


def from_databases(release: ReleaseFacts) -> list[Database]:
    """The catalogue's ``from`` databases (UniProtKB_AC-ID aside) whose ids the release holds."""
    types = release.id_types() | ({"Gene_Name"} if release.id_types() & {
        "Gene_OrderedLocusName", "Gene_ORFName"} else set())
    return [db for db in Catalogue.default().databases.values()
            if db.is_from and db.name != AC_ID and db.dat_type in types]


def to_databases(release: ReleaseFacts) -> list[Database]:
    """The catalogue's ``to`` databases (UniProtKB aside) whose ids the release holds."""
    rule = Catalogue.default().database(AC_ID).rule
    assert rule is not None
    types = release.id_types() | {"Gene_Name"}
    return [db for db in Catalogue.default().databases.values()
            if db.is_to and db.name in rule.tos and db.dat_type in types]


# -- the API, as a client uses it ----------------------------------------------------------------


def submit(base: str, from_db: str, to_db: str, ids: Iterable[str], tax_id: str = "") -> str:
    """Submit a job and wait until it has finished; return its id."""
    data = {"from": from_db, "to": to_db, "ids": ",".join(ids)}
    if tax_id:
        data["taxId"] = tax_id
    response = httpx.post(f"{base}/idmapping/run", data=data, timeout=30)
    assert response.status_code == 200, response.text
    job = str(response.json()["jobId"])
    deadline = time.monotonic() + 60
    while True:
        status = httpx.get(f"{base}/idmapping/status/{job}", follow_redirects=False, timeout=30)
        if status.status_code == 303:
            return job
        assert status.status_code == 200, status.text
        assert status.json().get("jobStatus") in ("NEW", "RUNNING"), status.text
        assert time.monotonic() < deadline, f"job {job} did not finish"
        time.sleep(0.05)


def pages(url: str, **params: str) -> Iterator[httpx.Response]:
    """Every page of a paged results URL, following ``Link: <…>; rel="next"``."""
    response = httpx.get(url, params=params, timeout=30)
    while True:
        assert response.status_code == 200, response.text
        yield response
        link = re.match(r'<([^>]+)>; rel="next"', response.headers.get("link", ""))
        if not link:
            return
        response = httpx.get(link.group(1), timeout=30)
