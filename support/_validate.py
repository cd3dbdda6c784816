"""The argument checks every chapter's code shares, so the same fault raises the same exception everywhere.

Mental model: a wrong *type* is a ``TypeError`` and a value of the right type
out of range is a ``ValueError``; the message names the argument, what it must
be, and what it got. ``bool`` is not accepted where an ``int`` is asked for,
although Python makes it one (``workers=True`` is a mistake, not ``1``).

Taught in the chapter ``pipelines``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TypeVar

__all__ = ["check_bool", "check_choice", "check_int", "check_optional_int"]

T = TypeVar("T")


def check_int(value: object, name: str, *, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` if it is an ``int`` (not a ``bool``) in ``[minimum, maximum]``, else raise naming it.

    >>> check_int(4, "workers")
    4
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    return value


def check_optional_int(value: object, name: str, *, minimum: int = 1) -> int | None:
    """:func:`check_int`, but ``None`` (meaning "not set") is accepted too."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int or None, got {type(value).__name__} {value!r}")
    return check_int(value, name, minimum=minimum)


def check_bool(value: object, name: str) -> bool:
    """Return ``value`` if it is ``True`` or ``False``; ``1``, ``"yes"`` and ``None`` are a ``TypeError``."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__} {value!r}")
    return value


def check_choice(value: object, name: str, choices: Collection[T]) -> T:
    """Return the one of ``choices`` that ``value`` equals, else raise ``ValueError`` listing them."""
    for choice in choices:
        if value == choice:
            return choice
    listed = " or ".join(repr(c) for c in choices)
    raise ValueError(f"{name} must be {listed}, got {value!r}")
