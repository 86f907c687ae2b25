"""``python -m datto_tui.fakeapi``: the same as ``datto-tui fake-api``."""

from datto_tui.fakeapi.serve import main

raise SystemExit(main())
