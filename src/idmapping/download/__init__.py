"""Fetching UniProt's release files into a folder, ready for ``idmapping load FOLDER``.

>>> from idmapping.settings import Settings                                  # doctest: +SKIP
>>> download_release("uniprot", DownloadRequest(organisms=("HUMAN_9606",)),
...                  Settings.load())                                        # doctest: +SKIP

:mod:`.layout` knows where UniProt keeps each file and reads ``RELEASE.metalink`` and the
``by_organism/`` index page; :mod:`.transfer` fetches one file (resumed, checked, retried).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

from idmapping.download.layout import (
    BY_ORGANISM,
    ENTRY_SETS,
    METALINK,
    Checksum,
    RemoteFile,
    parse_metalink,
    parse_organism_index,
    plan,
)
from idmapping.download.transfer import Fetched, Fetcher, Progress
from idmapping.errors import DownloadError
from idmapping.settings import Settings

__all__ = ["DownloadRequest", "download_release", "list_organisms", "default_download_dir",
           "Fetched", "Progress", "ENTRY_SETS", "plan"]


@dataclass(frozen=True)
class DownloadRequest:
    """What to fetch.

    :param organisms: UniProt's names of organisms (``HUMAN_9606``): their idmapping.dat.
    :param whole: the idmapping.dat of all of UniProtKB.
    :param files: more files, by name or by path under the base URL.
    :param entries: ``none``, ``swissprot`` (uniprot_sprot.dat.gz and its isoforms) or
        ``trembl`` (those and uniprot_trembl.dat.gz).
    """

    organisms: tuple[str, ...] = ()
    whole: bool = False
    files: tuple[str, ...] = ()
    entries: str = "none"

    def files_to_fetch(self) -> list[RemoteFile]:
        """The files, each once (with the docs files and reldate.txt always)."""
        return plan(self.organisms, self.whole, self.files, self.entries)


def default_download_dir() -> Path:
    """Where ``idmapping get`` keeps the files: ``downloads`` in the user's data directory."""
    return Path(platformdirs.user_data_dir("idmapping")) / "downloads"


def _fetcher(settings: Settings, progress: Progress | None, backoff: float) -> Fetcher:
    return Fetcher(settings.download_url, settings.download_timeout, settings.download_retries,
                   progress, backoff)


def download_release(folder: str | Path, request: DownloadRequest, settings: Settings,
                     progress: Progress | None = None, backoff: float = 1.0) -> list[Fetched]:
    """Fetch the files of *request* from the ``download_url`` setting into *folder*.

    Files already there, complete, are kept; an interrupted one (``NAME.part``) is resumed.
    Each is checked against its length and, where its folder's ``RELEASE.metalink`` lists it,
    its size and MD5.

    :param backoff: seconds before the first retry of a file.
    :raises DownloadError: the first file that cannot be fetched, or is wrong.
    """
    target = Path(folder)
    files = request.files_to_fetch()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"Cannot create the folder {target}: {exc.strerror}") from None
    with _fetcher(settings, progress, backoff) as fetcher:
        checksums: dict[str, dict[str, Checksum]] = {}
        for remote in files:
            if remote.folder not in checksums:
                data = fetcher.read(f"{remote.folder}/{METALINK}", missing_ok=True)
                checksums[remote.folder] = parse_metalink(data) if data else {}
        return [fetcher.fetch(r, target, checksums[r.folder].get(r.name)) for r in files]


def list_organisms(settings: Settings) -> list[str]:
    """The organisms with their own idmapping.dat (``HUMAN_9606``, ...), read from the index
    page of ``by_organism/``.

    :raises DownloadError: the page cannot be fetched, or names no organism.
    """
    with _fetcher(settings, None, 1.0) as fetcher:
        page = fetcher.read(f"{BY_ORGANISM}/") or b""
        organisms = parse_organism_index(page)
        if not organisms:
            raise DownloadError(f"The index page {fetcher.url(BY_ORGANISM + '/')} lists no "
                                "organism's idmapping.dat.gz")
        return organisms
