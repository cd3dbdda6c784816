"""The public API of ``support``: declared once, and every name resolves where the declaration says."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import support

ROOT = Path(__file__).resolve().parent.parent


def test_all_is_sorted_and_matches_the_declaration() -> None:
    assert support.__all__ == sorted(support.__all__)
    assert set(support.__all__) == set(support._WHERE)
    assert len(support.__all__) > 0


@pytest.mark.parametrize("name", support.__all__)
def test_every_export_resolves_from_its_module(name: str) -> None:
    module = importlib.import_module(support._WHERE[name])
    assert getattr(support, name) is getattr(module, name)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        _ = support.not_a_name  # type: ignore[attr-defined]


# -- every sub-module's public names: re-exported from support, or sub-package-only on purpose ---

#: Names a sub-module lists in ``__all__`` that ``support`` does not re-export, each with the reason.
#: A notebook imports only from ``support``; these serve ``book/``, ``benchmarks/``, the tests, type
#: annotations, or the worker pool's separate processes.
SUBPACKAGE_ONLY: dict[str, dict[str, str]] = {
    "support.golang": {
        "GO_MODULE": "the Go module's directory, for book/golang.py and benchmarks/go_peers.py",
    },
    "support.direct_io": {
        "METHODS": "the benchmark's contenders, for benchmarks/direct_io.py",
        "Method": "a type alias for annotations",
        "Op": "a type alias for annotations",
        "Rule": "a type alias for annotations (AlignmentError.rule)",
    },
    "support.limiting": {
        "Approach": "the record type of APPROACHES",
        "JobKind": "a type alias for annotations",
        "PEERS": "the benchmark's contenders, for benchmarks/limiting.py",
        "check_count": "the package's count validator, checked by the tests",
        "drive": "the benchmark's driver, for benchmarks/limiting.py",
        "go_tasks_per_second": "Go's side of the benchmark, for benchmarks/limiting.py",
    },
    "support.once": {
        "Policy": "a type alias for annotations (AsyncOnce's policy)",
        "go_once_ns_per_call": "Go's side of the benchmark, for benchmarks/once.py",
    },
    "support.options": {
        "DEFAULT_READ_TIMEOUT": "a default, documented on with_read_timeout; read by the tests",
        "Handler": "a type alias for annotations",
        "ServerOptionsDict": "a TypedDict for annotations, imported by the chapter's mypy examples",
    },
    "support.pipelines": {
        "BUFFER": "a default, documented on open_pipeline",
        "CHECKPOINT_EVERY": "a default, documented on open_pipeline and run_stage",
        "ErrorMode": "a type alias for annotations",
    },
    "support.panics": {
        **{n: "a record type of the Go model (frames, calls, outcomes), for annotations and the tests"
           for n in ("Agreement", "Call", "ChildRun", "Defer", "Disagreement", "Frame", "Goexit", "Panic",
                     "Print", "Program", "RaiseCost", "Recover", "Repanic")},
        "MAIN_GOEXIT": "Go's fatal message, checked by the tests",
        "PANIC_NIL": "Go's message for panic(nil), checked by the tests",
        "PanicNilError": "the model's runtime.PanicNilError, raised by the model",
        "RAISE_CONTENDERS": "the contenders of measure_raise_costs, for benchmarks/panics.py",
        "build_programs": "the differential run's Go side, for benchmarks/panics.py",
        "decode_signal_mask": "a /proc/<pid>/status reader, checked by the tests",
        "go_format": "Go's %v formatting in the model, checked by the tests",
        "go_panic_costs": "Go's side of the raise-cost benchmark, for benchmarks/panics.py",
        "render_go_main": "renders a random program as Go, for the differential run",
    },
    "support.scheduling": {
        "Contender": "the record type of LATENESS_CONTENDERS",
        "Missed": "a type alias for annotations",
        "next_tick": "the missed-tick policy as a function, checked by the tests",
        "virtual_events_per_second": "benchmarks/scheduling.py's figure",
    },
    "support.timer_heap": {
        "DEADLINE_PRUNE_MIN": "trio's constant, shown through DeadlineHeapStatistics.prune_above",
        "MAX_WHEN_NS": "Go's maximal deadline, checked by the tests",
        "STATE_COLOURS": "plot_timer_heaps' palette",
        "HeapqTimers": "the trio-style heapq peer of the benchmark, checked by the tests",
        "heap_replace": "a d-ary heap primitive for the tests",
        "heapify": "a d-ary heap primitive for the tests and benchmarks/timer_heap.py",
        "is_heap": "a d-ary heap primitive for the tests",
        "stress_41699": "Go issue 41699's timer stress, for benchmarks/timer_heap.py and the tests",
    },
    "support.worker_pool": {
        name: "a part of the payload service, for its server and load processes, its tests and its benchmark"
        for name in ("ConnectionGuard", "Ticket",
                     "DispatchStatistics", "Dispatcher", "LoadProcess", "LoadReport", "NaiveSpawner", "PayloadApp",
                     "PayloadServer", "Rejected", "ServerProcess", "SingleProcessor", "StoreCheck", "StoreStatistics",
                     "WorkerPool", "parse_payloads")
    },
}


def _public_modules() -> list[str]:
    return sorted(f"support.{m.name}" for m in pkgutil.iter_modules(support.__path__) if not m.name.startswith("_"))


def test_every_module_support_maps_to_is_a_public_sub_module():
    assert set(support._WHERE.values()) <= set(_public_modules())


@pytest.mark.parametrize("module_name", _public_modules())
def test_every_sub_module_name_is_re_exported_or_listed_on_purpose(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert hasattr(module, "__all__"), f"{module_name} declares no __all__"
    names = set(module.__all__)
    exported = {n for n, where in support._WHERE.items() if where == module_name}
    only = set(SUBPACKAGE_ONLY.get(module_name, {}))
    assert exported <= names, f"support maps {sorted(exported - names)} to {module_name}, whose __all__ lacks them"
    missing = names - exported - only
    assert not missing, (f"{module_name} exports {sorted(missing)}: declare them in support/__init__.py's "
                         "TYPE_CHECKING block, or list them in SUBPACKAGE_ONLY with the reason")
    assert not only - names, f"SUBPACKAGE_ONLY lists {sorted(only - names)}, which {module_name} no longer exports"
    assert not only & exported, f"{sorted(only & exported)} are re-exported after all: drop them from SUBPACKAGE_ONLY"
    for name in names:
        assert hasattr(module, name), f"{module_name}.__all__ names {name!r}, which does not resolve"


def test_sub_package_only_lists_only_real_modules():
    assert set(SUBPACKAGE_ONLY) <= set(_public_modules())


# -- what importing one name costs --------------------------------------------------------------


_PROBE = """
import sys
from support import Trace, collect, run, stage
print(" ".join(sorted(sys.modules)))
from support.pipelines import measure_pipelines
print(" ".join(sorted(sys.modules)))
"""


@pytest.fixture(scope="module")
def loaded() -> tuple[set[str], set[str]]:
    """The modules a fresh interpreter has loaded after the runtime and ``collect``, then after the measurement."""
    out = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    first, then = out.stdout.splitlines()
    return set(first.split()), set(then.split())


def test_collect_does_not_import_the_benchmark_peers(loaded: tuple[set[str], set[str]]) -> None:
    first, _ = loaded
    assert "support.pipelines._engine" in first  # the probe sees real imports
    assert not {"anyio", "asyncio"} & first
    assert "support.pipelines._measure" not in first


def test_measure_pipelines_still_loads_on_first_use(loaded: tuple[set[str], set[str]]) -> None:
    _, then = loaded
    assert {"anyio", "asyncio", "support.pipelines._measure"} <= then


def test_the_runtime_does_not_import_matplotlib(loaded: tuple[set[str], set[str]]) -> None:
    first, _ = loaded
    assert "matplotlib" not in first
