"""Plotly figures, as pure functions of census and run DataFrames. No Streamlit here.

Status colours come from the Okabe-Ito palette, which stays distinguishable under the common
colour-vision deficiencies; every status also has its own marker shape and a text label, so
colour is never the only cue.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

if TYPE_CHECKING:  # adaptlab.memory imports transformers: pages that only draw stay light
    from adaptlab.memory import MemoryBreakdown

STATUS_STYLE = {
    # status: (colour, marker symbol, legend label)
    "frozen": ("#BBBBBB", "square", "frozen (existing, not trained)"),
    "trainable": ("#0072B2", "diamond", "trainable (existing weight)"),
    "added": ("#E69F00", "star", "added by the method (trained)"),
}
_ROW_ORDER_OUTSIDE = {"embeddings": -1, "virtual tokens": -2}


def _map_row(name: str, block) -> str:
    if pd.notna(block):
        return f"block {int(block)}"
    if name.startswith(("transformer.wte", "transformer.wpe")):
        return "embeddings"
    if name.startswith("transformer.ln_f"):
        return "final"
    return "virtual tokens"


def _map_column(row: pd.Series) -> str:
    if pd.notna(row["block"]):
        return row["component"]
    return row["name"].removeprefix("transformer.")


def param_map(df: pd.DataFrame, title: str = "") -> go.Figure:
    """Every parameter tensor as a marker: rows are places in the model, columns are tensors."""
    data = df.assign(row=[_map_row(n, b) for n, b in zip(df["name"], df["block"], strict=True)],
                     column=df.apply(_map_column, axis=1))
    blocks = sorted({r for r in data["row"] if r.startswith("block ")}, key=lambda r: int(r.split()[1]))
    rows = [r for r in ("virtual tokens", "embeddings") if r in set(data["row"])] + blocks + ["final"]
    fig = go.Figure()
    for status, (colour, symbol, label) in STATUS_STYLE.items():
        part = data[data["status"] == status]
        fig.add_trace(go.Scatter(
            x=part["column"], y=part["row"], mode="markers", name=label,
            marker={"color": colour, "symbol": symbol, "size": 13, "line": {"width": 1, "color": "#333"}},
            customdata=part[["name", "shape", "count"]].to_numpy(),
            hovertemplate="%{customdata[0]}<br>shape %{customdata[1]}<br>%{customdata[2]:,} parameters"
                          f"<br>{label}<extra></extra>",
        ))
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(rows)), title=None)
    fig.update_xaxes(tickangle=-45, title=None, categoryorder="array",
                     categoryarray=list(dict.fromkeys(data["column"])))
    # showlegend: with one status only (full fine-tuning) plotly would hide the legend, and the
    # markers would lose their labels.
    fig.update_layout(title=title or None, height=max(320, 26 * len(rows) + 220), showlegend=True,
                      legend={"orientation": "h", "y": 1.08}, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def block_bars(per_block_df: pd.DataFrame, log_scale: bool = True) -> go.Figure:
    """Parameter counts per place in the model, by status: stacked, or side by side on a log axis.

    Stacking on a log axis hides the small part on top (a LoRA's 6 k on a block's 590 k adds a
    sliver), so with `log_scale` each status gets its own bar.
    """
    fig = go.Figure()
    patterns = {"frozen": "", "trainable": "/", "added": "x"}
    for status, (colour, _, label) in STATUS_STYLE.items():
        fig.add_trace(go.Bar(
            x=per_block_df["where"], y=per_block_df[status], name=label, marker_color=colour,
            marker_pattern_shape=patterns[status], hovertemplate="%{x}: %{y:,} parameters<extra></extra>",
        ))
    fig.update_layout(barmode="group" if log_scale else "stack", height=360,
                      legend={"orientation": "h", "y": 1.12},
                      yaxis={"type": "log" if log_scale else "linear", "title": "parameters"},
                      margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def memory_bars(breakdowns: dict[str, MemoryBreakdown]) -> go.Figure:
    """Stacked memory per setup (e.g. per method), in MB. Each part has its own fill pattern as
    well as its colour, so the parts can be told apart without colour vision."""
    items = ["weights", "gradients", "AdamW state", "activations"]
    colours = ["#BBBBBB", "#56B4E9", "#009E73", "#CC79A7"]
    patterns = ["", "/", "x", "."]
    fig = go.Figure()
    for item, colour, pattern in zip(items, colours, patterns, strict=True):
        values = [next(r["bytes"] for r in b.as_rows() if r["item"] == item) / 2**20
                  for b in breakdowns.values()]
        fig.add_trace(go.Bar(x=list(breakdowns), y=values, name=item, marker_color=colour,
                             marker_pattern_shape=pattern,
                             hovertemplate="%{x}: %{y:,.1f} MB " + item + "<extra></extra>"))
    fig.update_layout(barmode="stack", height=340, yaxis_title="MB (fp32)",
                      legend={"orientation": "h", "y": 1.12}, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


# ---------------------------------------------------------------- training runs

TRAIN_COLOUR, EVAL_COLOUR = "#0072B2", "#D55E00"  # Okabe-Ito blue and vermillion
_RUN_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
_RUN_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
_FIGURE_MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


SHORT_RUN_STEPS = 10  # up to this many steps, plotly's own step ticks include 0.5, 1.5, ...


def whole_step_ticks(fig: go.Figure, last_step: float) -> None:
    """A tick per step on a short run's step axis: plotly would label 0.5, 1.5 and so on, and
    a step is a whole number. Longer runs keep plotly's ticks, which are whole already."""
    if last_step <= SHORT_RUN_STEPS:
        fig.update_xaxes(dtick=1, tick0=0)


