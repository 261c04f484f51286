"""Fetching one file over HTTP(S): streamed to a ``.part`` file, resumed with ``Range``,
checked against its size and checksum, and tried again after a network error.

A file only takes its own name once it is complete and checked. Until then it is
``NAME.part`` (the next run resumes it where it stopped); if its bytes are wrong (a size or
an MD5 that does not match ``RELEASE.metalink``) it becomes ``NAME.bad`` and the next run
fetches it anew.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx

from idmapping.download.layout import Checksum, RemoteFile
from idmapping.errors import DownloadError
from idmapping.version import __version__

__all__ = ["Fetcher", "Fetched", "Progress", "file_md5"]

Progress = Callable[[str, int, "int | None"], None]
"""Called as ``progress(name, bytes_done, bytes_total)`` while a file arrives (the total is
None when the server does not say it)."""

_CHUNK = 1 << 20
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")


@dataclass(frozen=True)
class Fetched:
    """A file in the download folder, complete and checked.

    :param skipped: it was already there, complete; nothing was fetched.
    :param resumed_from: bytes of an earlier, interrupted transfer it continued from.
    :param md5: its MD5, when ``RELEASE.metalink`` gave one to check.
    """

    name: str
    path: Path
    size: int
    skipped: bool = False
    resumed_from: int = 0
    md5: str | None = None


class _Cut(Exception):
    """A transfer that stopped early and may be tried again (resuming)."""


class _Restart(Exception):
    """The ``.part`` file cannot be continued: fetch the file from its start."""


def file_md5(path: Path, md5: hashlib._Hash | None = None) -> str:
    """The MD5 of a file, as lower-case hex (continuing *md5* if given)."""
    digest = md5 or hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class Fetcher:
    """Fetches files from one base URL (UniProt's, or a mirror's).

    :param timeout: seconds to wait for a connection, or for more data.
    :param retries: times a file is tried again after a network error, resuming.
    :param backoff: seconds before the first retry (doubled at each next one).
    """

    def __init__(self, base_url: str, timeout: float = 60.0, retries: int = 3,
                 progress: Progress | None = None, backoff: float = 1.0) -> None:
        self.base = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.progress = progress
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout), follow_redirects=True,
            headers={"User-Agent": f"idmapping/{__version__}", "Accept-Encoding": "identity"})

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def url(self, path: str) -> str:
        """The URL of *path* under the base URL."""
        return f"{self.base}/{path}"

    def read(self, path: str, missing_ok: bool = False) -> bytes | None:
        """A small file (an index page, a ``RELEASE.metalink``) in memory.

        :param missing_ok: None for a file the server does not have, instead of an error.
        :raises DownloadError: the network is down, the server too slow, the file missing.
        """
        url = self.url(path)
        for attempt in range(self.retries + 1):
            try:
                response = self.client.get(url)
                if response.status_code == 404 and missing_ok:
                    return None
                self._check_status(response, url)
                return response.content
            except (httpx.TransportError, _Cut) as exc:
                self._wait_or_fail(exc, url, attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def fetch(self, remote: RemoteFile, folder: Path, checksum: Checksum | None) -> Fetched:
        """Fetch *remote* into *folder*, unless it is there already, complete.

        :param checksum: its size and MD5 from ``RELEASE.metalink``, if that lists it.
        :raises DownloadError: naming the URL (missing, unreachable, too slow) or the file and
            both checksums (a mismatch: the bytes are kept as ``NAME.bad``).
        """
        dest = folder / remote.name
        url = self.url(remote.path)
        expected = checksum or Checksum(None, None)
        if dest.is_file() and self._complete(dest, url, expected):
            size = dest.stat().st_size
            if self.progress:
                self.progress(remote.name, size, size)
            return Fetched(remote.name, dest, size, skipped=True, md5=expected.md5)
        part = dest.with_name(dest.name + ".part")
        resumed_from = part.stat().st_size if part.is_file() else 0
        attempt = 0
        while True:
            try:
                md5 = self._transfer(url, part, remote.name, expected.size)
                break
            except _Restart:
                part.unlink(missing_ok=True)
                resumed_from = 0
            except (httpx.TransportError, _Cut) as exc:
                self._wait_or_fail(exc, url, attempt)
                attempt += 1
        self._check(remote.name, part, expected, md5)
        part.replace(dest)
        return Fetched(remote.name, dest, dest.stat().st_size, resumed_from=resumed_from,
                       md5=expected.md5)

    def _complete(self, dest: Path, url: str, expected: Checksum) -> bool:
        """Whether *dest* is already the whole file: its size (from the metalink, else from
        the server) and, where the metalink gives one, its MD5."""
        size = expected.size
        if size is None:
            try:
                response = self.client.head(url)
            except httpx.TransportError as exc:
                raise self._failure(exc, url) from None
            self._check_status(response, url)
            length = response.headers.get("Content-Length")
            size = int(length) if length and length.isdigit() else None
        if size is None or dest.stat().st_size != size:
            return False
        return expected.md5 is None or file_md5(dest) == expected.md5

    def _transfer(self, url: str, part: Path, name: str, size: int | None) -> str:
        """Fetch *url* into *part*, continuing what is there; return the MD5 of the whole.

        :raises _Cut: the connection ended before the last byte (try again, resuming).
        :raises _Restart: the part cannot be continued (larger than the file, or refused).
        """
        offset = part.stat().st_size if part.is_file() else 0
        if size is not None and offset > size:
            raise _Restart()
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        with self.client.stream("GET", url, headers=headers) as response:
            if response.status_code == 416 and offset:
                # "bytes */LENGTH": nothing lies past the part; it may be complete already
                if response.headers.get("Content-Range", "").rpartition("/")[2] == str(offset):
                    return file_md5(part)
                raise _Restart()
            self._check_status(response, url)
            total: int | None
            if response.status_code == 206:
                match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
                if not match or int(match.group(1)) != offset:
                    raise _Restart()
                total = int(match.group(3)) if match.group(3) != "*" else None
                digest = hashlib.md5(usedforsecurity=False)
                file_md5(part, digest)
                mode = "ab"
            else:  # 200: the server sends the whole file (it ignored Range, or none was sent)
                length = response.headers.get("Content-Length", "")
                total = int(length) if length.isdigit() else None
                digest = hashlib.md5(usedforsecurity=False)
                offset = 0
                mode = "wb"
            done = offset
            with open(part, mode) as out:
                if self.progress:
                    self.progress(name, done, total)
                for chunk in response.iter_raw():  # as it arrives: a cut keeps every byte
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if self.progress:
                        self.progress(name, done, total)
        if total is not None and done != total:
            raise _Cut(f"the connection closed after {done:,} of {total:,} bytes")
        return digest.hexdigest()

    def _check(self, name: str, part: Path, expected: Checksum, md5: str) -> None:
        """Refuse a file whose size or MD5 is not what ``RELEASE.metalink`` says: it becomes
        ``NAME.bad``, never a file that looks complete."""
        size = part.stat().st_size
        problem = ""
        if expected.size is not None and size != expected.size:
            problem = f"size mismatch: RELEASE.metalink says {expected.size:,} bytes, " \
                      f"{size:,} arrived"
        elif expected.md5 is not None and md5 != expected.md5:
            problem = f"checksum mismatch: RELEASE.metalink says MD5 {expected.md5}, " \
                      f"the downloaded file has MD5 {md5}"
        if problem:
            bad = part.with_name(name + ".bad")
            part.replace(bad)
            raise DownloadError(f"{name}: {problem}; kept as {bad.name} (run the command "
                                "again to fetch it anew)")

    def _check_status(self, response: httpx.Response, url: str) -> None:
        """Errors for the statuses that are not a file: 404 names the URL."""
        status = response.status_code
        if status < 400:
            return
        if status == 404:
            raise DownloadError(f"Not found (HTTP 404): {url}")
        if status >= 500 or status == 429:
            raise _Cut(f"the server answered HTTP {status} {response.reason_phrase}")
        raise DownloadError(f"HTTP {status} {response.reason_phrase}: {url}")

    def _wait_or_fail(self, exc: Exception, url: str, attempt: int) -> None:
        """Wait before trying again, or raise the error once the retries are spent."""
        if attempt >= self.retries:
            raise self._failure(exc, url) from None
        time.sleep(self.backoff * 2 ** attempt)

    def _failure(self, exc: Exception, url: str) -> DownloadError:
        """The one-line error for a network failure."""
        host = httpx.URL(url).host
        tries = f" (tried {self.retries + 1} times)" if self.retries else ""
        if isinstance(exc, httpx.TimeoutException):
            return DownloadError(
                f"{host} sent nothing for {self.timeout:g} s (the download_timeout setting) "
                f"while fetching {url}{tries}; try again later, or another mirror "
                "(the download_url setting)")
        if isinstance(exc, httpx.ConnectError):
            return DownloadError(f"Cannot reach {host} ({exc}){tries}: is the network up? "
                                 f"Fetching {url}")
        return DownloadError(f"The transfer of {url} stopped: {exc}{tries}; run the command "
                             "again to resume where it stopped")
