"""``python -m datto_tui``: the same as the ``datto-tui`` command."""

from datto_tui.cli import main

raise SystemExit(main())
