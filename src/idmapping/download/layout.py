"""Where UniProt keeps its release files, and the two small files that describe them.

Every path is relative to the base URL (the ``download_url`` setting, UniProt's
``https://ftp.uniprot.org/pub/databases/uniprot`` or a mirror)::

    current_release/knowledgebase/
        idmapping/            idmapping.dat.gz, idmapping_selected.tab.gz, README,
            by_organism/      HUMAN_9606_idmapping.dat.gz, ..., RELEASE.metalink
        complete/             uniprot_sprot.dat.gz, uniprot_trembl.dat.gz,
                              uniprot_sprot_varsplic.fasta.gz, reldate.txt, RELEASE.metalink
            docs/             sec_ac.txt, delac_sp.txt, delac_tr.txt.gz
    current_release/uniref/uniref100/uniref100.xml.gz (and uniref90, uniref50)
    current_release/uniparc/

A folder's ``RELEASE.metalink`` (Metalink XML) lists its files with their sizes and MD5
checksums; :func:`parse_metalink` reads it. :func:`parse_organism_index` reads the HTML index
page of ``by_organism/`` into organism names (``HUMAN_9606``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree, html  # type: ignore[import-untyped]  # no stubs shipped

from idmapping.errors import DownloadError

__all__ = ["RemoteFile", "Checksum", "KNOWLEDGEBASE", "BY_ORGANISM", "COMPLETE", "DOCS",
           "METALINK", "ENTRY_SETS", "ALWAYS", "organism_file", "named_file", "plan",
           "parse_metalink", "parse_organism_index"]

KNOWLEDGEBASE = "current_release/knowledgebase"
IDMAPPING = f"{KNOWLEDGEBASE}/idmapping"
BY_ORGANISM = f"{IDMAPPING}/by_organism"
COMPLETE = f"{KNOWLEDGEBASE}/complete"
DOCS = f"{COMPLETE}/docs"
UNIREF = "current_release/uniref"
METALINK = "RELEASE.metalink"

_KNOWN = {
    "idmapping.dat.gz": IDMAPPING,
    "idmapping_selected.tab.gz": IDMAPPING,
    "reldate.txt": COMPLETE,
    "uniprot_sprot.dat.gz": COMPLETE,
    "uniprot_trembl.dat.gz": COMPLETE,
    "uniprot_sprot.xml.gz": COMPLETE,
    "uniprot_trembl.xml.gz": COMPLETE,
    "uniprot_sprot_varsplic.fasta.gz": COMPLETE,
    "sec_ac.txt": DOCS,
    "delac_sp.txt": DOCS,
    "delac_tr.txt.gz": DOCS,
    **{f"uniref{n}.xml.gz": f"{UNIREF}/uniref{n}" for n in (100, 90, 50)},
}
"""The files known by name alone, and their folders (others are named by their path)."""

ALWAYS = ("reldate.txt", "sec_ac.txt", "delac_sp.txt", "delac_tr.txt.gz")
"""Downloaded every time: the release's name and date, secondary and deleted accessions."""

ENTRY_SETS = {
    "none": (),
    "swissprot": ("uniprot_sprot.dat.gz", "uniprot_sprot_varsplic.fasta.gz"),
    "trembl": ("uniprot_sprot.dat.gz", "uniprot_sprot_varsplic.fasta.gz",
               "uniprot_trembl.dat.gz"),
}
"""The entry files of ``--entries``: Swiss-Prot (with its isoforms), or all of UniProtKB."""

_ORGANISM = re.compile(r"^[A-Z0-9]+_[0-9]+$")
_ORGANISM_FILE = re.compile(r"^([A-Z0-9]+_[0-9]+)_idmapping\.dat\.gz$")