def loss_chart(train: pd.DataFrame, evals: pd.DataFrame, total_steps: int | None = None) -> go.Figure:
    """Training loss per step (line, circles) and held-out loss points (diamonds), both vs step.

    `train` and `evals` have columns step, loss; missing losses (a stopped step) are left out,
    never drawn as a number. `total_steps` fixes the x axis so a live chart grows into it.
    """
    train, evals = train.dropna(subset=["loss"]), evals.dropna(subset=["loss"])
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=train["step"].tolist(), y=train["loss"].tolist(), mode="lines+markers",
                             name="training loss (this step's batch)",
                             line={"color": TRAIN_COLOUR}, marker={"size": 5, "symbol": "circle"},
                             hovertemplate="step %{x}: training loss %{y:.4f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=evals["step"].tolist(), y=evals["loss"].tolist(), mode="markers+lines",
                             name="held-out loss (examples never trained on)",
                             line={"color": EVAL_COLOUR, "dash": "dash"},
                             marker={"size": 11, "symbol": "diamond"},
                             hovertemplate="step %{x}: held-out loss %{y:.4f}<extra></extra>"))
    if total_steps:  # room for the last step's marker and its tick label inside the chart
        pad = max(0.5, total_steps * 0.03)
        fig.update_xaxes(range=[-pad, total_steps + pad])
    whole_step_ticks(fig, total_steps or max([*train["step"], *evals["step"], 0]))
    # The legend sits on the plot's top edge and grows upwards: when projector mode's larger
    # type wraps it onto two lines, plotly makes room above rather than covering the first steps.
    fig.update_layout(height=360, xaxis_title="step", yaxis_title="loss (cross-entropy)",
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
                      margin=_FIGURE_MARGIN, showlegend=True)
    return fig


def one_number_style(values: pd.Series) -> str:
    """A format for every number of one chart: 3 significant digits, in powers of ten for all
    of them when any would need one (0.00142 beside 5.66e-05 read as different kinds of number)."""
    nonzero = values[values != 0].abs()
    if not nonzero.empty and (nonzero.min() < 1e-3 or nonzero.max() >= 1e4):
        return ".2e"
    return ".3g"


