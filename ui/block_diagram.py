"""Where a method sits in a GPT-2 block, drawn from the census of the adapted model.

Nothing here knows method names: what trains and what was added is read from a census DataFrame
(adaptlab.census), so the diagram cannot disagree with the engine. The drawing is a Graphviz DOT
string (no graphviz package needed: the browser lays it out). Status colours are viz.STATUS_STYLE's
Okabe-Ito colours, and every node also says its status in words.
"""

from __future__ import annotations

import re
from itertools import combinations, pairwise

import pandas as pd

from adaptlab.viz import STATUS_STYLE

# The block's path, in order: (census component prefix or None for a parameter-free step, label).
BLOCK_PATH = (
    ("ln_1", "ln_1\\nLayerNorm"),
    ("attn.c_attn", "attn.c_attn\\nQ, K, V projection d→3d"),
    (None, "attention\\nsoftmax(QKᵀ)V"),
    ("attn.c_proj", "attn.c_proj\\nd→d"),
    ("+1", "+"),
    ("ln_2", "ln_2\\nLayerNorm"),
    ("mlp.c_fc", "mlp.c_fc\\nd→4d"),
    (None, "GELU"),
    ("mlp.c_proj", "mlp.c_proj\\n4d→d"),
    ("+2", "+"),
)
_FONT = 'fontname="Helvetica"'


def _node_id(i: int) -> str:
    return f"n{i}"


def _base_status(rows: pd.DataFrame) -> tuple[str, str]:
    """(status, words) of an existing module from its weight and bias rows."""
    trains = set(rows.loc[rows["trainable"], "component"].str.rsplit(".", n=1).str[-1])
    if not trains:
        return "frozen", "frozen"
    if trains >= set(rows["component"].str.rsplit(".", n=1).str[-1]):
        return "trainable", "trains"
    return "partial", " and ".join(sorted(trains)) + (" trains" if len(trains) == 1 else " train")


# How each status looks: fill, text colour, border colour, border width (points), dashed border.
# One table for the diagrams' DOT and the legend's CSS, so the legend cannot drift from them.
_LOOK = {
    "frozen": (STATUS_STYLE["frozen"][0], "black", "black", 1, False),
    "trainable": (STATUS_STYLE["trainable"][0], "white", "black", 1, False),  # 5.2:1 on the blue
    "partial": ("white", "black", STATUS_STYLE["trainable"][0], 3, False),  # some tensors train
    "added": (STATUS_STYLE["added"][0], "black", "black", 2, True),
}


def _style(status: str) -> str:
    fill, text, border, width, dashed = _LOOK[status]
    style = "rounded,filled,dashed" if dashed else "rounded,filled"
    return f'fillcolor="{fill}", fontcolor="{text}", color="{border}", penwidth={width}, style="{style}"'


def _added_node(block: pd.DataFrame, prefix: str, anchor: str) -> tuple[str, str] | None:
    """(placement, DOT node) for parameters a method added inside module `prefix`, if any.

    placement: "after" (on the module's output: adapters, output scaling), "before" (on its
    input: input scaling) or "beside" (a parallel branch added to the weight: LoRA).
    """
    added = block[(block["origin"] == "added") & block["component"].str.startswith(prefix + ".")]
    if added.empty:
        return None
    # peft and adaptlab name added tensors after the method: lora_A, ia3_l, adapter.adapter_down
    kind = added["component"].iloc[0].removeprefix(prefix + ".").split(".")[0].split("_")[0]
    shape = added["shape"].iloc[0]
    if kind == "adapter":
        placement, what = "after", "adapter d→b→d, + skip"
    elif shape.startswith("1×"):
        placement, what = "before", f"{kind}: scales the input"
    elif shape.endswith("×1"):
        placement, what = "after", f"{kind}: scales the output"
    else:
        # What the branch does is in its box: a label on its short edge was crossed by the
        # residual arc passing under it.
        placement, what = "beside", f"{kind}: update ΔW = B·A\\nadds to the weight"
    label = f"{what}\\n(new, trains: {int(added['count'].sum()):,})"
    return placement, f'{anchor}_new [label="{label}", {_style("added")}]'


_LABEL = re.compile(r'^(\w+) \[label="([^"]*)"')
_EDGE = re.compile(r"^(\w+) -> (\w+)")
_GAP = 4  # characters: a box's margins and the space to the next box