@dataclass(frozen=True)
class RemoteFile:
    """A file of the release, by its path under the base URL."""

    path: str

    @property
    def name(self) -> str:
        """Its file name, which it keeps in the download folder."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def folder(self) -> str:
        """The folder it is in (where its ``RELEASE.metalink`` is)."""
        return self.path.rsplit("/", 1)[0]


@dataclass(frozen=True)
class Checksum:
    """What a ``RELEASE.metalink`` says of a file: its size and MD5 (either may be missing)."""

    size: int | None
    md5: str | None


def organism_file(organism: str) -> RemoteFile:
    """The idmapping.dat of one organism (``HUMAN_9606``), in ``by_organism/``.

    :raises DownloadError: *organism* is not of the form MNEMONIC_TAXID.
    """
    if not _ORGANISM.match(organism):
        raise DownloadError(f"Organism {organism!r} is not of the form HUMAN_9606 (UniProt's "
                            "mnemonic and NCBI taxon id); see 'idmapping download "
                            "--list-organisms'")
    return RemoteFile(f"{BY_ORGANISM}/{organism}_idmapping.dat.gz")


def named_file(name: str) -> RemoteFile:
    """A file named by its name (``idmapping_selected.tab.gz``, ``uniref90.xml.gz``, an
    organism's ``MOUSE_10090_idmapping_selected.tab.gz``) or by its path under the base URL
    (``current_release/uniparc/...``).

    :raises DownloadError: a bare name this module does not know.
    """
    name = name.strip().lstrip("/")
    if "/" in name:
        if ".." in name.split("/"):
            raise DownloadError(f"File path {name!r} may not contain '..'")
        return RemoteFile(name)
    if name in _KNOWN:
        return RemoteFile(f"{_KNOWN[name]}/{name}")
    if re.match(r"^[A-Z0-9]+_[0-9]+_idmapping", name):
        return RemoteFile(f"{BY_ORGANISM}/{name}")
    known = ", ".join(sorted(_KNOWN))
    raise DownloadError(f"Unknown file {name!r}: give its path under the base URL "
                        f"(current_release/...), or one of {known}")


def plan(organisms: Iterable[str] = (), whole: bool = False, files: Iterable[str] = (),
         entries: str = "none") -> list[RemoteFile]:
    """The files to fetch, each once: the organisms' idmapping.dat, the whole one, the named
    files, the entry files of *entries*, and always :data:`ALWAYS`.

    :raises DownloadError: an organism or a file name that cannot be placed, or an unknown
        *entries*.
    """
    if entries not in ENTRY_SETS:
        raise DownloadError(f"--entries must be one of {', '.join(ENTRY_SETS)}, not {entries!r}")
    chosen = [organism_file(o) for o in organisms]
    if whole:
        chosen.append(named_file("idmapping.dat.gz"))
    chosen += [named_file(f) for f in files]
    chosen += [named_file(f) for f in ENTRY_SETS[entries]]
    chosen += [named_file(f) for f in ALWAYS]
    unique: dict[str, RemoteFile] = {}
    for remote in chosen:
        other = next((u for u in unique.values() if u.name == remote.name), None)
        if other is not None and other.path != remote.path:
            raise DownloadError(f"Two files named {remote.name} ({other.path} and "
                                f"{remote.path}) would go to the same place")
        unique.setdefault(remote.path, remote)
    return list(unique.values())


def _local(tag: object) -> str:
    """An element's name without its namespace (``{ns}file`` → ``file``)."""
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_metalink(data: bytes) -> dict[str, Checksum]:
    """The files a ``RELEASE.metalink`` lists, by name, with their sizes and MD5 checksums.

    Reads Metalink 3 (``http://www.metalinker.org/``, UniProt's) and Metalink 4 (RFC 5854)
    alike: each ``<file name=...>`` with a ``<size>`` and a ``<hash type="md5">``.

    >>> parse_metalink(b'<metalink xmlns="http://www.metalinker.org/"><files>'
    ...     b'<file name="reldate.txt"><size>151</size><verification>'
    ...     b'<hash type="md5">0123456789ABCDEF0123456789abcdef</hash>'
    ...     b'</verification></file></files></metalink>')
    {'reldate.txt': Checksum(size=151, md5='0123456789abcdef0123456789abcdef')}

    :raises DownloadError: the file is not XML.
    """
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False,
                                                                no_network=True))
    except etree.XMLSyntaxError as exc:
        raise DownloadError(f"{METALINK} cannot be read: {exc}") from None
    found: dict[str, Checksum] = {}
    for element in root.iter():
        if _local(element.tag) != "file" or not element.get("name"):
            continue
        size: int | None = None
        md5: str | None = None
        for child in element.iter():
            kind = _local(child.tag)
            text = (child.text or "").strip()
            if kind == "size" and text.isdigit():
                size = int(text)
            elif kind == "hash" and (child.get("type") or "").lower() == "md5" and text:
                md5 = text.lower()
        found[str(element.get("name")).rsplit("/", 1)[-1]] = Checksum(size, md5)
    return found


def parse_organism_index(page: bytes) -> list[str]:
    """The organisms (``HUMAN_9606``) whose idmapping.dat an HTML index page of
    ``by_organism/`` links to, sorted.

    >>> parse_organism_index(b'<html><body><a href="MOUSE_10090_idmapping.dat.gz">m</a>'
    ...     b'<a href="HUMAN_9606_idmapping_selected.tab.gz">s</a>'
    ...     b'<a href="/x/HUMAN_9606_idmapping.dat.gz">h</a></body></html>')
    ['HUMAN_9606', 'MOUSE_10090']
    """
    if not page.strip():
        return []
    try:
        document = html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return []
    organisms = set()
    for href in document.xpath("//a/@href"):
        name = str(href).split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        match = _ORGANISM_FILE.match(name)
        if match:
            organisms.add(match.group(1))
    return sorted(organisms)
