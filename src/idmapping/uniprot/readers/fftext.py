"""Flat-file text shared by the line-group readers: wrapped lines joined into one text, and a
value with its trailing evidences.

>>> join_lines(["Binds calcium in a Ca(2+)-", "dependent manner", "and ATP."])
'Binds calcium in a Ca(2+)-dependent manner and ATP.'
>>> with_evidences("Membrane {ECO:0000255}")
{'evidences': [{'evidenceCode': 'ECO:0000255'}], 'value': 'Membrane'}
"""

from __future__ import annotations

from collections.abc import Sequence

from idmapping.uniprot.common import Json, split_evidences

__all__ = ["join_lines", "with_evidences"]


def join_lines(lines: Sequence[str]) -> str:
    """Wrapped lines as one text: a space between lines, none after a word-final hyphen.

    :param lines: the line bodies, in order (surrounding spaces are dropped).
    """
    text = ""
    for line in lines:
        part = line.strip()
        if not text:
            text = part
        elif text.endswith("-") and not text.endswith(" -") and \
                not part.startswith(("and ", "or ")):
            text += part
        else:
            text += " " + part
    return text


def with_evidences(text: str) -> Json:
    """``{"evidences"?, "value"}`` of a value that may end with ``{ECO:...}``.

    :param text: the value as the line has it, evidences (if any) last.
    """
    value, evidences = split_evidences(text)
    item: Json = {}
    if evidences:
        item["evidences"] = evidences
    item["value"] = value
    return item
