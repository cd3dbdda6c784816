"""A traceback without the machine in it: frames by function name, exception groups as a tree.

Mental model: ``traceback.format_exception`` names files by absolute path,
which differs from machine to machine; the chapter prints this summary
instead, keeping what a reader looks for: which functions the exception
went through, innermost last, its type and message, the sub-exceptions of
a group (boxed as Python prints them) and the exception it happened during.
Taught in the chapter ``panics``.
"""

from __future__ import annotations

import traceback


def exception_summary(exc: BaseException, indent: str = "") -> list[str]:
    """The lines of ``exc``'s traceback, most recent call last, with function names instead of paths."""
    if not isinstance(exc, BaseException):
        raise TypeError(f"exception_summary needs an exception, got {type(exc).__name__}")
    lines: list[str] = []
    context = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    if context is not None:
        lines += exception_summary(context, indent)
        joint = ("The above exception was the direct cause of the following exception:" if exc.__cause__
                 else "During handling of the above exception, another exception occurred:")
        lines.append(f"{indent}{joint}")
    lines += [f"{indent}  in {frame.name}" for frame in traceback.extract_tb(exc.__traceback__)]
    lines.append(f"{indent}{type(exc).__name__}: {exc}")
    if isinstance(exc, BaseExceptionGroup):
        for i, sub in enumerate(exc.exceptions, 1):
            lines.append(f"{indent}+---------------- {i} ----------------")
            lines += exception_summary(sub, indent + "| ")
    return lines