def grad_norm_bars(norms: pd.DataFrame) -> go.Figure:
    """Gradient norm per module group (columns group, norm); frozen groups (norm NaN) say so.

    A frozen group gets no bar, only the words "none (frozen)" where its bar would be.
    """
    frozen = norms["norm"].isna()
    style = one_number_style(norms["norm"].dropna())
    fig = go.Figure(go.Bar(
        y=norms["group"].tolist(), x=norms["norm"].fillna(0.0).tolist(), orientation="h",
        marker={"color": TRAIN_COLOUR}, text=[("none (frozen)" if f else format(v, style))
                                              for f, v in zip(frozen, norms["norm"], strict=True)],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(norms["group"])), title=None,
                     automargin=True)
    fig.update_xaxes(tickformat=".1e" if style.endswith("e") else None)  # the bars' style
    fig.update_layout(height=max(220, 26 * len(norms) + 80), xaxis_title="gradient norm (before clipping)",
                      margin={"l": 120, "r": 90, "t": 20, "b": 10})
    return fig


def run_overlay(losses: pd.DataFrame) -> go.Figure:
    """Several runs' training losses on one chart (columns run, step, loss, note).

    Each run has its own colour and dash pattern; `note` (e.g. "seed 0 · data sentiment")
    goes into the legend and the hover, so runs that share seed and data can be told.
    """
    fig = go.Figure()
    for i, (run, part) in enumerate(losses.dropna(subset=["loss"]).groupby("run", sort=False)):
        note = part["note"].iloc[0]
        fig.add_trace(go.Scatter(
            x=part["step"].tolist(), y=part["loss"].tolist(), mode="lines+markers",
            name=f"{run} ({note})",
            line={"color": _RUN_COLOURS[i % len(_RUN_COLOURS)], "dash": _RUN_DASHES[i % len(_RUN_DASHES)]},
            marker={"size": 4},
            hovertemplate=f"{run}<br>{note}<br>step %{{x}}: loss %{{y:.4f}}<extra></extra>"))
    fig.update_layout(height=400, xaxis_title="step", yaxis_title="training loss", showlegend=True,
                      legend={"orientation": "h", "y": -0.2, "yanchor": "top"}, margin=_FIGURE_MARGIN)
    whole_step_ticks(fig, losses["step"].max() if len(losses) else 0)
    return fig


# ---------------------------------------------------------------- what a run learned

# One colour and one marker shape per "what gets trained" family (adaptlab.taxonomy).
# In the Methods page's order, so a legend lists them 1 to 5 (family_name).
FAMILY_STYLE = {
    "all-weights": ("#000000", "circle"), "selective": ("#0072B2", "square"),
    "virtual-tokens": ("#CC79A7", "cross"), "inserted-modules": ("#009E73", "diamond"),
    "reparameterized": ("#D55E00", "triangle-up"),
}


def family_name(family: str) -> str:
    """A family as the Methods page numbers and names it ("3. New virtual tokens ..."), not its id."""
    from adaptlab.taxonomy import FAMILIES

    for number, (fid, info) in enumerate(FAMILIES.items(), start=1):
        if fid == family:
            return f"{number}. {info.title}"
    return family


def accuracy_bars(before: float, after: float, chance: float | None, metric: str) -> go.Figure:
    """Held-out accuracy before and after training, with chance drawn as a dashed line."""
    fig = go.Figure(go.Bar(
        x=["before training", "after training"], y=[before, after], marker_color=["#BBBBBB", TRAIN_COLOUR],
        text=[f"{before:.0%}", f"{after:.0%}"], textposition="outside", cliponaxis=False,
        hovertemplate="%{x}: %{y:.1%}<extra></extra>"))
    if chance is not None:
        fig.add_hline(y=chance, line={"dash": "dash", "color": EVAL_COLOUR},
                      annotation_text=f"chance {chance:.0%} (one answer to everything)",
                      annotation_position="top left")
    fig.update_layout(height=300, yaxis={"range": [0, 1.12], "tickformat": ".0%", "title": metric},
                      margin=_FIGURE_MARGIN, showlegend=False)
    return fig


