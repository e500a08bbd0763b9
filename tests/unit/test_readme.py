"""The README's Quick start: a CPU-torch line for laptops, then exactly the two commands.

.ci/run takes the first code-block line that mentions pytest as the test command (its awk), so
that line must stay the Quick start's second command.
"""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
CPU_TORCH = "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"


def code_blocks(text: str) -> list[list[str]]:
    return [[line for line in block.splitlines() if line.strip()]
            for block in re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.S | re.M)]


def quick_start(text: str) -> str:
    return text.split("## Quick start", 1)[1].split("\n## ", 1)[0]


def test_quick_start_offers_cpu_torch_before_its_two_commands():
    blocks = code_blocks(quick_start(README.read_text(encoding="utf-8")))
    assert blocks[0] == [CPU_TORCH]
    assert len(blocks[1]) == 2
    assert "streamlit run serve.py" in blocks[1][0] and "pytest" in blocks[1][1]


def test_ci_finds_the_quick_start_test_line_first():
    text = README.read_text(encoding="utf-8")
    every_line = [line for block in code_blocks(text) for line in block]
    first_pytest = next(line for line in every_line if "pytest" in line)
    assert first_pytest == code_blocks(quick_start(text))[1][1]


def test_the_readme_pins_the_same_torch_as_requirements():
    pinned = next(line for line in (README.parent / "requirements.txt").read_text().splitlines()
                  if line.startswith("torch=="))
    assert pinned.split()[0] in CPU_TORCH
