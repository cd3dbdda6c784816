"""A d-ary min-heap on a plain list, with :mod:`heapq`'s function names and an ``arity`` argument.

Mental model: the list is a tree stored level by level. The children of slot
``i`` are the ``arity`` slots starting at ``arity * i + 1``; its parent is
``(i - 1) // arity``. Every parent is ``<=`` each of its children, and nothing
orders siblings among themselves, which is what makes insertion and removal
cheap. A wider tree (Go's runtime uses ``arity=4``) is shallower: a pop walks
``log_4 n`` levels instead of ``log_2 n``, and picks the least of four
children at each level with one C-level ``min`` call.

``heap_pop`` uses Floyd's trick, as :func:`heapq.heappop` does: the hole left
at the root walks down to a leaf along the smallest children, and the former
last item is then sifted up from there. One code path serves every arity, so
the chapter can compare arities on equal terms.

Items must be mutually comparable; :class:`~support.timer_heap.TimerHeap` stores
unique ``int`` keys. Taught in the chapter ``timer_heap``.
"""

from __future__ import annotations

from support._validate import check_int

__all__ = ["check_arity", "heap_pop", "heap_push", "heap_replace", "heapify", "is_heap"]


def check_arity(arity: object) -> int:
    """Return ``arity`` if it is a usable branching factor (an ``int`` >= 2, such as 2, 4 or 8), else raise."""
    return check_int(arity, "arity", minimum=2)


def _sift_up(heap: list[int], start: int, pos: int, arity: int) -> None:
    """Move ``heap[pos]`` up towards ``start`` until its parent is not larger."""
    item = heap[pos]
    while pos > start:
        parent = (pos - 1) // arity
        above = heap[parent]
        if item < above:
            heap[pos] = above
            pos = parent
        else:
            break
    heap[pos] = item


def _sift_down(heap: list[int], pos: int, arity: int) -> None:
    """Restore the heap below ``pos`` (Floyd: walk the hole to a leaf, then sift the item back up)."""
    n = len(heap)
    item = heap[pos]
    start = pos
    child = arity * pos + 1
    while child < n:
        least = min(heap[child : child + arity])
        pos = heap.index(least, child)
        heap[(pos - 1) // arity] = least
        child = arity * pos + 1
    heap[pos] = item
    _sift_up(heap, start, pos, arity)


def heap_push(heap: list[int], item: int, arity: int) -> None:
    """Add ``item`` to ``heap``, keeping the heap order (like :func:`heapq.heappush`)."""
    heap.append(item)
    pos = len(heap) - 1
    while pos:
        parent = (pos - 1) // arity
        above = heap[parent]
        if item < above:
            heap[pos] = above
            pos = parent
        else:
            break
    heap[pos] = item


def heap_pop(heap: list[int], arity: int) -> int:
    """Remove and return the least item (like :func:`heapq.heappop`); ``IndexError`` if empty."""
    last = heap.pop()
    if not heap:
        return last
    top = heap[0]
    n = len(heap)
    pos = 0
    child = 1
    while child < n:
        least = min(heap[child : child + arity])
        below = heap.index(least, child)
        heap[pos] = least
        pos = below
        child = arity * pos + 1
    while pos:
        parent = (pos - 1) // arity
        above = heap[parent]
        if last < above:
            heap[pos] = above
            pos = parent
        else:
            break
    heap[pos] = last
    return top


def heap_replace(heap: list[int], item: int, arity: int) -> int:
    """Pop the least item and push ``item`` in one step (like :func:`heapq.heapreplace`)."""
    top = heap[0]
    heap[0] = item
    _sift_down(heap, 0, arity)
    return top


def heapify(heap: list[int], arity: int) -> None:
    """Turn ``heap`` into a heap in place, in linear time (like :func:`heapq.heapify`)."""
    for pos in reversed(range((len(heap) - 2) // arity + 1)):
        _sift_down(heap, pos, arity)


def is_heap(heap: list[int], arity: int) -> bool:
    """Whether every parent is ``<=`` each of its children."""
    return all(heap[(i - 1) // arity] <= heap[i] for i in range(1, len(heap)))
