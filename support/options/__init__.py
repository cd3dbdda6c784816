"""Options for constructors: Go's functional options beside Python's keyword arguments and dataclasses.

Taught in the chapter ``options``.
"""

from support.options._forms import (
    DEFAULT_READ_TIMEOUT,
    Connection,
    Handler,
    Option,
    OptionError,
    ServerConfig,
    ServerOptions,
    ServerOptionsDict,
    configure_server,
    forward_server_options,
    new_server,
    open_connection,
    with_cache,
    with_logger,
    with_read_timeout,
)
from support.options._mypy import mypy_verdicts

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
    "mypy_verdicts",
    "new_server",
    "open_connection",
    "with_cache",
    "with_logger",
    "with_read_timeout",
]
