"""The chain language: :class:`Stage`, :func:`stage`, :class:`Pipeline` and ``.then``, checked once.

Mental model: a stage is a description, not a running thing: a transform, how
many tasks may run it, and the name its tasks get. ``.then`` joins stages
into a :class:`Pipeline` whose type runs from the first stage's input to the
last one's output. Nothing here starts a task; :mod:`support.pipelines._engine`
runs a stage and :mod:`support.pipelines._pipeline` runs a whole chain.

Taught in the chapter ``pipelines``.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from support._validate import check_bool, check_int

__all__ = ["Pipeline", "Stage", "stage"]

In = TypeVar("In")
Out = TypeVar("Out")
New = TypeVar("New")


@dataclass(frozen=True)
class Stage(Generic[In, Out]):
    """A transform ``fn`` from ``In`` to ``Out``, run by up to ``workers`` tasks at once.

    Build one with :func:`stage`, which also derives ``name`` and ``is_async``. ``per_item``
    picks how the bound is kept: ``False`` starts ``workers`` long-lived tasks
    that share the input (Go's fan-out); ``True`` starts one task per item and
    holds at most ``workers`` of them at once with a :class:`trio.Semaphore`
    (Go's ``semaphore.Weighted`` pattern). Every field is checked here, the one
    place, whether the stage comes from :func:`stage` or is built directly.
    Taught in the chapter ``pipelines``.
    """

    fn: Callable[[In], Any]
    workers: int
    per_item: bool
    name: str
    is_async: bool

    def __post_init__(self) -> None:
        if not callable(self.fn):
            raise TypeError(f"a stage needs a callable transform, got {type(self.fn).__name__} {self.fn!r}")
        check_int(self.workers, "workers", minimum=1)
        check_bool(self.per_item, "per_item")
        check_bool(self.is_async, "is_async")
        # Task names become timeline rows: support.Trace hides names starting with '<' and splits on '.'.
        if not isinstance(self.name, str) or not self.name or self.name.startswith("<") or "." in self.name:
            raise ValueError(f"a stage name must be a non-empty string without '<' or '.', got {self.name!r}")

    def then(self, nxt: Stage[Out, New]) -> Pipeline[In, New]:
        """This stage followed by ``nxt``: ``stage(str.lower).then(stage(len))`` is a ``Pipeline[str, int]``."""
        return Pipeline[In, Out]((self,)).then(nxt)


@dataclass(frozen=True)
class Pipeline(Generic[In, Out]):
    """Stages in order, typed end to end: a ``Pipeline[str, int]`` takes ``str`` items and yields ``int``.

    Build one with :meth:`Stage.then`; run it with :func:`open_pipeline` or
    :func:`collect`. Taught in the chapter ``pipelines``.
    """

    stages: tuple[Stage[Any, Any], ...]

    def then(self, nxt: Stage[Out, New]) -> Pipeline[In, New]:
        """The same stages followed by ``nxt``."""
        if not isinstance(nxt, Stage):
            raise TypeError(f"then() needs a Stage (build one with stage()), got {type(nxt).__name__}")
        return Pipeline((*self.stages, nxt))


@overload
def stage(fn: Callable[[In], Awaitable[Out]], *, workers: int = 1, per_item: bool = False,
          name: str | None = None) -> Stage[In, Out]: ...
@overload
def stage(fn: Callable[[In], Out], *, workers: int = 1, per_item: bool = False,
          name: str | None = None) -> Stage[In, Out]: ...
def stage(fn: Callable[[In], Any], *, workers: int = 1, per_item: bool = False,
          name: str | None = None) -> Stage[In, Any]:
    """Describe one stage: apply ``fn`` (sync or ``async``) to every item with up to ``workers`` tasks.

    >>> lower = stage(str.lower, workers=4)   # Stage[str, str]

    The name defaults to ``fn``'s, made fit for a task name (``<lambda>``
    becomes ``lambda``, dots become ``_``). Raises ``TypeError`` when ``fn`` is
    not callable or ``workers`` is not an int, and ``ValueError`` when
    ``workers`` is below 1 or the name is empty. Taught in the chapter ``pipelines``.
    """
    if name is None:
        name = getattr(fn, "__name__", None) or type(fn).__name__
    if isinstance(name, str):
        name = name.strip("<>").replace(".", "_")
    return Stage(fn, workers, per_item, name, inspect.iscoroutinefunction(fn))
