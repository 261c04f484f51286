"""What the commands share: options made from the settings' declarations, and errors.

An option for a setting (:func:`setting_option`) takes its name, type and help from the
setting's declaration (:data:`idmapping.settings.SETTINGS`), so ``--help`` says what
``idmapping settings`` and ``docs/settings.md`` say. Its default is None: an option not given
leaves the setting to its ``IDMAPPING_*`` variable, then to its default
(:meth:`~idmapping.settings.Settings.load`).
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

import click

from idmapping.errors import IdMappingError
from idmapping.settings import SETTINGS

__all__ = ["setting_option", "store_option", "domain_errors", "storage_errors", "first_line"]

F = TypeVar("F", bound=Callable[..., Any])

_DECLARED = {s.name: s for s in SETTINGS}


def setting_option(name: str, metavar: str | None = None) -> Callable[[F], F]:
    """An option that sets the setting *name* (``--broker-url`` for ``broker_url``).

    A true-or-false setting is a pair of flags (``--demo/--no-demo``).
    """
    setting = _DECLARED[name]
    flag = "--" + name.replace("_", "-")
    help_text = f"{setting.help} [env {setting.env}; default: {setting.default_text}]"
    if setting.type is bool:
        return click.option(f"{flag}/--no-{flag[2:]}", name, default=None, help=help_text)
    return click.option(flag, name, type=setting.type, default=None, help=help_text,
                        metavar=metavar)


store_option = setting_option("store", metavar="PATH|URL")
"""The ``--store`` option every command that reads a store shares."""


def storage_errors() -> tuple[type[BaseException], ...]:
    """The errors the file system raises (a full disk, a read-only file), and zlib's for a
    corrupt gzip file that the loader does not name yet. (The stores translate their drivers'
    own errors into the error tree, :class:`~idmapping.errors.StoreError`.)"""
    return (OSError, zlib.error)


def first_line(exc: BaseException) -> str:
    """The first line of an error's message, or its type's name."""
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


@functools.cache
def _click_error(exit_code: int) -> type[click.ClickException]:
    """A ClickException class that exits with *exit_code* (click reads it from the class)."""
    return type(f"ClickException{exit_code}", (click.ClickException,), {"exit_code": exit_code})


def domain_errors(fn: F) -> F:
    """Turn the library's errors into clean command-line errors, with their exit codes.

    A store that cannot be written (a full disk, a read-only file) is said so in one line,
    not with a traceback; the release being served is untouched (docs/reliability.md).
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except IdMappingError as exc:
            raise _click_error(exc.exit_code)("\n".join(exc.messages)) from None
        except storage_errors() as exc:
            raise click.ClickException(
                f"The store or a file cannot be written or read: {first_line(exc)}") from None

    return wrapper  # type: ignore[return-value]
