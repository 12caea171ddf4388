"""``python -m gui``: the same as the ``archive-browser`` command."""

from gui.app import main

raise SystemExit(main())