@dataclass(frozen=True)
class LabelGeometry:
    """How the log-x, 0-100 % accuracy charts draw at 1280x720, in px: about 600 px of plot
    across the x range and 270 px per 100 % of y; 11 px type, about 6 px a character and 13 px a
    line, centred 14 px above or below its marker (about 12 px)."""

    plot_width: float = 600
    per_unit_y: float = 270
    char: float = 6
    line: float = 13
    offset: float = 14
    marker: float = 12
    # The reference points' method names drawn beside them. A phone's plot is about 270 px
    # wide: eleven names overlapped and ran off its edges, so there a tap names each point.
    names_on_points: bool = True


LAPTOP_LABELS = LabelGeometry()
# for_projector(): type 1.5 times larger, markers a third larger, the chart a quarter taller.
PROJECTOR_LABELS = LabelGeometry(per_unit_y=270 * 1.25, char=9, line=19, offset=19, marker=16)
PHONE_LABELS = LabelGeometry(names_on_points=False)  # so nothing to place
ACCURACY_Y_RANGE = (-0.05, 1.1)  # 0 % to 100 %, with room for the labels of points at both
_X_PAD_DECADES = 0.4  # room for the first and last points' labels inside the plot
# Where plotly puts a label for each textposition, from its marker's centre: x in half label
# widths plus marker widths, y in offsets. Best first.
_LABEL_PLACES = {"top center": (0, 0, 1), "bottom center": (0, 0, -1),
                 "top right": (1, 0, 1), "top left": (-1, 0, 1),
                 "bottom right": (1, 0, -1), "bottom left": (-1, 0, -1),
                 "middle right": (1, 0.7, 0), "middle left": (-1, -0.7, 0)}


def log_x_range(x: pd.Series) -> list[float]:
    """The x range (log10 units, as plotly's log axes take it) of the points, padded."""
    logs = [math.log10(max(v, 1)) for v in x]
    return [min(logs) - _X_PAD_DECADES, max(logs) + _X_PAD_DECADES]


@dataclass(frozen=True)
class _Box:
    x: float  # centre, px
    y: float
    half_width: float
    half_height: float

    def overlaps(self, other: _Box) -> bool:
        return (abs(self.x - other.x) < self.half_width + other.half_width
                and abs(self.y - other.y) < self.half_height + other.half_height)


def _label_box(x: float, y: float, label: str, position: str, px_per_decade: float,
               geometry: LabelGeometry) -> _Box:
    """The box plotly draws `label` in at `position` around the point (x, y), in px."""
    half_width = len(str(label)) * geometry.char / 2
    widths, markers_across, side = _LABEL_PLACES[position]
    return _Box(math.log10(max(x, 1)) * px_per_decade + widths * half_width
                + markers_across * geometry.marker,
                y * geometry.per_unit_y + side * geometry.offset, half_width, geometry.line / 2)


def _marker_box(x: float, y: float, px_per_decade: float, geometry: LabelGeometry) -> _Box:
    return _Box(math.log10(max(x, 1)) * px_per_decade, y * geometry.per_unit_y,
                geometry.marker / 2, geometry.marker / 2)


def label_boxes(x: pd.Series, y: pd.Series, text: pd.Series, positions: pd.Series,
                x_range: list[float], geometry: LabelGeometry = LAPTOP_LABELS,
                ) -> tuple[list[_Box], list[_Box]]:
    """(markers, labels) as boxes in px, for plotly textpositions such as "top center"."""
    px_per_decade = geometry.plot_width / (x_range[1] - x_range[0])
    points = list(zip(x, y, text, positions, strict=True))
    return ([_marker_box(px, py, px_per_decade, geometry) for px, py, _, _ in points],
            [_label_box(px, py, label, position, px_per_decade, geometry)
             for px, py, label, position in points])