def _row_cuts(units: list[list[str]], rows: int, lines: list[str]) -> tuple[int, ...]:
    """Where the path turns to a new row, as indices into `units` (BLOCK_PATH's steps).

    Two rows: the attention half, then the MLP half; they fit a laptop's card. Projector type
    needs three, or the browser shrinks the drawing to the column's width and its words end up
    hardly larger than normal mode's: the cuts that make the widest row narrowest, each box as
    wide as its longest line of text. A box drawn above a step (LoRA's update, prefix tuning's
    keys and values) is one rank up: in the row before, or above the first row.
    """
    if rows == 2:
        return (5,)
    width = {m[1]: max(map(len, m[2].split("\\n"))) + _GAP for line in lines if (m := _LABEL.match(line))}
    on_path = {node for unit in units for node in unit} | {"x", "out"}
    above = {m[2]: width[m[1]] for line in lines
             if (m := _EDGE.match(line)) and m[1] not in on_path and m[1] in width}
    own = [sum(width[node] for node in unit) for unit in units]
    up = [sum(above.get(node, 0) for node in unit) for unit in units]

    def widest(cuts: tuple[int, ...]) -> int:
        # Row [a, b) holds its own boxes and those drawn above the next row's steps, [b, c).
        bounds = (0, *cuts, len(units), len(units))
        return max(sum(up[:cuts[0]]), *(
            sum(own[a:b]) + sum(up[b:c]) + width["x"] * (a == 0) + width["out"] * (b == len(units))
            for a, b, c in zip(bounds, bounds[1:], bounds[2:], strict=False)))

    return min(combinations(range(1, len(units)), rows - 1), key=widest)


def block_dot(df: pd.DataFrame, n_layer: int, d_model: int, fontsize: int = 11,
              rows: int = 2) -> str:
    """A DOT drawing of the last block of the census'd model with its frozen/trainable/added parts.

    The path runs along `rows` rows (2, or 3 for projector type: _row_cuts). `fontsize` (points)
    is larger in projector mode; edge labels are a little smaller.
    """
    block = df[df["block"] == n_layer - 1]
    lines = ["digraph block {", "rankdir=TB; bgcolor=transparent; nodesep=0.3; ranksep=0.45;",
             f'node [shape=box, style="rounded,filled", {_FONT}, fontsize={fontsize}]; '
             f'edge [{_FONT}, fontsize={round(fontsize * 9 / 11)}];']
    lines += _input_nodes(df, n_layer, d_model)
    units: list[list[str]] = []  # per step of BLOCK_PATH, its nodes on the path
    for i, (prefix, label) in enumerate(BLOCK_PATH):
        node, previous = _node_id(i), units[-1][-1] if units else "x"
        if prefix is None:
            lines += [f'{node} [label="{label}\\n(no parameters)", fillcolor="white", '
                      'style="rounded,dashed"]', f"{previous} -> {node}"]
            units.append([node])
        elif prefix.startswith("+"):
            lines += [f'{node} [label="+", shape=circle, fillcolor="white", style=filled]',
                      f"{previous} -> {node}"]
            units.append([node])
        else:
            module_lines, path = _module(block, prefix, label, node, previous)
            lines += module_lines
            units.append(path)
    plus1, plus2 = _node_id(4), _node_id(9)
    # Named at the arrowhead, by the "+" it feeds: a mid-arc label sat on its own arc.
    lines += [f'x -> {plus1} [headlabel="residual", labeldistance=4, labelangle=-30, '
              'style=dashed]',
              f'{plus1} -> {plus2} [headlabel="residual", labeldistance=4, labelangle=-30, '
              'style=dashed]',
              f"{plus2} -> out", 'out [label="to the\\nnext block", shape=plaintext, style=""]']
    lines += _prefix_nodes(df, n_layer, d_model)
    bounds = (0, *_row_cuts(units, rows, lines), len(units))
    path_rows = [[node for unit in units[a:b] for node in unit] for a, b in pairwise(bounds)]
    path_rows[0].insert(0, "x")
    path_rows[-1].append("out")
    lines += ["{rank=same; " + "; ".join(row) + "}" for row in path_rows]
    # Start every row under x.
    lines += [f"{above[0]} -> {below[0]} [style=invis, weight=20]"
              for above, below in pairwise(path_rows)]
    return "\n".join(lines + ["}"])


