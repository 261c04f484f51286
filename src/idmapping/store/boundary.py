"""Where a store meets its driver: the driver's errors turned into :mod:`idmapping.errors`.

Each backend names its driver's base error, a ``translate`` function (what the error means:
a full disk, a damaged file, a limit; ``None`` for a bug, which goes on as it is) and the
attribute of its objects that says where (a path, a URL); :class:`ErrorBoundary` gives the
context manager and the method decorator both backends use.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

from idmapping.errors import IdMappingError

__all__ = ["ErrorBoundary"]

P = ParamSpec("P")
R = TypeVar("R")


class ErrorBoundary:
    """The translation of one driver's errors.

    :param driver_error: the driver's base error class (``sqlite3.Error``, ``psycopg.Error``).
    :param translate: ``(error, where) -> IdMappingError | None``.
    :param where: the attribute of a store or writer that says where (``path``, ``url``).
    """

    def __init__(self, driver_error: type[BaseException],
                 translate: Callable[[Any, Any], IdMappingError | None], where: str) -> None:
        self.driver_error = driver_error
        self.translate = translate
        self.where = where

    @contextlib.contextmanager
    def translating(self, place: object) -> Iterator[None]:
        """Raise what ``translate`` makes of a driver error in the block."""
        try:
            yield
        except self.driver_error as exc:
            error = self.translate(exc, place)
            if error is None:
                raise
            raise error from exc

    def translated(self, method: Callable[P, R]) -> Callable[P, R]:
        """:meth:`translating` around a method of an object with the ``where`` attribute."""

        @functools.wraps(method)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with self.translating(getattr(args[0], self.where, "?")):
                return method(*args, **kwargs)

        return wrapper
