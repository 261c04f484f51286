"""Streaming XML shared by the XML readers: each ``entry`` element of a file, cleared once
read, and lookups of child elements by local name (UniProt's files use one default namespace).

>>> import io
>>> xml = b'<uniprot xmlns="https://uniprot.org/uniprot"><entry><name> A1 </name></entry></uniprot>'
>>> [text_of(find_child(e, "name")) for e in iter_entries(io.BytesIO(xml), "x.xml")]
['A1']
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from lxml import etree  # type: ignore[import-untyped]  # no stubs shipped

from idmapping.errors import ReleaseFileError

__all__ = ["iter_entries", "local_name", "find_child", "find_children", "text_of"]


_LOCAL_NAMES: dict[Any, str] = {}
"""Local names by tag: a file has a few dozen tags, read millions of times."""


def local_name(tag: Any) -> str:
    """A tag without its namespace: ``{https://uniprot.org/uniprot}entry`` is ``entry``."""
    found = _LOCAL_NAMES.get(tag)
    if found is None:
        found = str(tag).rsplit("}", 1)[-1]
        if len(_LOCAL_NAMES) < 10_000:
            _LOCAL_NAMES[tag] = found
    return found


def iter_entries(stream: IO[bytes], path: str, line_offset: int = 0) -> Iterator[Any]:
    """Each ``entry`` element of an XML file, cleared after use, so memory stays flat.

    :param stream: the file, opened in binary mode (decompressed).
    :param path: its name, for errors.
    :param line_offset: added to the line of an error: *stream* is a part of the file
        (:mod:`idmapping.loader.chunks`).
    :raises ReleaseFileError: the file is not well-formed XML (with its line).
    """
    # lxml picks the entries out in C: Python sees one element per entry, not every element
    context = etree.iterparse(stream, events=("end",), tag="{*}entry", huge_tree=True,
                              remove_comments=True)
    try:
        for _, element in context:
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        line = exc.lineno + line_offset if exc.lineno else None
        raise ReleaseFileError(f"not well-formed XML: {exc.msg}", path, line) from None


def find_child(element: Any, name: str) -> Any:
    """The first child of *element* called *name* (in any namespace), or None; lxml looks it
    up in C."""
    return element.find("{*}" + name)


def find_children(element: Any, name: str) -> list[Any]:
    """Every child of *element* called *name* (in any namespace), in order."""
    return list(element.iterchildren("{*}" + name))


def text_of(element: Any) -> str:
    """The text of *element* with its runs of white space made single spaces; "" for None."""
    return " ".join((element.text or "").split()) if element is not None else ""
