"""`scoring figures`: the publication figure set, built from the data or redrawn from a saved set.

May import: errors, publish, cli.progress.
"""

from __future__ import annotations

import click

from .common import EXIT_HELP, fail_from, index_option
from .progress import terminal_progress


@click.command(epilog=EXIT_HELP)
@index_option
@click.option("--from", "from_edition", type=int,
              help="Earlier edition (required unless --redraw).")
@click.option("--to", "to_edition", type=int,
              help="Later edition (required unless --redraw).")
@click.option("--redraw", "saved", type=click.Path(exists=True, file_okay=False),
              help="Draw the set again from a saved set's own tables (its manifest.json and "
                   "data/*.csv), computing nothing; the saved set fixes index, editions and "
                   "error model.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True,
              help="Folder to write the set to (replaced as a whole when the run succeeds).")
@click.option("--formats", default="pdf,svg,png", show_default=True,
              help="Comma-separated: pdf, svg, png.")
@click.option("--dpi", type=click.IntRange(50, 1200), default=300, show_default=True,
              help="Resolution of PNG files.")
@click.option("--error-p", type=click.FloatRange(0, 1), default=0.1, show_default=True,
              help="Re-scoring error model behind the robustness marks (see significance).")
@click.option("--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.05, show_default=True)
@click.pass_context
def figures(ctx, index, from_edition, to_edition, saved, out_dir, formats, dpi, error_p,
            alpha):
    """Write the publication figure set, with alt texts and a manifest.

    Comparison figures for --from -> --to (change bars stacked by category, dumbbell chart
    over the status bands, forest plot of re-scoring intervals, status transitions) and
    history figures over every edition up to --to (trend volcano plot, small multiples of
    each country's scores, heat map of edition-to-edition change, declines and improvements
    per edition). Each figure: the requested formats, the table it was drawn from
    (data/*.csv), an alt text (*.txt), and an entry in manifest.json with the sha256 of
    every file, the command line and the package versions. PDF and SVG are byte-identical
    when regenerated with the same package versions; fonts are embedded as TrueType.

    \b
    Examples:
      scoring figures --index fotn --from 2023 --to 2024 --out figures/fotn_2023_2024
      scoring figures --from 2011 --to 2024 --out longrun --formats pdf --dpi 600
      scoring figures --redraw figures/fotn_2023_2024 --out print --formats pdf
    """
    from ..errors import ScoringError
    from ..publish.figures import build_figures, redraw_figures

    chosen = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    if saved is not None:
        _refuse_with_redraw(ctx, ("index", "from_edition", "to_edition", "error_p", "alpha"))
        command = " ".join(["scoring", "figures", "--redraw", saved, "--out", out_dir,
                            "--formats", ",".join(chosen), "--dpi", str(dpi)])
    elif from_edition is None or to_edition is None:
        raise click.UsageError("give --from and --to (or --redraw a saved set)")
    else:
        command = " ".join(["scoring", "figures", "--index", index, "--from",
                            str(from_edition), "--to", str(to_edition), "--out", out_dir,
                            "--formats", ",".join(chosen), "--dpi", str(dpi), "--error-p",
                            f"{error_p:g}", "--alpha", f"{alpha:g}"])
    try:
        with terminal_progress() as progress:
            if saved is not None:
                manifest = redraw_figures(saved, out_dir, formats=chosen, dpi=dpi,
                                          command=command, progress=progress)
            else:
                manifest = build_figures(out_dir, index=index, from_edition=from_edition,
                                         to_edition=to_edition, formats=chosen, dpi=dpi,
                                         error_p=error_p, alpha=alpha, command=command,
                                         progress=progress)
    except (ScoringError, ValueError, OSError) as exc:
        raise fail_from(exc) from None
    n = sum(len(f["files"]) for f in manifest["figures"])
    click.echo(f"wrote {len(manifest['figures'])} figures ({n} files) and manifest.json to "
               f"{out_dir}")


def _refuse_with_redraw(ctx, names) -> None:
    """Options a saved set already fixes are refused with --redraw rather than ignored."""
    from click.core import ParameterSource

    given = [f"--{name.replace('_edition', '').replace('_', '-')}" for name in names
             if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE]
    if given:
        raise click.UsageError(f"{', '.join(given)} cannot go with --redraw: the saved set "
                               "fixes the index, the editions and the error model")
