"""support.options: five forms of constructor options, each validated when the options are built."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, strategies as st

from support.options import (
    DEFAULT_READ_TIMEOUT,
    OptionError,
    ServerConfig,
    ServerOptions,
    configure_server,
    forward_server_options,
    mypy_verdicts,
    new_server,
    open_connection,
    with_cache,
    with_logger,
    with_read_timeout,
)

timeouts = st.floats(min_value=0.001, max_value=1e6, allow_nan=False)
option_values = st.one_of(
    st.tuples(st.just("cache"), st.booleans()),
    st.tuples(st.just("read_timeout"), timeouts),
    st.tuples(st.just("logger"), st.sampled_from(["a", "b", "c"])),
)


def _option(name, value):
    if name == "cache":
        return with_cache(value)
    if name == "read_timeout":
        return with_read_timeout(value)
    return with_logger(logging.getLogger(value))


@given(st.lists(option_values, max_size=8))
def test_options_apply_as_defaults_then_the_last_value_for_each_field(values):
    conn = open_connection("db", *(_option(n, v) for n, v in values))
    last = dict(values)
    assert conn.cache == last.get("cache", False)
    assert conn.read_timeout == last.get("read_timeout", DEFAULT_READ_TIMEOUT)
    assert conn.logger_name == last.get("logger", "support.options.nop")


@given(st.lists(st.tuples(st.sampled_from(["read_timeout", "cache", "max_connections"]),
                          st.integers(1, 10_000)), max_size=8))
def test_replace_is_defaults_then_the_last_value_for_each_field(changes):
    opts = ServerOptions()
    for name, value in changes:
        opts = opts.replace(**{name: bool(value % 2) if name == "cache" else value})
    last = {n: (bool(v % 2) if n == "cache" else v) for n, v in changes}
    assert opts == ServerOptions(**last)


@given(st.builds(ServerOptions, read_timeout=timeouts, cache=st.booleans(), max_connections=st.integers(1, 10**6)))
def test_the_dataclass_repr_round_trips(opts):
    assert eval(repr(opts), {"ServerOptions": ServerOptions}) == opts


@given(st.lists(option_values, max_size=4))
def test_option_descriptions_name_their_value(values):
    for name, value in values:
        text = str(_option(name, value))
        assert {"cache": "cache", "read_timeout": "read timeout", "logger": "log to"}[name] in text


def test_function_options_overwrite_defaults_in_order():
    def five(s: ServerConfig) -> None:
        s.read_timeout = 5.0

    def seven(s: ServerConfig) -> None:
        s.read_timeout = 7.0

    assert new_server(":8080").read_timeout == DEFAULT_READ_TIMEOUT
    assert new_server(":8080", five, seven).read_timeout == 7.0
    assert new_server(":8080", seven, five).read_timeout == 5.0


@pytest.mark.parametrize(("build", "message"), [
    (lambda: with_read_timeout(0), "read_timeout must be a positive, finite number of seconds, got 0"),
    (lambda: with_read_timeout(float("nan")), "got nan"),
    (lambda: with_cache("yes"), "cache must be True or False, got 'yes'"),
    (lambda: with_logger("root"), "logger must be a logging.Logger, got 'root'"),
    (lambda: configure_server(":80", read_timeout=-1), "read_timeout must be a positive"),
    (lambda: ServerOptions(max_connections=0), "max_connections must be a positive integer, got 0"),
    (lambda: ServerOptions(cache=1), "cache must be True or False, got 1"),
    (lambda: ServerOptions().replace(read_timout=5), "unknown option 'read_timout'; known: read_timeout"),
    (lambda: ServerOptions().replace(read_timeout=True), "got True"),
    (lambda: forward_server_options(":80", max_connections=-5), "max_connections must be a positive integer, got -5"),
    (lambda: new_server(":80", lambda s: setattr(s, "read_timeout", 0)), "read_timeout must be a positive"),
])
def test_bad_options_fail_when_built_naming_option_and_value(build, message):
    with pytest.raises(OptionError, match=message.replace("(", r"\(")):
        build()


def test_mypy_catches_a_misspelt_option_and_a_wrong_type():
    verdicts = mypy_verdicts({
        "typo": "from support.options import configure_server\nconfigure_server('x', read_timout=5)\n",
        "wrong": "from support.options import forward_server_options\nforward_server_options('x', cache='yes')\n",
        "fine": "from support.options import ServerOptions\nServerOptions(read_timeout=2)\n",
    })
    assert "Unexpected keyword argument \"read_timout\" for" in verdicts
    assert "wrong.py:2: error [arg-type]" in verdicts
    assert "typo.py:2: error [call-arg]" in verdicts
    assert '"cache" to "forward_server_options" has' in verdicts
    assert "fine.py: ok" in verdicts
