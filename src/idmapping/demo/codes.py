"""Numbers written as ids: the alphabets of the demo's ids, base-36 codes, and scrambled
decimals, so that ids look unrelated while each number keeps its own id.

>>> b36(35, 2), scramble(1, 7919, 4), scramble(2, 7919, 4)
('0Z', 7926, 5845)
"""

from __future__ import annotations

import string

__all__ = ["DIGITS", "UPPER", "ALNUM", "b36", "scramble"]

DIGITS, UPPER = string.digits, string.ascii_uppercase
ALNUM = DIGITS + UPPER


def b36(x: int, width: int, alphabet: str = ALNUM) -> str:
    """*x* in *width* digits of *alphabet* (base 36 by default), most significant first."""
    base = len(alphabet)
    return "".join(alphabet[x // base**i % base] for i in reversed(range(width)))


def scramble(x: int, mult: int, digits: int) -> int:
    """Scramble *x* into *digits* decimal digits; one-to-one while ``x < 10**digits``.

    :param mult: coprime to 10; different per database so that their ids don't line up.
    """
    return (x * mult + 7) % _POW10[digits]


_POW10: tuple[int, ...] = tuple(10**i for i in range(13))
