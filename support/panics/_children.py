"""Run what would crash the notebook in a child process: a segfault, signals, KeyboardInterrupt under trio.

Mental model: a child is a fresh CPython started from this environment with
the project on its path; it runs one of the small scripts below and the
parent gets back its exit status and what it printed. Nothing here can take
down the caller's process, which is the point: a notebook kernel that reads
address 0 dies.
Taught in the chapter ``panics``.
"""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
from dataclasses import dataclass

from support.golang import GO_MODULE, ROOT, build_go

_SIGNAL_KEYS = ("SigBlk", "SigIgn", "SigCgt")


@dataclass(frozen=True)
class ChildRun:
    """What a child process printed and how it ended (a negative status is the signal that killed it)."""

    status: int
    stdout: str
    stderr: str

    @property
    def ended_by(self) -> str:
        """``exit status N``, or the name of the signal that killed the process."""
        if self.status < 0:
            return f"killed by {signal.Signals(-self.status).name}"
        return f"exit status {self.status}"


def _default_signals() -> None:
    """In the child, before exec: every signal back to its default, so none is inherited ignored.

    Ignored signals survive ``exec``, so a child of a process that ignores,
    say, ``SIGQUIT`` would show it ignored too; a *fresh* CPython should show
    only what CPython itself installs.
    """
    signal.pthread_sigmask(signal.SIG_SETMASK, [])  # the blocked mask is inherited too
    for sig in signal.valid_signals():
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            with contextlib.suppress(OSError, ValueError):  # signals the C library reserves for itself
                signal.signal(sig, signal.SIG_DFL)


def run_python_child(code: str, *, args: tuple[str, ...] = (), timeout: float = 60.0) -> ChildRun:
    """Run ``python -X faulthandler -c code`` from the project root; return its :class:`ChildRun`."""
    if not isinstance(code, str):
        raise TypeError(f"code must be a str, got {type(code).__name__}")
    result = subprocess.run([sys.executable, "-X", "faulthandler", "-c", code, *args], cwd=ROOT, text=True,
                            capture_output=True, timeout=timeout, preexec_fn=_default_signals)
    return ChildRun(result.returncode, result.stdout, result.stderr)


SEGFAULT = "import ctypes\nctypes.string_at(0)  # read one C string at address 0\n"


def faulthandler_summary(stderr: str) -> list[str]:
    """The fatal error line and the function of each frame from ``faulthandler``'s report (no paths)."""
    lines = stderr.splitlines()
    head = [line for line in lines if line.startswith("Fatal Python error")]
    frames = [m[1] for m in (re.search(r'line \d+ in (\S+)$', line) for line in lines) if m]
    return [*head, *(f"  in {name}" for name in frames)]


def decode_signal_mask(mask: str) -> list[str]:
    """The signal names in a ``/proc/<pid>/status`` mask such as ``SigCgt: 0000000000004002``."""
    bits = int(mask, 16)
    names = []
    for number in range(1, 65):
        if bits >> (number - 1) & 1:
            try:
                names.append(signal.Signals(number).name)
            except ValueError:
                names.append(f"SIG{number}")
    return names


def parse_signal_masks(status: str) -> dict[str, list[str]]:
    """``SigBlk``, ``SigIgn``, ``SigCgt`` of a ``/proc/<pid>/status`` text, decoded to signal names."""
    found = dict(re.findall(r"^(Sig\w+):\s+([0-9a-f]+)$", status, re.MULTILINE))
    missing = [k for k in _SIGNAL_KEYS if k not in found]
    if missing:
        raise ValueError(f"no {', '.join(missing)} line in the status text")
    return {k: decode_signal_mask(found[k]) for k in _SIGNAL_KEYS}


def python_signal_masks() -> dict[str, list[str]]:
    """The masks of a fresh CPython child, read by the parent from the kernel while the child waits."""
    child = subprocess.Popen([sys.executable, "-c", "import sys; print('ready', flush=True); sys.stdin.read()"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             preexec_fn=_default_signals)
    try:
        assert child.stdout is not None and child.stdin is not None
        child.stdout.readline()
        with open(f"/proc/{child.pid}/status", encoding="ascii") as f:
            status = f.read()
        child.stdin.close()
    finally:
        child.wait(timeout=30)
    return parse_signal_masks(status)


def go_signal_masks(program: str = "panics/signals") -> dict[str, list[str]]:
    """The masks the book's Go program ``panics/signals`` reads from its own ``/proc/self/status``."""
    binary = build_go(program)
    result = subprocess.run([str(binary)], cwd=GO_MODULE, text=True, capture_output=True, timeout=60,
                            preexec_fn=_default_signals)
    return parse_signal_masks(result.stdout)


KEYBOARD_INTERRUPT = '''
import os, signal, trio

async def spin(seen):
    n = 0
    try:
        while n < 2_000_000:  # pure computation: no checkpoint
            n += 1
            if n == 1_000:  # Ctrl-C, sent to ourselves mid-loop
                os.kill(os.getpid(), signal.SIGINT)
        seen.append("spin: finished its loop")
    except BaseException as exc:
        where = "inside" if n < 2_000_000 else "after"
        seen.append(f"spin: {type(exc).__name__} {where} its loop")
        raise

async def sibling(seen):
    try:
        await trio.sleep_forever()
    except BaseException as exc:
        seen.append(f"sibling: {type(exc).__name__}")
        raise

async def main(seen):
    async with trio.open_nursery() as nursery:
        nursery.start_soon(sibling, seen)
        await trio.sleep(0)
        nursery.start_soon(spin, seen)

for mode in ("default", "restrict"):
    seen = []
    kw = {"restrict_keyboard_interrupt_to_checkpoints": mode == "restrict"}
    try:
        trio.run(main, seen, **kw)
    except BaseException as exc:
        inner = [type(e).__name__ for e in getattr(exc, "exceptions", [])]
        seen.append(f"trio.run raised {type(exc).__name__} {inner}")
    print(f"{mode}:", "\\n    ".join(sorted(seen)))
'''

SIGNAL_STREAM = '''
import os, signal, trio

async def main():
    with trio.open_signal_receiver(signal.SIGUSR1, signal.SIGHUP) as signals:
        with trio.fail_after(10):
            for sig in (signal.SIGUSR1, signal.SIGHUP, signal.SIGUSR1):
                os.kill(os.getpid(), sig)
                print("received", signal.Signals(await signals.__anext__()).name)
            for sig in (signal.SIGUSR1, signal.SIGUSR1, signal.SIGHUP):
                os.kill(os.getpid(), sig)  # three sent before reading...
            got = [signal.Signals(await signals.__anext__()).name for _ in range(2)]
            print("sent USR1, USR1, HUP unread; received", got)
    print("after the block, SIGUSR1 is back to SIG_DFL:",
          signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL)

trio.run(main)
'''
