"""``python -m scoring`` and the ``scoring`` console script: the CLI, with Ctrl-C and SIGTERM
answered from the first line.

The console script starts here rather than at :func:`scoring.cli.main` because a Ctrl-C
while the CLI's modules are still being imported happens before click runs, and would print
a traceback. Once ``main`` runs, it handles interrupts itself (one line on stderr, exit 130).
SIGTERM is turned into :class:`scoring.errors.Terminated` (a ``KeyboardInterrupt``) in this
process only, never on ``import scoring``, so that it unwinds the same way: temporary files
are removed, no partial output is left, exit 143.
"""

from __future__ import annotations

import signal
import sys

from .errors import Terminated, stop_reason


def _terminate(signum, frame):
    raise Terminated()


def run(args=None) -> None:
    """Run the CLI as the console script does."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        from .cli import main
    except KeyboardInterrupt as exc:
        code, word = stop_reason(exc)
        sys.stderr.write(f"scoring: {word}\n")
        sys.exit(code)
    main(args=args)


if __name__ == "__main__":
    run()
