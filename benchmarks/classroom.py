"""A class at once: N learners open Train and start a run together on one `streamlit run serve.py`.

Budgets (DESIGN.md, issue 13): 30 learners x 20 steps all done within 1.3x the pure compute
time (in every one of --repeat runs); the health endpoint's p99 within 200 ms and its slowest
answer within 500 ms throughout; an idle session costs < 1 MB of server memory; a finished PEFT
run < 1 MB (--runs-each 3: every learner trains three times, then the server's RSS is read).

--hostile: 20 honest learners, first alone, then beside one hostile client (40 tabs pressing
Train on the largest run the settings allow, each tab flooding uploads), both times behind the
deployment's proxy (deploy/haproxy.cfg). Goal: the honest learners' median time to a finished
run at most 2x the no-attack case, and the server's RSS bounded (benchmarks/hostile_client.py).

Each learner is a real WebSocket session speaking Streamlit's protocol (benchmarks/
streamlit_client.py), not a browser: 30 Chromiums on 2 cores would measure the browsers. A
learner opens /train?method=...&task=...&steps=... (the page fills its widgets from the link),
then all press Train at the same moment; a learner is done when the page shows "Finished N
steps." (the alert drawn after the run). Its time runs from its click to that message. The
tabs run the live chart's 1 s fragment timer as the frontend does, so the server does the same
polling work as for browsers.

Pure compute baseline (measured first, in a subprocess, on the quiet machine): one whole run
exactly as a job runs it (`adaptlab.training.run.execute`: copy + apply the method, evaluate before,
N steps, evaluate after, frozen-weights proof) with one torch thread, as the app's worker processes
run it; `one_run_s` is the median of a few runs after a warm-up. The class's pure compute time is
learners x one_run_s / slots (2 slots = 2 cores): perfect use of both cores and nothing else.
But two runs at once slow each other down on shared caches and memory (about 1.25x here), so
the machine's real pure compute is measured too: `two_processes_s`, two processes (one torch
thread each, as the workers) each doing one run at the same moment; the class's pure compute on
two cores is then ceil(learners / 2) x two_processes_s (`pure_compute_two_processes_s`).
`two_runs_at_once_s` (two threads of one process, sharing a GIL) is reported for reference.

Health latency: a separate process GETs /_stcore/health every --sample-ms throughout and reads
the server's RSS from /proc/<pid>/status. Memory: `rss_before` is after one warm-up tab trained
a one-step run (torch imported, the workers started with the model: pages no longer import
torch, so opening Train alone does not warm the server); `rss_idle` after the N learners opened Train too;
per_idle_session_mb = (rss_idle - rss_before) / N; `rss_peak_training` the highest sample while
they train.

    python benchmarks/classroom.py [--learners 30] [--steps 20] [--method lora] [--repeat 5]
                                   [--runs-each 3] [--hostile] [--json-out F]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report import print_report  # noqa: E402
from benchmarks.streamlit_client import AppSession, element_text  # noqa: E402
from tests.browser.conftest import launch_server, stop_server  # noqa: E402

PAGE = "train"
TASK = "sentiment"
SLOTS = 2  # ui.jobs.DEFAULT_SLOTS: worker processes on the classroom machine
FAILED = ("The run failed", "The run stopped early", "Stopped:")


# ---------------------------------------------------------------- the pure compute baseline

BASELINE_CODE = """
import json, statistics, sys, threading, time
import torch
torch.set_num_threads(1)  # as each of the app's worker processes (adaptlab.training.workers)
from adaptlab.models import load_model, load_tokenizer
from adaptlab.training.plan import plan_run
from adaptlab.training.run import execute
method, task, steps, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
start_at = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0  # a pair: both start then
base, tok = load_model("mini").eval(), load_tokenizer("mini")
plan = plan_run("mini", method, {}, context=base.config.n_positions, task=task, steps=steps,
                seed=0, batch_size=8, max_length=64, schedule="constant")
def timed(n):
    start = time.perf_counter()
    threads = [threading.Thread(target=execute, args=(plan, base, tok)) for _ in range(n)]
    for t in threads: t.start()
    for t in threads: t.join()
    return time.perf_counter() - start
timed(1)  # warm-up: lazy imports, first allocations
if start_at:
    durations = []
    for index in range(runs):  # run i of both processes starts at the same moment
        time.sleep(max(0.0, start_at + 10.0 * index - time.time()))
        durations.append(timed(1))
    print(json.dumps(durations))
    sys.exit()
