"""The command-line interface: parse, make one library call, format. Nothing else.

One module per command group, each a thin layer over the library:

- :mod:`.common`: exit codes, the error mapping, the options every analysis shares, loading
  the panel once per command, writing output;
- :mod:`.datasets`: ``scoring datasets`` (list, build);
- :mod:`.countries`: ``scoring countries`` (who an index covers, in which editions);
- :mod:`.files`: ``scoring validate`` and ``scoring ingest-report`` (one file in);
- :mod:`.compare`: ``scoring compare`` and ``scoring significance`` (two editions);
- :mod:`.history`: ``scoring trend`` and ``scoring episodes`` (every edition);
- :mod:`.figures`: ``scoring figures`` (the publication set, or a saved set redrawn);
- :mod:`.panel`: ``scoring panel`` (the canonical scores as a file for R, Stata, pandas).

Heavy modules (pandas, the readers) are imported inside the commands that use them, so
``scoring --help`` and ``scoring datasets`` start fast.

Exit codes: 0 success; 1 the data failed validation or could not be read as scores;
2 usage error (click's); 3 input/output error (a file that cannot be written); 130 Ctrl-C,
143 SIGTERM (one line on stderr, no traceback, no partial output).

May import every stage: it is the top of the house.
"""

from __future__ import annotations

import click

from .common import EXIT_HELP, MainGroup
from .compare import compare, significance
from .countries import countries
from .datasets import datasets
from .figures import figures
from .files import ingest_report, validate
from .history import episodes_cmd, trend
from .panel import panel

__all__ = ["main"]


@click.group(cls=MainGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=EXIT_HELP)
@click.version_option(package_name="scoring")
def main():
    """Compare Freedom House index scores across editions, on one footing.

    \b
    Examples:
      scoring compare --index fotn --from 2023 --to 2024
      scoring validate my_scores.csv --index fotn --edition 2025
      scoring panel --index fiw --level categories --output fiw.dta
      scoring countries --index fiw --edition 2025
      scoring datasets
    """


for _command in (datasets, countries, validate, ingest_report, compare, significance, trend,
                 figures, episodes_cmd, panel):
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
