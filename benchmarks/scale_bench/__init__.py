"""The parts of ``benchmarks/scale.py``: the templates and pools read from the real
exports, the works and their copies, the export writers, the review directory, the stage
runner and the table.

Importing it puts the checkout's ``workflow`` folder and ``benchmarks`` on ``sys.path``
(``dedupe_bench``'s perturbations are reused).
"""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REALDATA = REPO.parent / "shared" / "realdata"
for _folder in (REPO / "workflow", REPO / "benchmarks"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))
