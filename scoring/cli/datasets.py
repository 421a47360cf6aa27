"""`scoring datasets`: the bundled tables and their raw sources, and rebuilding them.

May import: errors, datasets, cli.progress.
"""

from __future__ import annotations

import click

from .common import EXIT_HELP, fail_from
from .progress import terminal_progress


@click.group(invoke_without_command=True, epilog=EXIT_HELP)
@click.pass_context
def datasets(ctx):
    """List the bundled datasets and their raw sources, with provenance.

    \b
    Examples:
      scoring datasets
      scoring datasets build
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_cmd)


@datasets.command("list", epilog=EXIT_HELP)
def list_cmd():
    """List the tidy tables and every raw source (repository, commit, sha256).

    \b
    Example:
      scoring datasets list
    """
    from ..errors import ScoringError
    from ..datasets.registry import datasets_dir, list_datasets, load_sources

    try:
        root = datasets_dir()
        entries, sources = list_datasets(root), load_sources(root)
    except ScoringError as exc:
        raise fail_from(exc) from None
    click.echo(f"Datasets in {root}:")
    for e in entries:
        click.echo(f"\n  {e['name']}  ({e['index']}, editions {e['editions']})  -> {e['file']}")
        click.echo(f"    {e['description']}")
        click.echo(f"    cite: {e['citation']}")
        click.echo("    sources:")
        for s in sources:
            if s["index"] == e["index"]:
                click.echo(f"      {s['file']}  [{s['editions']}]  ({s['kind']})"
                           + ("  (checksum checked; not merged into the table)"
                              if s.get("read", True) is False else ""))
                click.echo(f"        {s['content']}")
                click.echo(f"        scale: {s['scale']}")
                origin = s["repository"] + (f" @ {s['commit']}" if s.get("commit") else "")
                click.echo(f"        from: {origin} : {s['path']}")
                click.echo(f"        sha256: {s['sha256']}")


@datasets.command("build", epilog=EXIT_HELP)
@click.option("--out", type=click.Path(file_okay=False),
              help="Write into this folder instead of the datasets folder (required when "
                   "the datasets are the copy inside an installed package).")
def build_cmd(out):
    """Check the raw sources' sha256 and rebuild the tidy tables from them.

    Writes datasets/<name>.csv, findings.csv (every validation failure of every source) and
    disagreements.csv (cells where sources differ, rows a source lacks).

    \b
    Examples:
      scoring datasets build
      scoring datasets build --out rebuilt/
    """
    from ..datasets.build import build_datasets

    try:
        with terminal_progress() as progress:
            report = build_datasets(out=out, progress=progress)
    except Exception as exc:
        raise fail_from(exc) from None
    for path in report.written:
        click.echo(f"wrote {path}")
    for name, n in report.rows.items():
        click.echo(f"{name}: {n} rows")
    click.echo(f"findings: {len(report.findings)} validation failures in the sources "
               f"(findings.csv); disagreements: {len(report.disagreements)} "
               "(disagreements.csv)")
