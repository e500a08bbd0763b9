"""The classroom benchmark end to end, small: 2 learners x 3 steps on a real `streamlit run`.

It runs the script as a user would (a subprocess: its asyncio loop must not meet the event
loop pytest-playwright keeps in this process), which starts the server, connects two protocol
clients and trains; then checks that the JSON report is complete and sane (not that the budgets
hold: that needs the full class on a quiet machine).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_two_learners_three_steps_finish_and_the_report_is_sane(tmp_path) -> None:
    out = tmp_path / "classroom.json"
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "benchmarks/classroom.py", "--learners", "2", "--steps", "3",
                    "--baseline-runs", "1", "--timeout", "120", "--json-out", str(out)],
                   cwd=root, check=True, capture_output=True, timeout=600)
    report = json.loads(out.read_text())
    assert report["all_ok"], report["per_learner"]
    assert [r["outcome"] for r in report["per_learner"]] == ["Finished 3 steps."] * 2
    for row in report["per_learner"]:
        assert 0 < row["finished_s"] < 120 and row["messages"] > 10
    assert report["baseline"]["one_run_s"] > 0 and report["pure_compute_s"] > 0
    assert report["all_finished_s"] == max(r["finished_at_s"] for r in report["per_learner"])
    health = report["health"]["all"]
    assert health["samples"] > 10 and health["failed"] == 0 and health["max_ms"] > 0
    memory = report["memory_mb"]
    assert memory["rss_before"] > 100 and memory["rss_peak_training"] >= memory["rss_idle"] > 0
    assert set(report["goals"]) == {"ratio_le_1.3", "ratio_to_two_processes_le_1.3",
                                    "health_p99_le_200ms_max_le_500ms", "idle_session_lt_1mb"}
    assert report["baseline"]["two_processes_s"] > 0 and health["p99_ms"] <= health["max_ms"]
    assert report["learners"] == 2


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="--hostile runs behind haproxy")
def test_the_hostile_client_is_refused_and_honest_learners_finish(tmp_path) -> None:
    out = tmp_path / "hostile.json"
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "benchmarks/classroom.py", "--hostile", "--honest", "2",
                    "--hostile-tabs", "6", "--uploads-per-tab", "1", "--steps", "3",
                    "--timeout", "120", "--json-out", str(out)],
                   cwd=root, check=True, capture_output=True, timeout=600)
    report = json.loads(out.read_text())
    for phase in ("no_attack", "attack"):
        assert report[phase]["honest_all_finished"], report[phase]
    hostile = report["attack"]["hostile_client"]
    # Two workers: two large runs compute, two wait, the other two are refused.
    assert hostile["answers"] == {"accepted (running or waiting)": 4,
                                  "refused: queue for large runs full": 2}
    assert hostile["uploads"] == {"204": 6}  # within the proxy's budget: accepted
    assert report["honest_median_ratio_attack_to_no_attack"] > 0
