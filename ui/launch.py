"""The ``curator`` command: the core command line, plus the GUI commands.

Lives in ``ui`` because opening a window needs Qt, which the core never imports;
Qt itself is imported only when a window is actually opened.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from curator import cli
from curator.errors import CuratorError


def run_gui(project: str | None) -> int:
    try:
        from ui.app import run
    except ImportError as exc:
        raise CuratorError(f"the GUI needs PySide6 ({exc}); install it with: pip install 'curator[gui]'") from exc
    return run(project)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``curator`` command (the process ends when it returns)."""
    return cli.process_main(argv, gui=run_gui)


if __name__ == "__main__":
    sys.exit(main())
