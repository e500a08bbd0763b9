"""How the benchmarks hand over their figures: JSON on stdout, and in a file when asked."""

from __future__ import annotations

import json
from pathlib import Path


def print_report(report: dict, json_out: Path | None = None) -> None:
    """Print `report` as indented JSON; also write it to `json_out` when given (--json-out)."""
    text = json.dumps(report, indent=2)
    if json_out:
        json_out.write_text(text + "\n")
    print(text)