one = [timed(1) for _ in range(runs)]
two = [timed(2) for _ in range(runs)]
print(json.dumps({"one_run_s": statistics.median(one), "two_runs_at_once_s": statistics.median(two),
                  "one_run_samples_s": one, "two_runs_samples_s": two}))
"""


def baseline(method: str, task: str, steps: int, runs: int) -> dict:
    command = [sys.executable, "-c", BASELINE_CODE, method, task, str(steps), str(runs)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    start_at = str(time.time() + 30)  # both loaded and warmed up by then
    pair = [subprocess.Popen([*command, start_at], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             text=True) for _ in range(2)]
    runs_of = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in pair]
    both = [max(a, b) for a, b in zip(*runs_of, strict=True)]
    result.update(two_processes_s=statistics.median(both), two_processes_samples_s=both)
    return {k: [round(x, 3) for x in v] if isinstance(v, list) else round(v, 3)
            for k, v in result.items()}


# ---------------------------------------------------------------- server process, samples

def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int | str = "self") -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU-seconds all cores spent outside idle/iowait since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def sample(url: str, pid: int, interval: float, stop, results) -> None:
    """Sampler process: (time, health latency ms or None, server RSS MB) every `interval`."""
    rows = []
    while not stop.is_set():
        start, ok = time.time(), True
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
                ok = response.read().strip() == b"ok"
        except OSError:
            ok = False
        latency = (time.time() - start) * 1000
        try:
            rows.append((start, round(latency, 2) if ok else None, round(rss_mb(pid), 1)))
        except OSError:  # the server is gone
            break
        stop.wait(max(0.0, interval - (time.time() - start)))
    results.put(rows)


def latency_stats(values: list[float | None]) -> dict:
    ok = sorted(v for v in values if v is not None)
    if not ok:
        return {"samples": len(values), "failed": len(values)}
    # Every figure rounded alike, so p99 <= max also holds after rounding.
    return {"samples": len(values), "failed": len(values) - len(ok), "max_ms": round(ok[-1], 1),
            "p50_ms": round(statistics.median(ok), 1),
            "p95_ms": round(ok[min(len(ok) - 1, int(0.95 * len(ok)))], 1),
            "p99_ms": round(ok[min(len(ok) - 1, int(0.99 * len(ok)))], 1)}


# ---------------------------------------------------------------- the learners

def link(method: str, task: str, steps: int) -> str:
    return f"method={method}&task={task}&steps={steps}&seed=0"


async def settle_rss(pid: int, wait: float = 3.0, reads: int = 5) -> float:
    await asyncio.sleep(wait)
    values = []
    for _ in range(reads):
        values.append(rss_mb(pid))
        await asyncio.sleep(0.2)
    return round(statistics.median(values), 1)


async def train_and_wait(tab: AppSession, button: str, steps: int, timeout: float, t0: float) -> dict:
    """Press Train; wait for "Finished N steps." (or a failure). Times from this tab's click."""
    seen: dict[str, float] = {}

    def finished() -> bool:
        for element in tab.find():
            text = element_text(element)
            kind = element.WhichOneof("type")
            if kind == "progress" and text.startswith("Running") and "running" not in seen:
                seen["running"] = time.monotonic()
            if kind == "alert" and (text == f"Finished {steps} steps." or text.startswith(FAILED)):
                seen["end"], seen["text"] = time.monotonic(), text
                return True
            if kind == "exception":
                seen["end"], seen["text"] = time.monotonic(), "exception: " + element.exception.message
                return True
        return False

    clicked = await tab.click(button)
    try:
        await tab.wait_for(finished, timeout)
    except TimeoutError:
        seen["text"] = "timed out"
    return {"clicked_at_s": round(clicked - t0, 3),
            "started_running_s": round(seen["running"] - clicked, 2) if "running" in seen else None,
            "finished_s": round(seen["end"] - clicked, 2) if "end" in seen else None,
            "finished_at_s": round(seen["end"] - t0, 2) if "end" in seen else None,
            "outcome": seen.get("text", "?")[:200], "messages": tab.received,
            "kbytes": round(tab.received_bytes / 1024)}


async def warm_server(url: str, args: argparse.Namespace) -> AppSession:
    """One tab trains a one-step run: the class then meets a warm server (torch imported, the
    worker processes started with the model), as one a teacher opened before the lesson."""
    warm = await AppSession(url).connect()
    await warm.open(PAGE, link(args.method, TASK, 1), timeout=args.timeout)
    row = await train_and_wait(warm, warm.button_id(key=f"{PAGE}.start"), 1, args.timeout,
                               time.monotonic())
    if row["outcome"] != "Finished 1 steps.":
        raise RuntimeError(f"the warm-up run did not finish: {row['outcome']}")
    return warm