def _module(block: pd.DataFrame, prefix: str, label: str, node: str, previous: str
            ) -> tuple[list[str], list[str]]:
    """DOT lines for one existing module and anything added to it, and the nodes on the path."""
    status, words = _base_status(block[(block["origin"] == "base")
                                       & block["component"].str.startswith(prefix + ".")])
    lines = [f'{node} [label="{label}\\n({words})", {_style(status)}]']
    added = _added_node(block, prefix, node)
    placement = added[0] if added else None
    if placement:
        lines.append(added[1])
    if placement == "before":  # the path goes through the new part first
        return lines + [f"{previous} -> {node}_new", f"{node}_new -> {node}"], [f"{node}_new", node]
    if placement == "after":  # the path goes through the new part next
        return lines + [f"{previous} -> {node}", f"{node} -> {node}_new"], [node, f"{node}_new"]
    if placement == "beside":  # a parallel branch, drawn above the module
        lines.append(f"{node}_new -> {node}")
    return lines + [f"{previous} -> {node}"], [node]


def _virtual(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["block"].isna() & (df["origin"] == "added")]


def _makes_prefixes(virtual: pd.DataFrame, n_layer: int, d_model: int) -> bool:
    """True for prefix tuning: some added tensor is 2·L·d wide (the table, or its MLP's output)."""
    width = str(2 * n_layer * d_model)
    return bool(virtual["shape"].map(lambda shape: width in shape.split("×")).any())


def _input_nodes(df: pd.DataFrame, n_layer: int, d_model: int) -> list[str]:
    at_input = _virtual(df)  # prompt tuning, P-tuning: vectors placed before the tokens
    label = f"x: the input\\nof block {n_layer - 1}\\n(blocks 0..{n_layer - 1})"  # narrow: _row_cuts
    lines = [f'x [label="{label}", shape=plaintext, style=""]']
    if not at_input.empty and not _makes_prefixes(at_input, n_layer, d_model):
        m = int(at_input["shape"].iloc[0].split("×")[0])
        how = "made by a prompt encoder" if len(at_input) > 1 else "learned directly"
        lines += [f'vt [label="{m} virtual tokens at the input\\n(new, trains; {how})\\n'
                  f'{int(at_input["count"].sum()):,} parameters", {_style("added")}]',
                  'vt -> x [label="placed before the tokens,\\nflow up through every block"]']
    return lines


def _prefix_nodes(df: pd.DataFrame, n_layer: int, d_model: int) -> list[str]:
    """Prefix tuning: learned keys and values for every layer, read by attention."""
    virtual = _virtual(df)
    if not _makes_prefixes(virtual, n_layer, d_model):
        return []
    table = virtual[virtual["shape"].str.endswith(f"×{2 * n_layer * d_model}")]
    seeds = virtual[virtual["name"].str.contains("embedding")]  # with the MLP: m×d inputs
    m = int((table if not table.empty else seeds)["shape"].iloc[0].split("×")[0])
    total = int(virtual["count"].sum())
    if not table.empty:  # the table holds every layer's set: this layer's is 1/L of it
        how, count = "one set per layer", f"{2 * m * d_model:,} here, {total:,} in all"
    else:  # the MLP makes every layer's set at once: it belongs to no one layer
        how, count = "made by an MLP while training", f"{total:,} in all, MLP included"
    # Short lines: the box sits above attention, and a wide one widens the whole drawing.
    return [f'pk [label="{m} prefix keys and values\\nfor this layer (new, trains;\\n{how})\\n'
            f'{count}", {_style("added")}]',
            f'pk -> {_node_id(2)} [label="extra K, V"]']


LEGEND = (("frozen", "frozen"), ("trainable", "trains"), ("partial", "some tensors train"),
          ("added", "new, trains"))


def legend_html(fontsize: int = 11) -> str:
    """The four looks of the diagrams' boxes (colour, border and words), as HTML.

    Not a Graphviz drawing: the legend is on the Methods page's first view, and Graphviz's browser
    module (0.75 MB, with its layout engine) would otherwise load before any diagram is opened.
    """
    items = []
    for status, words in LEGEND:
        fill, text, border, width, dashed = _LOOK[status]
        items.append(f'<span role="listitem" style="background:{fill}; color:{text}; '
                     f'border:{width}pt {"dashed" if dashed else "solid"} {border}; '
                     f'border-radius:6px; padding:0.15em 0.7em; '
                     f'font:{fontsize}pt Helvetica, Arial, sans-serif">{words}</span>')
    return ('<div role="list" aria-label="Legend of the block diagrams" style="display:flex; '
            'flex-wrap:wrap; gap:0.8em; align-items:center">' + "".join(items) + "</div>")
