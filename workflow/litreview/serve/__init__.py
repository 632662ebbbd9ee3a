"""The local screening app (``litreview serve``): one record at a time, keyboard first,
each reviewer's decisions written to their own sheet before the next record shows; blind
dual screening with a resolution view; progress and PRISMA counts as they stand; and, for a
review with a coding form, the Code page (a coder's row of the form, written to their own
coding sheet) and the resolver's view of the records coded differently.

:mod:`~litreview.serve.desk` holds the review (records, stages, sheets, queues);
:mod:`~litreview.serve.pen` writes a sheet, and :mod:`~litreview.serve.coding_pen` a coding
sheet, both through :mod:`~litreview.serve.sheet_file`; :mod:`~litreview.serve.coding_desk`
holds the coding and :mod:`~litreview.serve.coding_page` answers its pages;
:mod:`~litreview.serve.ranker` retrains the model in another process;
:mod:`~litreview.serve.order` orders a reviewer's records;
:mod:`~litreview.serve.views` escapes and highlights a record; :mod:`~litreview.serve.progress`
counts; :mod:`~litreview.serve.guard` refuses foreign hosts, missing tokens and forged
requests; :mod:`~litreview.serve.app` and :mod:`~litreview.serve.screen_page` answer the
requests; :mod:`~litreview.serve.server` starts it all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litreview.core.lazy import lazy_names

if TYPE_CHECKING:  # loaded on first use: a ranking worker imports this package bare
    from litreview.serve.server import Options, open_desk, serve

__getattr__ = lazy_names(__name__, dict.fromkeys(("Options", "open_desk", "serve"), "server"))

__all__ = ["Options", "open_desk", "serve"]