async def drive(url: str, pid: int, args: argparse.Namespace, marks: dict) -> list[dict]:
    start = time.monotonic()
    warm = await warm_server(url, args)
    marks["warmup_s"] = round(time.monotonic() - start, 2)
    marks["rss_before_mb"] = await settle_rss(pid)
    tabs = [AppSession(url) for _ in range(args.learners)]
    await asyncio.gather(*(tab.connect() for tab in tabs))
    marks["t_open"] = time.time()
    start = time.monotonic()
    await asyncio.gather(*(tab.open(PAGE, link(args.method, TASK, args.steps), args.timeout)
                           for tab in tabs))
    marks["all_opened_s"] = round(time.monotonic() - start, 2)
    marks["rss_idle_mb"] = await settle_rss(pid)
    buttons = [tab.button_id(key=f"{PAGE}.start") for tab in tabs]
    marks["cpu_before"] = (cpu_seconds(pid), cpu_seconds(), machine_busy_seconds())
    marks["t_click"], t0 = time.time(), time.monotonic()
    learners = await asyncio.gather(*(train_and_wait(tab, button, args.steps, args.timeout, t0)
                                      for tab, button in zip(tabs, buttons, strict=True)))
    marks["t_done"] = time.time()
    marks["cpu_after"] = (cpu_seconds(pid), cpu_seconds(), machine_busy_seconds())
    for _ in range(args.runs_each - 1):  # memory: every learner trains again, all at once
        await asyncio.gather(*(train_and_wait(tab, button, args.steps, args.timeout, t0)
                               for tab, button in zip(tabs, buttons, strict=True)))
    if args.runs_each > 1:
        marks["rss_after_runs_mb"] = await settle_rss(pid)
    for tab in [*tabs, warm]:
        await tab.close()
    return [{"learner": i, **row} for i, row in enumerate(learners)]


# ---------------------------------------------------------------- report

