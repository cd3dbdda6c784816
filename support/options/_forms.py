"""Five ways to give a constructor options, from Go's functional options to what Python writes instead.

Mental model: Go has no keyword arguments and no default values, so Go code
simulates them. ``NewServer(addr, opts ...func(*http.Server))`` sets the
defaults, then lets each option function overwrite a field (form 1). The v2
form makes each option a *value* of a type with an ``apply(*options)`` method
(and, if it likes, ``String()``), so options can be stored, compared and
described (form 2). Python has the language features Go simulates:

3. keyword-only arguments with defaults (``*, read_timeout=3.0``): the
   signature is the documentation, and mypy checks names and types;
4. a frozen dataclass: options as one validated value, derived with
   :func:`dataclasses.replace`, described by its ``repr``;
5. ``**options: Unpack[TypedDict]``: forward keyword options through a layer
   without repeating them, still checked by mypy.

Every form here configures the same three settings as the notes' server
(address, read timeout, handler) and validates them when the options are
built, so a bad value fails with its name before any server starts.
Taught in the chapter ``options``.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypedDict, Unpack

__all__ = [
    "DEFAULT_READ_TIMEOUT",
    "Connection",
    "Handler",
    "Option",
    "OptionError",
    "ServerConfig",
    "ServerOptions",
    "ServerOptionsDict",
    "configure_server",
    "forward_server_options",
    "new_server",
    "open_connection",
    "with_cache",
    "with_logger",
    "with_read_timeout",
]

DEFAULT_READ_TIMEOUT = 3.0
Handler = Callable[[str], int]  # path -> status code: a stand-in for an http.Handler


class OptionError(ValueError):
    """An option got a value it cannot take; the message names the option and the value."""


def _check_timeout(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise OptionError(f"{name} must be a positive, finite number of seconds, got {value!r}")
    return float(value)


def _not_found(path: str) -> int:
    return 404


# Form 1, literally: a mutable config and option functions that overwrite its fields.
@dataclass
class ServerConfig:
    """What ``new_server`` builds: Go's ``*http.Server`` reduced to three fields."""

    addr: str
    read_timeout: float = DEFAULT_READ_TIMEOUT
    handler: Handler = _not_found


def new_server(addr: str, *options: Callable[[ServerConfig], None]) -> ServerConfig:
    """Defaults first, then each option function applied in order (Go's ``NewServer``)."""
    server = ServerConfig(addr)
    for option in options:
        option(server)
    _check_timeout("read_timeout", server.read_timeout)
    return server


# Form 2, literally: options as values with apply() and a description (Go's Stringer is __str__).
@dataclass
class _Options:
    cache: bool = False
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("support.options.nop"))
    read_timeout: float = DEFAULT_READ_TIMEOUT


class Option(Protocol):
    """An option value: it knows how to apply itself, and how to describe itself."""

    def apply(self, opts: _Options) -> None: ...

    def __str__(self) -> str: ...


@dataclass(frozen=True)
class _CacheOption:
    cache: bool

    def apply(self, opts: _Options) -> None:
        opts.cache = self.cache

    def __str__(self) -> str:
        return f"cache {'on' if self.cache else 'off'}"


@dataclass(frozen=True)
class _LoggerOption:
    logger: logging.Logger

    def apply(self, opts: _Options) -> None:
        opts.logger = self.logger

    def __str__(self) -> str:
        return f"log to {self.logger.name!r}"


@dataclass(frozen=True)
class _ReadTimeoutOption:
    seconds: float

    def __post_init__(self) -> None:
        _check_timeout("read_timeout", self.seconds)

    def apply(self, opts: _Options) -> None:
        opts.read_timeout = self.seconds

    def __str__(self) -> str:
        return f"read timeout {self.seconds:g} s"


def with_cache(cache: bool) -> Option:
    if not isinstance(cache, bool):
        raise OptionError(f"cache must be True or False, got {cache!r}")
    return _CacheOption(cache)


def with_logger(logger: logging.Logger) -> Option:
    if not isinstance(logger, logging.Logger):
        raise OptionError(f"logger must be a logging.Logger, got {logger!r}")
    return _LoggerOption(logger)


def with_read_timeout(seconds: float) -> Option:
    return _ReadTimeoutOption(seconds)


@dataclass(frozen=True)
class Connection:
    """What ``open_connection`` returns: the address and the options in force."""

    addr: str
    cache: bool
    logger_name: str
    read_timeout: float


def open_connection(addr: str, *opts: Option) -> Connection:
    """Defaults, then each option's ``apply`` (Go's ``Open`` in the v2 form)."""
    options = _Options()
    for opt in opts:
        opt.apply(options)
    return Connection(addr, options.cache, options.logger.name, options.read_timeout)


# Form 3: keyword-only arguments with defaults.
def configure_server(addr: str, *, read_timeout: float = DEFAULT_READ_TIMEOUT,
                     handler: Handler | None = None) -> ServerConfig:
    """The Python answer to form 1: the signature lists every option and its default (no handler: 404s)."""
    return ServerConfig(addr, _check_timeout("read_timeout", read_timeout), handler or _not_found)


# Form 4: one frozen, validated value.
@dataclass(frozen=True)
class ServerOptions:
    """Every option as one immutable value; ``dataclasses.replace`` derives a variant, validated again."""

    read_timeout: float = DEFAULT_READ_TIMEOUT
    cache: bool = False
    max_connections: int = 1000

    def __post_init__(self) -> None:
        _check_timeout("read_timeout", self.read_timeout)
        if not isinstance(self.cache, bool):
            raise OptionError(f"cache must be True or False, got {self.cache!r}")
        if isinstance(self.max_connections, bool) or not isinstance(self.max_connections, int) \
                or self.max_connections < 1:
            raise OptionError(f"max_connections must be a positive integer, got {self.max_connections!r}")

    def replace(self, **changes: object) -> ServerOptions:
        """A copy with ``changes`` applied; an unknown name is an :class:`OptionError` naming it."""
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            raise OptionError(f"unknown option {unknown[0]!r}; known: "
                              + ", ".join(f.name for f in dataclasses.fields(self)))
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]  # checked above, validated again


# Form 5: keyword options forwarded through a layer, typed once.
class ServerOptionsDict(TypedDict, total=False):
    read_timeout: float
    cache: bool
    max_connections: int


def forward_server_options(addr: str, **options: Unpack[ServerOptionsDict]) -> tuple[str, ServerOptions]:
    """Forward keyword options to :class:`ServerOptions` without listing them again."""
    return addr, ServerOptions(**options)
