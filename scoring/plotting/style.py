"""One place for the look of every figure: palette, sizes, fonts, the source line.

Colours come from Paul Tol's colour-blind-safe schemes and are chosen so that the three
statuses, the three FOTN categories and the two directions of change stay distinguishable in
greyscale (their luminances differ by at least 0.2).
"""

from __future__ import annotations

import textwrap
from contextlib import contextmanager

import matplotlib as mpl

__all__ = ["STATUS_COLORS", "STATUS_ORDER", "CATEGORY_COLORS", "DECLINE", "IMPROVE", "NEUTRAL",
           "ONE_COLUMN", "TWO_COLUMNS", "RC", "publication_style", "add_source", "luminance",
           "status_label", "short_name"]

#: Statuses from most to least free, and their colours (Tol muted: teal, sand, wine).
STATUS_ORDER = ("F", "PF", "NF")
STATUS_COLORS = {"F": "#44AA99", "PF": "#DDCC77", "NF": "#882255"}
_STATUS_LABELS = {"F": "Free", "PF": "Partly Free", "NF": "Not Free"}

#: Colours of the categories, in methodology order (FOTN: access, content, rights;
#: FIW: pr, cl): indigo, cyan, olive.
CATEGORY_COLORS = ("#332288", "#88CCEE", "#999933")

#: Direction of change (Tol vibrant orange, Tol high-contrast blue) and a neutral grey.
DECLINE = "#EE7733"
IMPROVE = "#004488"
NEUTRAL = "#BBBBBB"

#: Figure widths in inches: one journal column and two.
ONE_COLUMN = 3.5
TWO_COLUMNS = 7.2

#: rcParams of every figure: DejaVu Sans (ships with matplotlib, so the same glyphs
#: everywhere), TrueType fonts embedded in PDF and PostScript, a fixed SVG id salt so that
#: files are byte-identical when regenerated, constrained layout and no "tight" bounding box
#: so that a saved figure has exactly its planned width.
RC = {
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "axes.titlesize": 8.5,
    "axes.labelsize": 7.5,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "lines.linewidth": 1.0,
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "path",
    "svg.hashsalt": "scoring",
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "figure.constrained_layout.h_pad": 0.02,
    "figure.constrained_layout.w_pad": 0.02,
    "savefig.dpi": 300,
    "savefig.bbox": "standard",
    "axes.titlelocation": "left",
    "axes.titleweight": "bold",
    "legend.frameon": False,
    "image.cmap": "RdBu",
}


@contextmanager
def publication_style(**overrides):
    """Context manager applying :data:`RC` (and any overrides) to figures made inside it.

    rcParams names contain dots, so pass overrides as ``**{"font.size": 9}``. On exit every
    parameter is restored except the backend and interactive mode, which a notebook's inline
    display may have set up inside the block and must keep.
    """
    saved = mpl.rcParams.copy()
    try:
        mpl.rcParams.update({**RC, **overrides})
        yield
    finally:
        keep = {k: mpl.rcParams[k] for k in ("backend", "interactive")}
        with_keep = {k: v for k, v in saved.items() if k not in keep}
        mpl.rcParams.update(with_keep)


def status_label(code: str) -> str:
    return _STATUS_LABELS.get(code, str(code))


def add_source(fig, text: str, *, fontsize: float = 6) -> None:
    """Write the source line at the bottom left of a figure, below everything else.

    It is the figure's ``supxlabel``, so constrained layout keeps room for it inside the
    figure and the saved file has exactly the figure's width (3.5 or 7.2 in).
    """
    # Wrapped to the figure's width (DejaVu Sans averages about 0.55 em per character), so a
    # long credit never runs off a single-column figure.
    chars = max(20, int(fig.get_figwidth() * 72 / (fontsize * 0.55)) - 2)
    fig.supxlabel("\n".join(textwrap.wrap(text, chars)), x=0.005, ha="left",
                  fontsize=fontsize, color="#444444")


def luminance(color: str) -> float:
    """Relative luminance (WCAG 2.x) of a colour: what remains of it in greyscale."""
    r, g, b = mpl.colors.to_rgb(color)

    def lin(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


_SHORT = {"United Arab Emirates": "UAE", "United Kingdom": "UK", "United States": "USA",
          "The Netherlands": "Netherlands", "The Gambia": "Gambia", "Gambia, The": "Gambia",
          "Russian Federation": "Russia", "Bosnia and Herzegovina": "Bosnia-Herz.",
          "Central African Republic": "CAR", "Democratic Republic of the Congo": "DR Congo",
          "Congo (Kinshasa)": "DR Congo", "Congo (Brazzaville)": "Rep. Congo",
          "Dominican Republic": "Dominican Rep.", "Papua New Guinea": "PNG",
          "Trinidad and Tobago": "Trinidad & Tob.", "Saint Vincent and the Grenadines":
          "St Vincent & G.", "St. Vincent and the Grenadines": "St Vincent & G.",
          "Antigua and Barbuda": "Antigua & Barb.", "Sao Tome and Principe": "Sao Tome & P.",
          "Solomon Islands": "Solomon Isl.", "St. Kitts and Nevis": "St Kitts & Nevis"}


def short_name(name: str, width: int = 14) -> str:
    """A country name short enough for a small panel: a known short form, else truncated."""
    name = str(name)
    if name in _SHORT:
        return _SHORT[name]
    return name if len(name) <= width else name[:width - 1] + "\u2026"