def summarize(args, base: dict, learners: list[dict], marks: dict, rows: list) -> dict:
    done = [r["finished_s"] for r in learners if r["finished_s"] is not None]
    ok = [r for r in learners if r["outcome"] == f"Finished {args.steps} steps."]
    all_finished = max((r["finished_at_s"] for r in learners if r["finished_at_s"]), default=None)
    pure = args.learners * base["one_run_s"] / SLOTS
    paired = -(-args.learners // SLOTS) * base["two_processes_s"]
    training = [r for r in rows if marks["t_click"] <= r[0] <= marks["t_done"]]
    idle = [r for r in rows if r[0] < marks["t_click"]]
    (srv0, drv0, box0), (srv1, drv1, box1) = marks["cpu_before"], marks["cpu_after"]
    span = marks["t_done"] - marks["t_click"]
    per_idle = (marks["rss_idle_mb"] - marks["rss_before_mb"]) / args.learners
    health = latency_stats([r[1] for r in rows])
    return {
        "learners": args.learners, "steps": args.steps, "method": args.method, "task": TASK,
        "slots": SLOTS, "cores": len(os.sched_getaffinity(0)),
        "all_ok": len(ok) == args.learners,
        "baseline": {**base, "definition": "one_run_s: median wall time of one whole run "
                     "(adaptlab.training.run.execute, 1 torch thread) alone; pure_compute_s = learners x "
                     "one_run_s / slots"},
        "pure_compute_s": round(pure, 1), "pure_compute_two_processes_s": round(paired, 1),
        "all_finished_s": all_finished,
        "ratio_all_finished_to_pure_compute": round(all_finished / pure, 2) if all_finished else None,
        "ratio_to_two_processes_baseline": round(all_finished / paired, 2) if all_finished
        else None,
        "finished_s": {"first": min(done, default=None), "median": statistics.median(done) if done
                       else None, "last": max(done, default=None)},
        "health": {"all": health, "idle_phase": latency_stats([r[1] for r in idle]),
                   "training_phase": latency_stats([r[1] for r in training]),
                   "interval_ms": args.sample_ms,
                   "over_200ms": [[round(r[0] - marks["t_click"], 1), r[1]] for r in rows
                                  if r[1] is None or r[1] > 200][:40]},
        "memory_mb": {"rss_start": rows[0][2] if rows else None,
                      "rss_before": marks["rss_before_mb"], "rss_idle": marks["rss_idle_mb"],
                      "per_idle_session": round(per_idle, 3),
                      "rss_peak_training": max((r[2] for r in training), default=None),
                      "rss_end": rows[-1][2] if rows else None,
                      **({"runs_each": args.runs_each,
                          "rss_after_all_runs": marks["rss_after_runs_mb"],
                          "per_finished_run": round((marks["rss_after_runs_mb"]
                                                     - marks["rss_idle_mb"])
                                                    / (args.learners * args.runs_each), 3)}
                         if "rss_after_runs_mb" in marks else {})},
        "cpu_during_training": {"seconds": round(span, 1), "server_cpu_s": round(srv1 - srv0, 1),
                                "driver_cpu_s": round(drv1 - drv0, 1),
                                "machine_busy_s": round(box1 - box0, 1),
                                "other_processes_cpu_s": round((box1 - box0) - (srv1 - srv0)
                                                               - (drv1 - drv0), 1)},
        "timings": {k: marks[k] for k in ("warmup_s", "all_opened_s")},
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "goals": {"ratio_le_1.3": bool(all_finished and all_finished / pure <= 1.3),
                  "ratio_to_two_processes_le_1.3": bool(all_finished
                                                        and all_finished / paired <= 1.3),
                  "health_p99_le_200ms_max_le_500ms": bool(
                      health.get("p99_ms", 1e9) <= 200 and health.get("max_ms", 1e9) <= 500
                      and not health.get("failed")),
                  "idle_session_lt_1mb": per_idle < 1.0},
        "per_learner": learners,
    }


def with_server(work, sample_ms: float, proxy: bool = False) -> tuple[object, list, str]:
    """A fresh server (behind deploy/haproxy.cfg if `proxy`), sampled throughout; returns what
    `work(url, server_pid)` (a coroutine function) returned, the samples and the server log."""
    from benchmarks.hostile_client import start_proxy

    log = Path(tempfile.mkdtemp(prefix="classroom-")) / "server.log"
    ctx = multiprocessing.get_context("spawn")
    stop, results = ctx.Event(), ctx.Queue()
    server, url = launch_server(log)
    balancer = None
    try:
        if proxy:
            balancer, url = start_proxy(url)
        sampler = ctx.Process(target=sample, args=(url, server.pid, sample_ms / 1000, stop,
                                                   results), daemon=True)
        sampler.start()
        try:
            value = asyncio.run(work(url, server.pid))
        finally:
            stop.set()
            rows = results.get(timeout=30)
            sampler.join(10)
    finally:
        if balancer is not None:
            balancer.terminate()
            balancer.wait(10)
        stop_server(server)
    return value, rows, str(log)


def class_run(args: argparse.Namespace, base: dict) -> dict:
    """One class against a fresh server: the report of one run."""
    marks: dict = {}

    async def work(url: str, pid: int) -> list[dict]:
        return await drive(url, pid, args, marks)

    learners, rows, log = with_server(work, args.sample_ms)
    report = summarize(args, base, learners, marks, rows)
    report["server_log"] = log
    return report


def hostile_run(args: argparse.Namespace) -> dict:
    """20 honest learners alone, then beside the hostile client; both behind the proxy."""
    from benchmarks.hostile_client import attack

    phases = {}
    for attacked in (False, True):
        marks: dict = {}

        async def work(url: str, pid: int, attacked: bool = attacked, marks: dict = marks):
            warm = await warm_server(url, args)
            marks["rss_before_mb"] = await settle_rss(pid)
            hostile = []
            if attacked:
                hostile, marks["attack"] = await attack(url, args.hostile_tabs, args.method, TASK,
                                                        args.uploads_per_tab, args.timeout)
                marks["rss_after_attack_started_mb"] = rss_mb(pid)
            honest = [AppSession(url) for _ in range(args.honest)]
            await asyncio.gather(*(tab.connect() for tab in honest))
            await asyncio.gather(*(tab.open(PAGE, link(args.method, TASK, args.steps),
                                            args.timeout) for tab in honest))
            buttons = [tab.button_id(key=f"{PAGE}.start") for tab in honest]
            marks["t_click"], t0 = time.time(), time.monotonic()
            rows = await asyncio.gather(*(train_and_wait(tab, b, args.steps, args.timeout, t0)
                                          for tab, b in zip(honest, buttons, strict=True)))
            marks["t_done"] = time.time()
            marks["rss_end_mb"] = rss_mb(pid)
            for tab in [*honest, *hostile, warm]:
                await tab.close()
            return rows

        learners, samples, log = with_server(work, args.sample_ms, proxy=True)
        done = [r["finished_s"] for r in learners if r["finished_s"] is not None]
        during = [r for r in samples if marks["t_click"] <= r[0] <= marks["t_done"]]
        phases["attack" if attacked else "no_attack"] = {
            "honest_all_finished": len(done) == args.honest and all(
                r["outcome"] == f"Finished {args.steps} steps." for r in learners),
            "honest_finished_s": {"median": statistics.median(done) if done else None,
                                  "last": max(done, default=None)},
            "honest_started_running_s": {"median": statistics.median(
                [r["started_running_s"] for r in learners if r["started_running_s"] is not None]
                or [float("nan")])},
            "health_while_honest_train": latency_stats([r[1] for r in during]),
            "rss_mb": {"before": marks["rss_before_mb"],
                       "peak": max((r[2] for r in samples), default=None),
                       "end": marks["rss_end_mb"],
                       **({"after_attack_started": marks["rss_after_attack_started_mb"]}
                          if attacked else {})},
            **({"hostile_client": marks["attack"]} if attacked else {}),
            "outcomes": sorted({r["outcome"] for r in learners}), "server_log": log}
    calm, attacked = (phases[k]["honest_finished_s"]["median"] for k in ("no_attack", "attack"))
    ratio = round(attacked / calm, 2) if calm and attacked else None
    return {"honest": args.honest, "steps": args.steps, "method": args.method,
            "hostile_tabs": args.hostile_tabs, "uploads_per_tab": args.uploads_per_tab,
            **phases, "honest_median_ratio_attack_to_no_attack": ratio,
            "goals": {"honest_median_le_2x": bool(ratio and ratio <= 2.0
                                                  and phases["attack"]["honest_all_finished"])},
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def run(args: argparse.Namespace) -> dict:
    """Baseline, then --repeat classes, each against a fresh server (or the --hostile pair)."""
    if args.hostile:
        return hostile_run(args)
    base = baseline(args.method, TASK, args.steps, args.baseline_runs)
    print(f"baseline: {base}", file=sys.stderr)
    runs: list[dict] = []
    for index in range(args.repeat):
        runs.append(class_run(args, base))
        print(f"run {index + 1}: ratio {runs[-1]['ratio_all_finished_to_pure_compute']}, "
              f"health {runs[-1]['health']['all']}", file=sys.stderr)
    if args.repeat == 1:
        return runs[0]
    goals = {name: sum(r["goals"][name] for r in runs) for name in runs[0]["goals"]}
    return {"repeat": args.repeat, "goals_met_in_runs": goals,
            "ratios": [r["ratio_all_finished_to_pure_compute"] for r in runs],
            "ratios_to_two_processes": [r["ratio_to_two_processes_baseline"] for r in runs],
            "health_p99_ms": [r["health"]["all"].get("p99_ms") for r in runs],
            "health_max_ms": [r["health"]["all"].get("max_ms") for r in runs],
            "runs": [{k: v for k, v in r.items() if k != "per_learner"} for r in runs]}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30, help="simulated learners (default 30)")
    parser.add_argument("--steps", type=int, default=20, help="training steps per run (default 20)")
    parser.add_argument("--method", default="lora", help="adaptation method (default lora)")
    parser.add_argument("--json-out", type=Path, help="also write the JSON report here")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a learner may wait")
    parser.add_argument("--sample-ms", type=float, default=150, help="health/RSS sample interval")
    parser.add_argument("--baseline-runs", type=int, default=3, help="runs timed for the baseline")
    parser.add_argument("--repeat", type=int, default=1, help="classes, each on a fresh server")
    parser.add_argument("--runs-each", type=int, default=1,
                        help="runs per learner (the later ones measure memory, not time)")
    parser.add_argument("--hostile", action="store_true",
                        help="honest learners without, then with, a hostile client")
    parser.add_argument("--honest", type=int, default=20, help="honest learners (--hostile)")
    parser.add_argument("--hostile-tabs", type=int, default=40, help="hostile tabs (--hostile)")
    parser.add_argument("--uploads-per-tab", type=int, default=10,
                        help="5 MB uploads each hostile tab sends (--hostile)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    print_report(run(args), args.json_out)


if __name__ == "__main__":
    main()