@dataclass(frozen=True)
class LabelledPoint:
    """A point drawn before the labels are placed (a learner's run): its marker, `scale` times a
    reference marker, and its label at `position`, are both kept clear."""

    x: float
    y: float
    label: str
    position: str
    scale: float = 1.5


def _error_bar_box(x: float, low: float, high: float, px_per_decade: float,
                   geometry: LabelGeometry) -> _Box:
    """An error bar: a vertical line with caps about a marker wide."""
    return _Box(math.log10(max(x, 1)) * px_per_decade, (low + high) / 2 * geometry.per_unit_y,
                geometry.marker / 2, (high - low) / 2 * geometry.per_unit_y)


def label_positions(x: pd.Series, y: pd.Series, text: pd.Series, x_range: list[float],
                    geometry: LabelGeometry = LAPTOP_LABELS,
                    y_span: tuple[pd.Series, pd.Series] | None = None,
                    drawn: Sequence[LabelledPoint] = ()) -> pd.Series:
    """Where each point's label goes: above it ("top center") unless that overlaps a label
    already placed, a marker, an error bar (`y_span`: each point's low and high) or a point in
    `drawn` with its label; then the first place around the point that overlaps nothing,
    else the least crowded (LayerNorm tuning and (IA)³ sit side by side, and on an easy task
    most methods crowd the 100 % line). The longest labels are placed first: they have the
    fewest places to go."""
    px_per_decade = geometry.plot_width / (x_range[1] - x_range[0])
    obstacles = [_marker_box(px, py, px_per_decade, geometry) for px, py in zip(x, y, strict=True)]
    # Outside the y range a label is cut off (P-tuning at 0 %, labelled under its point).
    bottom, top = (edge * geometry.per_unit_y for edge in ACCURACY_Y_RANGE)
    obstacles += [_Box(0.0, bottom - 500, 1e9, 500), _Box(0.0, top + 500, 1e9, 500)]
    if y_span is not None:
        obstacles += [_error_bar_box(px, low, high, px_per_decade, geometry)
                      for px, low, high in zip(x, *y_span, strict=True) if high > low]
    for point in drawn:
        marker = _marker_box(point.x, point.y, px_per_decade, geometry)
        obstacles += [replace(marker, half_width=marker.half_width * point.scale,
                              half_height=marker.half_height * point.scale),
                      _label_box(point.x, point.y, point.label, point.position, px_per_decade,
                                 geometry)]
    chosen = {}
    for index in sorted(range(len(x)), key=lambda i: -len(str(text.iloc[i]))):
        boxes = [(_label_box(x.iloc[index], y.iloc[index], text.iloc[index], position,
                             px_per_decade, geometry), position) for position in _LABEL_PLACES]
        box, chosen[index] = min(boxes, key=lambda option: sum(option[0].overlaps(other)
                                                                for other in obstacles))
        obstacles.append(box)  # min keeps the first of the least crowded
    return pd.Series([chosen[i] for i in range(len(x))], index=x.index)


LOW_RUN = 0.15  # a learner's run below this accuracy is labelled above its point


