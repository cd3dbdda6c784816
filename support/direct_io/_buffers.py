"""Aligned buffers in Python: an anonymous ``mmap`` (page-aligned), or Go's over-allocate-and-slice trick.

Mental model: ``O_DIRECT`` moves data by DMA straight between the device and
your buffer, so the buffer's *address* must be aligned too. ``bytearray``
promises nothing about its address (the allocator decides, as ``make`` does
in Go). Two ways to get an aligned buffer without copying: ask the kernel for
fresh pages (``mmap.mmap(-1, n)`` starts on a page boundary), or allocate
``align`` bytes more than needed and take a ``memoryview`` slice that starts
at the first aligned address inside it, which is what the notes' Go
``AlignedBlock`` does with a ``[]byte``. Both return a writable
``memoryview`` that ``os.preadv``/``os.pwrite`` accept as is.
Taught in the chapter ``direct_io``.
"""

from __future__ import annotations

import ctypes
import mmap
from typing import Literal

__all__ = ["address_of", "aligned_block"]


def _check_power_of_two(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1 or value & (value - 1):
        raise ValueError(f"{name} must be a power of two, got {value}")
    return value


def address_of(buffer: bytearray | memoryview | mmap.mmap) -> int:
    """The address of a writable buffer's first byte (what the kernel checks against the memory alignment)."""
    view = memoryview(buffer)
    if view.readonly:
        raise TypeError("address_of needs a writable buffer (bytes objects cannot be read into)")
    if view.nbytes == 0:
        raise ValueError("an empty buffer has no first byte")
    anchor = ctypes.c_char.from_buffer(view)
    try:
        return ctypes.addressof(anchor)
    finally:
        del anchor


def aligned_block(size: int, align: int = 4096, *, how: Literal["mmap", "slice"] = "mmap") -> memoryview:
    """A writable, zeroed ``memoryview`` of ``size`` bytes whose address is a multiple of ``align``.

    ``how="mmap"`` maps anonymous pages (page-aligned; ``align`` may be at most
    the page size). ``how="slice"`` is Go's trick: a ``bytearray`` of
    ``size + align`` bytes, sliced at the first aligned address. Either way the
    alignment is checked before returning, as ``AlignedBlock`` does.
    """
    if isinstance(size, bool) or not isinstance(size, int):
        raise TypeError(f"size must be an int, got {type(size).__name__}")
    if size < 1:
        raise ValueError(f"size must be at least 1 byte, got {size}")
    _check_power_of_two("align", align)
    if how == "mmap":
        if align > mmap.PAGESIZE:
            raise ValueError(f"an mmap is aligned to the page size ({mmap.PAGESIZE}), not {align}: use how='slice'")
        block = memoryview(mmap.mmap(-1, size))
    elif how == "slice":
        spare = memoryview(bytearray(size + align))
        skip = -address_of(spare) % align
        block = spare[skip : skip + size]
    else:
        raise ValueError(f"how must be 'mmap' or 'slice', got {how!r}")
    if address_of(block) % align:  # the check AlignedBlock ends with
        raise RuntimeError(f"failed to align a block of {size} bytes to {align}")
    return block
