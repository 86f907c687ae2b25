"""``python -m tests.reliability.pty_app``: the dashboard on the hostile fake, in a real terminal.

Used by ``test_terminal_output.py``, which runs it in a pseudo-terminal and reads every byte it
writes. The data is :mod:`tests.reliability.hostile_world` (frozen, seeded, manual clock), so
the first screen is the same every time.
"""

from __future__ import annotations

import sys

from tests.reliability.hostile_world import hostile_rig


def main() -> int:
    rig, _planted = hostile_rig()
    rig.app.run()
    return rig.app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
