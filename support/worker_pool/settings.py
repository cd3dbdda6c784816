"""The pool's knobs, read from the environment the way the Go notes intend, but checked.

Mental model: the Go code reads ``MAX_WORKERS`` and ``MAX_QUEUE`` with
``os.Getenv`` and hands the *strings* on, unchecked. Here
:meth:`Settings.from_env` parses each variable strictly (ASCII digits only), so
``"8"`` works and ``"eight"``, ``"0"``, ``"-3"``, ``""`` or ``"1e3"`` stop the
server before it binds, with a :class:`SettingsError` that names the variable
and the value it got. An unset variable takes the documented default.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

_DIGITS: Final = re.compile(r"[0-9]+")

DEFAULT_MAX_WORKERS: Final = 64
DEFAULT_MAX_QUEUE: Final = 1000


class SettingsError(ValueError):
    """A setting from the environment is missing its shape; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """What the payload service is allowed to hold at once.

    ``max_workers`` upload tasks run at most; ``max_queue`` accepted payloads wait
    at most; a request body may be ``max_body`` bytes and carry ``max_payloads``
    payloads. The Go notes' ``MaxLength`` is ``max_body``.
    """

    max_workers: int = DEFAULT_MAX_WORKERS
    max_queue: int = DEFAULT_MAX_QUEUE
    max_body: int = 1 << 20
    max_payloads: int = 100

    def __post_init__(self) -> None:
        for name, value, ceiling in (
            ("max_workers", self.max_workers, 100_000),
            ("max_queue", self.max_queue, 10_000_000),
            ("max_body", self.max_body, 1 << 30),
            ("max_payloads", self.max_payloads, 1_000_000),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ceiling:
                raise SettingsError(f"{name} must be an integer from 1 to {ceiling}, got {value!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: int) -> Settings:
        """Read ``MAX_WORKERS`` and ``MAX_QUEUE`` from ``environ`` (default: ``os.environ``).

        Raises :class:`SettingsError` naming the variable when a value is not a
        positive integer or is too large. ``overrides`` set the other fields.
        """
        env = os.environ if environ is None else environ
        workers = _positive_int(env, "MAX_WORKERS", DEFAULT_MAX_WORKERS, 100_000)
        queue = _positive_int(env, "MAX_QUEUE", DEFAULT_MAX_QUEUE, 10_000_000)
        return cls(max_workers=workers, max_queue=queue, **overrides)


def _positive_int(env: Mapping[str, str], name: str, default: int, ceiling: int) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    text = raw.strip()
    if not _DIGITS.fullmatch(text):
        raise SettingsError(f"{name} must be a positive integer, got {raw!r}")
    value = int(text)
    if value == 0:
        raise SettingsError(f"{name} must be at least 1, got {raw!r}")
    if value > ceiling:
        raise SettingsError(f"{name} must be at most {ceiling}, got {raw!r}")
    return value
