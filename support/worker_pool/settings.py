"""The pool's knobs, read from the environment the way the Go notes intend, but checked.

Mental model: the Go code reads ``MAX_WORKERS`` and ``MAX_QUEUE`` with
``os.Getenv`` and hands the *strings* on, unchecked. Here
:meth:`Settings.from_env` parses each variable strictly (ASCII digits only), so
``"8"`` works and ``"eight"``, ``"0"``, ``"-3"``, ``""`` or ``"1e3"`` stop the
server before it binds, with a :class:`SettingsError` that names the variable
and the value it got. An unset variable takes the documented default.

Besides the pool's size, :class:`Settings` holds what protects the server
from its clients (a connection limit, read and keep-alive timeouts) and what
an acknowledgement promises (``ack``: ``"queued"`` or ``"durable"``).

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

_DIGITS: Final = re.compile(r"[0-9]+")

DEFAULT_MAX_WORKERS: Final = 64
DEFAULT_MAX_QUEUE: Final = 1000

Ack = Literal["queued", "durable"]
ACKS: tuple[Ack, ...] = ("queued", "durable")


class SettingsError(ValueError):
    """A setting is missing its shape; the message names the setting and the value."""


@dataclass(frozen=True)
class Settings:
    """What the payload service is allowed to hold at once, and for how long.

    * ``max_workers`` upload tasks run at most; ``max_queue`` admitted payloads
      wait at most; a body may be ``max_body`` bytes (the Go notes'
      ``MaxLength``) and carry ``max_payloads`` payloads.
    * ``max_connections`` connections are served at once; further clients
      wait in the listen backlog until one closes.
    * ``read_timeout`` seconds: the longest a request's body may take to
      arrive (then 408) and the longest silence on a connection.
      ``keep_alive_timeout`` seconds: how long a connection may sit between
      requests, or trickle its request headers, before it is closed.
    * ``ack``: ``"queued"`` answers 202 once the payloads are in the queue
      (the article's design: fast; a crash loses the queue); ``"durable"``
      answers 201 once every payload is written and ``fsync``-ed (slower; a
      ``kill -9`` loses nothing acknowledged).
    * ``retries`` more attempts for a failed write, waiting
      ``retry_backoff`` seconds, doubled each time; ``drain_timeout`` seconds
      for storing what is queued when the server stops.
    """

    max_workers: int = DEFAULT_MAX_WORKERS
    max_queue: int = DEFAULT_MAX_QUEUE
    max_body: int = 1 << 20
    max_payloads: int = 100
    max_connections: int = 512
    read_timeout: float = 10.0
    keep_alive_timeout: float = 5.0
    ack: Ack = "queued"
    retries: int = 4
    retry_backoff: float = 0.01
    drain_timeout: float = 30.0

    def __post_init__(self) -> None:
        for name, value, least, ceiling in (
            ("max_workers", self.max_workers, 1, 100_000),
            ("max_queue", self.max_queue, 1, 10_000_000),
            ("max_body", self.max_body, 1, 1 << 30),
            ("max_payloads", self.max_payloads, 1, 1_000_000),
            ("max_connections", self.max_connections, 1, 1_000_000),
            ("retries", self.retries, 0, 100),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= ceiling:
                raise SettingsError(f"{name} must be an integer from {least} to {ceiling}, got {value!r}")
        for name, seconds in (
            ("read_timeout", self.read_timeout),
            ("keep_alive_timeout", self.keep_alive_timeout),
            ("retry_backoff", self.retry_backoff),
            ("drain_timeout", self.drain_timeout),
        ):
            check_seconds(name, seconds)
        if self.ack not in ACKS:
            raise SettingsError(f"ack must be one of {', '.join(ACKS)}, got {self.ack!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read ``MAX_WORKERS`` and ``MAX_QUEUE`` from ``environ`` (default: ``os.environ``).

        Raises :class:`SettingsError` naming the variable when a value is not a
        positive integer or is too large. ``overrides`` set the other fields.
        """
        env = os.environ if environ is None else environ
        workers = _positive_int(env, "MAX_WORKERS", DEFAULT_MAX_WORKERS, 100_000)
        queue = _positive_int(env, "MAX_QUEUE", DEFAULT_MAX_QUEUE, 10_000_000)
        return cls(max_workers=workers, max_queue=queue, **overrides)  # type: ignore[arg-type]  # checked above


def check_seconds(name: str, seconds: object) -> float:
    """``seconds`` as a float if it is a finite number >= 0, else :class:`SettingsError` naming ``name``."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise SettingsError(f"{name} must be a number of seconds, got {seconds!r}")
    if not math.isfinite(seconds) or seconds < 0:
        raise SettingsError(f"{name} must be a finite number of seconds >= 0, got {seconds!r}")
    return float(seconds)


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
