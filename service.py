"""zonefeed entry point: `python service.py COMMAND` or `.venv/bin/zonefeed COMMAND`.

The command line lives in app/cli.py and is imported when main() runs, not when this module
is: the processes `run` starts (the HTTP front, parse workers) import the parent's main module
again (multiprocessing's spawn and forkserver do), and with the whole service imported here
each carried every module of it: the front 16 MB and a parse worker ~35 MB more than they use
(bench/README.md).
"""

from __future__ import annotations

import sys

from ops.memory import limit_arenas


def main(argv: list[str] | None = None) -> int:
    limit_arenas()  # before any thread starts
    from app.cli import main as run_command  # here, not at the top: see above

    return run_command(argv)


if __name__ == "__main__":
    sys.exit(main())
