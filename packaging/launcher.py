"""Entry point of the PyInstaller bundle: one program, two commands.

The bundle folder holds two executables built from this script, ``archive-browser`` (the
app) and ``archive-search`` (the command line); each runs the command it is named after.
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path


def main() -> int:
    # First thing: in a frozen app, the indexer's "spawn" worker processes start this
    # same executable, and freeze_support() turns them into workers instead of new apps.
    multiprocessing.freeze_support()
    name = Path(sys.executable).stem.lower()
    if name == "archive-search":
        from search.cli import main as run  # noqa: PLC0415 (the CLI never loads Qt)
    else:
        from gui.app import main as run  # noqa: PLC0415
    return run()


if __name__ == "__main__":
    sys.exit(main())
