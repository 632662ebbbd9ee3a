"""Work done in a process of its own while the caller goes on: a stage's slow output
(a large workbook) written on a second core beside the stage's other work."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def beside(work: Callable[[], None], jobs: int) -> Iterator[None]:
    """Run ``work`` in a forked process while the ``with`` block runs, and wait for it when
    the block ends; its failure is raised then, its traceback on standard error. With
    ``jobs`` 1 (or one core free to this process, 0 meaning all of them) it runs here,
    before the block."""
    if (jobs or len(os.sched_getaffinity(0))) < 2 or not hasattr(os, "fork"):
        work()
        yield
        return
    sys.stdout.flush()
    sys.stderr.flush()
    child = os.fork()
    if child == 0:  # the child: the work, then out without running the caller's cleanup
        code = 0
        try:
            work()
        except BaseException:  # said on standard error, and by the exit code
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    try:
        yield
    finally:
        _, status = os.waitpid(child, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("the work done beside this stage failed: its error is above")
