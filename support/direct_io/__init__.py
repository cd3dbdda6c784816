"""Aligned direct I/O: ``O_DIRECT`` files, aligned buffers, the page cache seen per file, and a trio API.

Taught in the chapter ``direct_io``.
"""

from support.direct_io._buffers import address_of, aligned_block
from support.direct_io._file import AlignmentError, DirectFile, DirectFileStatistics, Rule, open_direct
from support.direct_io._kernel import Alignment, PageCache, dio_alignment, page_cache
from support.direct_io._measure import METHODS, Method, Op, plot_throughput, prepare_file, time_pass
from support.direct_io._probe import (
    DirectIOSupport,
    DirectIOUnsupported,
    file_system_type,
    probe_direct_io,
    require_chapter_kernel,
    scratch_directory,
)
from support.direct_io._trio import AsyncDirectFile, open_direct_async, read_file, write_file

__all__ = [
    "METHODS",
    "Alignment",
    "AlignmentError",
    "AsyncDirectFile",
    "DirectFile",
    "DirectFileStatistics",
    "DirectIOSupport",
    "DirectIOUnsupported",
    "Method",
    "Op",
    "PageCache",
    "Rule",
    "address_of",
    "aligned_block",
    "dio_alignment",
    "file_system_type",
    "open_direct",
    "open_direct_async",
    "page_cache",
    "plot_throughput",
    "prepare_file",
    "probe_direct_io",
    "read_file",
    "require_chapter_kernel",
    "scratch_directory",
    "time_pass",
    "write_file",
]
