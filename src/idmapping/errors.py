"""The one exception tree of idmapping.

Every error the library raises on purpose is an :class:`IdMappingError`. The HTTP layer turns
``status`` into the response code and ``messages`` into UniProt's error body
``{"url": ..., "messages": [...]}``; the command line turns any of them into a
``click.ClickException`` with ``exit_code``.

::

    IdMappingError                 500  base class
    ├── InvalidRequest             400  bad parameters; carries UniProt's message texts
    │   ├── InvalidInput           400  ids that cannot be read (too long, binary, empty)
    │   ├── PayloadTooLarge        413  a request body over the max_body_bytes setting
    │   └── NotAcceptable          406  an Accept of several media types, none of them produced
    ├── NotFound                   404  unknown or expired job ("Resource not found")
    ├── ReleaseGone                410  a job's release was dropped: its results cannot be read
    ├── ReleaseFileError           ---  a release file that cannot be read: names file and line
    │   └── UnknownFormat          ---  a file whose format cannot be recognised
    ├── DownloadError              ---  a release file that cannot be fetched: names URL/file
    ├── StoreError                 500  the store cannot be opened or written
    │   ├── StoreUnavailable       503  the store refuses writes for now (disk full, read-only)
    │   ├── NoRelease              503  nothing loaded yet
    │   ├── StoreDamaged           500  a release file is missing or not the one loaded
    │   └── MissingDriver          ---  an optional extra (psycopg) is not installed
    ├── ToolUnavailable            503  a program a service runs is not installed (clustalo)
    ├── JobFailed                  500  a job ended in ERROR; carries UniProt's code (40, 50)
    └── Stopped                    ---  a stream's reader went away: its production ends early
"""

from __future__ import annotations

__all__ = [
    "IdMappingError",
    "InvalidRequest",
    "InvalidInput",
    "PayloadTooLarge",
    "NotAcceptable",
    "NotFound",
    "ReleaseGone",
    "ReleaseFileError",
    "UnknownFormat",
    "DownloadError",
    "StoreError",
    "StoreUnavailable",
    "NoRelease",
    "StoreDamaged",
    "MissingDriver",
    "ToolUnavailable",
    "JobFailed",
    "Stopped",
]


class IdMappingError(Exception):
    """Base of every error raised by idmapping on purpose."""

    status: int = 500
    exit_code: int = 1

    def __init__(self, *messages: str) -> None:
        self.messages: list[str] = [m for m in messages if m] or [self.default_message()]
        super().__init__("\n".join(self.messages))

    def default_message(self) -> str:
        return self.__class__.__doc__ or self.__class__.__name__


class InvalidRequest(IdMappingError):
    """Invalid request received."""

    status = 400
    exit_code = 2


class InvalidInput(InvalidRequest):
    """The input ids cannot be read."""


class PayloadTooLarge(InvalidRequest):
    """The request body is larger than the server accepts."""

    status = 413


class NotAcceptable(InvalidRequest):
    """An ``Accept`` header of several media types, none of which the end-point produces:
    406, as Spring's content negotiation answers it."""

    status = 406


class NotFound(IdMappingError):
    """Resource not found"""

    status = 404

    def default_message(self) -> str:
        return "Resource not found"


class ReleaseGone(IdMappingError):
    """The release a job was mapped against is no longer in the store (it was dropped)."""

    status = 410


class ReleaseFileError(IdMappingError):
    """A release file that cannot be read, with the file and line where reading stopped."""

    def __init__(self, message: str, path: str = "", line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = message
        where = path + (f", line {line}" if line is not None else "")
        super().__init__(f"{where}: {message}" if where else message)

    def __reduce__(self) -> tuple[type[ReleaseFileError], tuple[str, str, int | None]]:
        # raised in a worker process that parses a part of an entry file (loader.chunks)
        return type(self), (self.reason, self.path, self.line)


class UnknownFormat(ReleaseFileError):
    """The format of a release file could not be recognised."""


class DownloadError(IdMappingError):
    """A release file cannot be fetched: the network is down, the server is too slow, a
    file is missing (the message names its URL), or what arrived does not match its size or
    its checksum (the message names the file and both checksums)."""


class StoreError(IdMappingError):
    """The store cannot be opened or written."""


class StoreUnavailable(StoreError):
    """The store cannot be written just now (its disk is full, or it is read-only).

    Reads go on working; the same request succeeds once the store can be written again.
    """

    status = 503


class NoRelease(StoreError):
    """No release is loaded in this store."""

    status = 503


class StoreDamaged(StoreError):
    """The store is not what it records: a release file is missing, damaged or replaced, or
    release files are there that its main file does not list.

    The message names the file and what to do; nothing is deleted or overwritten.
    """


class MissingDriver(StoreError):
    """An optional dependency needed for this store is not installed."""


class ToolUnavailable(IdMappingError):
    """A program this service runs is not installed on the server (Clustal Omega's
    ``clustalo`` for alignments): the message names it and how to install it."""

    status = 503


class JobFailed(IdMappingError):
    """A mapping job ended in ERROR.

    :param code: UniProt's problem code: 40 for a limit, 50 for an internal error.
    """

    def __init__(self, message: str, code: int = 50) -> None:
        self.code = code
        super().__init__(message)


class Stopped(IdMappingError):
    """The reader of a streamed result went away (the client disconnected), so the rows still
    to come are not produced.

    Raised by a stream's producer when it is told to stop; it ends the work, and nothing is
    sent or logged as an error: there is no one to send it to.
    """
