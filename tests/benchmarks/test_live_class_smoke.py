"""The live class benchmark end to end, small: 4 learners and 1 push on a real `streamlit run`.

It runs the script as a user would (a subprocess: its asyncio loop must not meet the event
loop pytest-playwright keeps in this process): the instructor unlocks the Live class page and
opens a session, four protocol clients sign in and join on Home, the question pushed from the
page reaches every one of them through its live panel's polling, each answers, and the
projector's chart counts every answer. Checks that the JSON report is complete and sane (not
that the budgets hold: that needs the full class on a quiet machine).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_four_learners_see_the_push_answer_and_the_chart_counts_them(tmp_path) -> None:
    out = tmp_path / "live_class.json"
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "benchmarks/live_class.py", "--learners", "4", "--pushes", "1",
                    "--join-spread-s", "1", "--answer-spread-s", "0.5", "--timeout", "60",
                    "--json-out", str(out)],
                   cwd=root, check=True, capture_output=True, timeout=600)
    report = json.loads(out.read_text())
    assert report["joined"] == report["learners"] == 4 and report["not_joined"] == []
    assert report["every_learner_saw_every_push"] and report["every_answer_charted"]
    (push,) = report["per_push"]
    assert push["missed"] == 0 and push["reach_s"]["count"] == 4  # every learner saw it
    assert push["answers_committed"] == push["answers_confirmed"] == 4
    assert push["chart_s"]["count"] == 4 and push["not_charted"] == 0
    assert 0 <= push["click_to_commit_s"] < 60
    for name in ("push_to_learner_s", "answer_to_chart_s"):
        shown = report[name]
        assert shown["count"] == 4 and 0 <= shown["p50"] <= shown["p95"] <= shown["max"] < 60
    health = report["health"]["class"]
    assert health["samples"] > 5 and health["failed"] == 0
    assert 0 < health["p50_ms"] <= health["p99_ms"] <= round(health["max_ms"], 1)
    memory = report["memory_mb"]
    assert memory["rss_before"] > 100 and memory["rss_peak"] >= memory["rss_joined"] > 0
    assert set(report["goals"]) == {"push_p95_le_2s", "chart_p95_le_2s",
                                    "health_p99_le_200ms_max_le_500ms"}
    assert report["cpu_count"] >= 1 and len(report["load_average"]) == 3
