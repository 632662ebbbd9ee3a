"""The parts of ``benchmarks/dedupe.py``: the labelled sets, counting, running the rules
and bib-dedupe, the scale set, garbled exports, leave-one-out tuning and the error listing.

Importing it puts the checkout's ``workflow`` folder on ``sys.path``.
"""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "workflow") not in sys.path:
    sys.path.insert(0, str(REPO / "workflow"))