def accuracy_vs_params(reference: pd.DataFrame, mine: pd.DataFrame, chance: float | None,
                       metric: str, labels: LabelGeometry = LAPTOP_LABELS) -> go.Figure:
    """Held-out accuracy against trainable parameters (log), one point per method or run.

    `reference` (the shipped sweep): method, title, family, trainable_params, headline (mean),
    headline_min, headline_max; drawn with the seeds' range as error bars. `mine` (the learner's
    runs): run, family, trainable_params, headline; drawn large, outlined, labelled.
    """
    fig = go.Figure()
    x_range = log_x_range(pd.concat([reference["trainable_params"], mine["trainable_params"]]))
    # Below the point, clear of the reference labels above theirs; a run near 0 % is labelled
    # above, or its label falls under the plot's bottom edge.
    run_label = {row.run: "bottom center" if row.headline >= LOW_RUN else "top center"
                 for row in mine.itertuples()}
    named = labels.names_on_points
    place = label_positions(
        reference["trainable_params"], reference["headline"], reference["title"], x_range, labels,
        y_span=(reference["headline_min"], reference["headline_max"]),
        drawn=[LabelledPoint(row.trainable_params, row.headline, row.run, run_label[row.run])
               for row in mine.itertuples()]) if named else None
    for family, (colour, symbol) in FAMILY_STYLE.items():
        part = reference[reference["family"] == family]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["trainable_params"].tolist(), y=part["headline"].tolist(),
            mode="markers+text" if named else "markers",
            name=f"reference: {family_name(family)}", text=part["title"].tolist(),
            textposition=place[reference["family"] == family].tolist() if named else None,
            textfont={"size": 11}, opacity=0.55,
            marker={"color": colour, "symbol": symbol, "size": 11},
            error_y={"type": "data", "symmetric": False,
                     "array": (part["headline_max"] - part["headline"]).tolist(),
                     "arrayminus": (part["headline"] - part["headline_min"]).tolist(),
                     "color": colour, "thickness": 1},
            hovertemplate="%{text}: %{y:.0%} (mean of 3 seeds)<br>%{x:,} trainable parameters"
                          "<extra>reference sweep</extra>"))
    for row in mine.itertuples():
        colour, symbol = FAMILY_STYLE.get(row.family, ("#000000", "circle"))
        fig.add_trace(go.Scatter(
            x=[row.trainable_params], y=[row.headline], mode="markers+text", name=row.run,
            text=[row.run], textposition=run_label[row.run],
            textfont={"size": 12, "color": "#000"},
            marker={"color": colour, "symbol": symbol, "size": 17, "line": {"width": 2, "color": "#000"}},
            hovertemplate=f"{row.run}: %{{y:.0%}}<br>%{{x:,}} trainable parameters<extra>your run</extra>"))
    return _accuracy_frame(fig, chance, metric).update_xaxes(range=x_range)


def class_board(reference: pd.DataFrame, runs: pd.DataFrame, chance: float | None,
                metric: str) -> go.Figure:
    """A live class's runs over the reference sweep: log x, one marker shape and colour per family.

    `runs`: id, title, family, trainable_params, accuracy. Runs of one method share a parameter
    count; each point is nudged sideways (at most 8%, by its id) so they do not hide each
    other; the hover gives the exact count. customdata[0] is the run's id: a click on a point
    selects that run (clickmode "event+select").
    """
    fig = go.Figure()
    for family, (colour, symbol) in FAMILY_STYLE.items():
        part = reference[reference["family"] == family]
        if not part.empty:
            fig.add_trace(go.Scatter(
                x=part["trainable_params"].tolist(), y=part["headline"].tolist(),
                # No labels: eleven of them crowd the top of the chart; the hover names each.
                mode="markers", text=part["title"].tolist(), opacity=0.4, showlegend=False,
                unselected={"marker": {"opacity": 1}},  # a click must not fade the rest
                marker={"color": colour, "symbol": symbol, "size": 10},
                hovertemplate="%{text}: %{y:.0%} (reference, mean of 3 seeds)<extra></extra>"))
    for family, (colour, symbol) in FAMILY_STYLE.items():
        part = runs[runs["family"] == family]
        if part.empty:
            continue
        nudge = [10 ** (((i * 7) % 9 - 4) / 100) for i in part["id"]]
        fig.add_trace(go.Scatter(
            x=[n * x for n, x in zip(nudge, part["trainable_params"], strict=True)],
            y=part["accuracy"].tolist(), mode="markers", name=family_name(family),
            text=part["title"].tolist(),
            customdata=[[int(i), int(p)] for i, p in zip(part["id"], part["trainable_params"],
                                                         strict=True)],
            marker={"color": colour, "symbol": symbol, "size": 15,
                    "line": {"width": 1.5, "color": "#000"}},
            selected={"marker": {"size": 22}}, unselected={"marker": {"opacity": 1}},
            hovertemplate="%{text}: %{y:.0%}<br>%{customdata[1]:,} trainable parameters"
                          "<extra>click for its settings</extra>"))
    return _accuracy_frame(fig, chance, metric).update_layout(clickmode="event+select")


