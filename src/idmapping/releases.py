"""The releases of a store, kept side by side: list them, pick the one served, drop old ones.

Every ``idmapping load`` adds a release; the one marked current is served (and mapped
against) unless a request names another. Earlier releases stay until dropped::

    >>> from idmapping.store import open_store                              # doctest: +SKIP
    >>> store = open_store("my.sqlite")                                     # doctest: +SKIP
    >>> [(r.name, r.current) for r in list_releases(store)]                 # doctest: +SKIP
    [('2026_01', False), ('2026_02', True)]
    >>> make_current(store, "2026_01").name                                 # doctest: +SKIP
    '2026_01'

A release is named by its name (``2026_01``) or, where two releases share a name, by its id
(``#3`` or ``3``, as ``idmapping releases list`` shows).
"""

from __future__ import annotations

from dataclasses import dataclass

from idmapping.errors import InvalidRequest, NotFound
from idmapping.model import Release
from idmapping.store.base import Store

__all__ = ["ReleaseRow", "list_releases", "find_release", "make_current", "drop_release"]


@dataclass(frozen=True)
class ReleaseRow:
    """One release as ``idmapping releases list`` shows it."""

    id: int
    name: str
    current: bool
    date: str | None
    created: str
    bytes: int
    entries: int
    files: str


def list_releases(store: Store) -> list[ReleaseRow]:
    """The ready releases of *store*, oldest first, with their sizes on disk."""
    return [
        ReleaseRow(r.id, r.name, r.current, r.stats.get("date"), r.created,
                   store.release_bytes(r), int(r.stats.get("entries", 0)),
                   str(r.stats.get("files", "")))
        for r in store.releases() if r.state == "ready"
    ]


def find_release(store: Store, ref: str) -> Release:
    """The ready release *ref* names: a name, or an id (``3`` or ``#3``).

    :raises NotFound: no release has that name or id; the message lists the releases.
    :raises InvalidRequest: two releases share the name; the message gives their ids.
    """
    ready = [r for r in store.releases() if r.state == "ready"]
    text = ref.strip()
    number = text.removeprefix("#")
    named = [r for r in ready if r.name == text]
    if not named and number.isdigit():
        named = [r for r in ready if r.id == int(number)]
    if len(named) == 1:
        return named[0]
    if named:
        ids = ", ".join(f"#{r.id}" for r in named)
        raise InvalidRequest(f"{len(named)} releases are named {text!r} ({ids}): name one by "
                             "its id")
    known = ", ".join(f"{r.name} (#{r.id})" for r in ready) or "none"
    raise NotFound(f"No release is named {text!r}; the releases are: {known}")


def make_current(store: Store, ref: str) -> Release:
    """Serve release *ref* from now on (checked first: a damaged release is refused)."""
    return store.set_current(find_release(store, ref).id)


def drop_release(store: Store, ref: str) -> Release:
    """Delete release *ref* and its data; the current release cannot be dropped.

    Jobs mapped against it keep their stored pairs.

    :raises InvalidRequest: *ref* is the current release.
    """
    release = find_release(store, ref)
    if release.current:
        raise InvalidRequest(f"Release {release.name} is the one being served: make another "
                             "current first ('idmapping releases current NAME')")
    store.remove_release(release.id)
    return release
