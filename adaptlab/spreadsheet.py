"""CSV cells that a spreadsheet opens as text, never as a formula (CSV / formula injection).

Excel, LibreOffice and Google Sheets run a cell that starts with = + - @ (and, after trimming,
a tab or a carriage return) as a formula: a learner named `=HYPERLINK("http://x","Grade")`
becomes a live link in the instructor's spreadsheet. OWASP's advice, followed here: prefix such
a cell with an apostrophe, which the spreadsheet hides and which keeps the text as typed.
Every CSV the project writes goes through `safe_frame`, `safe_row` or `safe_cell`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value` with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A csv.DictWriter row with every text cell made safe."""
    return {name: safe_cell(value) for name, value in row.items()}


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and column names) are safe; numbers stay numbers."""
    text = [c for c in frame.columns
            if pd.api.types.is_object_dtype(frame[c]) or pd.api.types.is_string_dtype(frame[c])]
    out = frame.copy()
    for column in text:
        out[column] = out[column].map(safe_cell)
    return out.rename(columns=lambda c: safe_cell(c) if isinstance(c, str) else c)


def to_safe_csv(frame: pd.DataFrame, **kwargs: Any) -> str:
    """`frame.to_csv(...)` with formulas neutralised; the one way the project writes a CSV."""
    return safe_frame(frame).to_csv(**kwargs)