def _accuracy_frame(fig: go.Figure, chance: float | None, metric: str) -> go.Figure:
    """What the accuracy-against-parameters charts share: log x, percent y, the chance line."""
    if chance is not None:
        fig.add_hline(y=chance, line={"dash": "dash", "color": "#777"},
                      annotation_text=f"chance {chance:.0%}", annotation_position="bottom right")
    # dtick 1: a tick per decade (10k, 100k, 1M), not plotly's bare "2" and "5" in between.
    fig.update_layout(height=460, xaxis={"type": "log", "dtick": 1,
                                         "title": "trainable parameters (log scale)"},
                      yaxis={"range": list(ACCURACY_Y_RANGE), "tickformat": ".0%", "title": metric},
                      legend={"orientation": "h", "y": -0.18, "yanchor": "top"},
                      margin=_FIGURE_MARGIN, showlegend=True)
    return fig


# ---------------------------------------------------------------- projector mode

PROJECTOR_FONT = 18  # px; plotly's default is 12, unreadable from the back of a room


PHONE_LEGEND_CHARS = 34  # what one line of a 12 px legend holds beside its symbol at 360 px
PHONE_LEGEND_LINE_PX = 17


def for_phone(fig: go.Figure) -> go.Figure:
    """A copy of `fig` for a phone's narrow screen: every legend entry wrapped onto lines of at
    most PHONE_LEGEND_CHARS characters (a horizontal legend does not wrap its entries itself; a
    long one ran off the screen, "...scaling vectors inserted in the com"), and a legend below
    the plot moved to the figure's bottom edge, the figure taller by the added lines."""
    narrow = go.Figure(fig)
    added_lines = 0
    for trace in narrow.data:
        if trace.name and len(trace.name) > PHONE_LEGEND_CHARS:
            lines = textwrap.wrap(trace.name, PHONE_LEGEND_CHARS)
            trace.name = "<br>".join(lines)
            added_lines += len(lines) - 1 if trace.showlegend is not False else 0
    legend = narrow.layout.legend
    if legend.orientation == "h" and (legend.y or 0) < 0:
        # Below the plot at a fixed fraction of it, the taller legend ran into the x-axis
        # title; from the figure's bottom edge it pushes the plot up instead, and the figure
        # grows by the added lines so the plot keeps its height.
        narrow.update_layout(legend={"yref": "container", "y": 0, "yanchor": "bottom"})
        if narrow.layout.height:
            narrow.update_layout(height=narrow.layout.height + PHONE_LEGEND_LINE_PX * added_lines)
    return narrow


def for_projector(fig: go.Figure, font: int = PROJECTOR_FONT) -> go.Figure:
    """A copy of `fig` for a room: every text (axes, ticks, legend, labels, notes) at `font` px or
    larger in proportion, taller by a quarter, markers a third larger."""
    big = go.Figure(fig)
    scale = font / 12
    big.update_layout(font={"size": font}, legend={"font": {"size": font}},
                      hoverlabel={"font": {"size": font}}, title_font_size=round(font * 1.2))
    axis = {"tickfont": {"size": font}, "title": {"font": {"size": font}}}
    big.update_xaxes(**axis)
    big.update_yaxes(**axis)
    if big.layout.height:
        big.update_layout(height=round(big.layout.height * 1.25))
    for annotation in big.layout.annotations:
        annotation.font.size = round((annotation.font.size or 12) * scale)
    for trace in big.data:
        if getattr(trace, "textfont", None) is not None and trace.textfont.size:
            trace.textfont.size = round(trace.textfont.size * scale)
        marker = getattr(trace, "marker", None)
        size = getattr(marker, "size", None)  # bars have no marker size
        if isinstance(size, int | float):
            marker.size = round(size * 4 / 3)
    return big
