"""One check for every count the chapter takes: a positive ``int``, named in the error.

Taught in the chapter ``limiting``.
"""

from __future__ import annotations


def check_count(value: object, name: str) -> int:
    """Return ``value`` if it is an ``int`` of at least 1; otherwise raise, naming ``name``.

    ``TypeError`` for anything that is not an ``int`` (``bool``, ``float``
    and NaN included: a limit of ``2.5`` tasks has no meaning), ``ValueError``
    for 0 and negatives.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int of at least 1, got {value!r} ({type(value).__name__})")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value
