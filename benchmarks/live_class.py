"""A live class at once: N learners in one class session, the instructor pushes questions.

Goals (issue 15, item 6): a pushed question reaches every learner's page within 2 s (p95); the
projector's answer chart counts an answer within 2 s of its commit (p95); the health endpoint's
p99 within 200 ms and its slowest answer within 500 ms throughout (the classroom budget,
benchmarks/classroom.py).

Everything goes through the app, over Streamlit's WebSocket protocol (benchmarks/
streamlit_client.py, as benchmarks/classroom.py): one `streamlit run serve.py` on a temp SQLite
database with an instructor passcode. The instructor's tab opens Home, then the Live class page,
unlocks it with the passcode and opens a session with the page's form (the page itself, not
adaptlab.live). Each learner is its own Streamlit session: it opens Home with the join link
(?join=CODE) and signs in and joins with the form there (name + secret + code, one submit), at a
random moment within --join-spread-s, as a class typing the code from the projector. Then every
learner sits on Home, where its live panel fragment (ui/live_question.py) ticks every 0.8-1.0 s
as a browser's would (the client honours `run_every` like the frontend), and so does the
projector's answer chart (ui/live_host.py, 1 s).

The instructor then pushes --pushes different single-choice questions with the page's controls
(topic and question selectboxes, then "Push to the class"), --gap-s apart. For each push:
- reach: from the push's commit to the moment the question's text arrived in each learner's
  session (the element's arrival at the client);
- each learner answers at a random moment within --answer-spread-s of seeing it, with the
  panel's radio and its "Send my answer" button (a fragment rerun, as in a browser);
- chart: from each answer's commit to the first projector chart (a fragment tick of the
  instructor's session) whose title counts at least that many answers to this push (answers
  are ranked by commit time, so the k-th committed is counted once the chart says k).
Commit times: a watcher thread in this process reads the SQLite file (read-only, WAL: it never
blocks the server's writes) every 10 ms and notes when each push and answer row is first
visible; so latencies are measured from at most 10 ms after the real commit. The rows' own
timestamps (taken just before their transaction) give `commit_after_stamp_ms`, the write's
own time.

Health and memory: a separate process GETs /_stcore/health every --sample-ms and reads the
server's RSS (benchmarks/classroom.py's sampler). The budget applies from the first learner's
join to the last push's chart (`health.class`); the server's start, the instructor's first page
and the engine's background warm-up import (ui/warmup.py) come before it (`health.startup`).
`rss_before` is read once the instructor's page is up, one warm-up learner has joined and left
(the first sign-in imports the quiz store) and the server's CPU is quiet (the warm-up import is
over); `rss_joined` after every learner joined; per_session = the difference / learners.

Diagnostics: `cpu_during_pushes` has the server's CPU-seconds over the pushes, the learners'
fragment runs in that time and the server's CPU per run (everything the server did, divided by
the learners' fragment runs: an upper bound of one tick's cost), and `driver_loop_lag_ms`, how
late this process's event loop woke up (a busy driver would note arrivals late).

    python benchmarks/live_class.py [--learners 60] [--pushes 5] [--json-out F]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adaptlab.quiz import ChoiceQuestion, bundled_bank  # noqa: E402
from benchmarks.classroom import (  # noqa: E402
    cpu_seconds,
    latency_stats,
    machine_busy_seconds,
    rss_mb,
    settle_rss,
    with_server,
)
from benchmarks.hostile_client import widget_id  # noqa: E402
from benchmarks.report import print_report  # noqa: E402
from benchmarks.streamlit_client import AppSession, element_text  # noqa: E402

PASSCODE = "live-class benchmark passcode 2026"  # >= 12 characters (ui/config_checks.py)
REACH_GOAL_S = CHART_GOAL_S = 2.0
HEALTH_P99_MS, HEALTH_MAX_MS = 200, 500
WATCH_S = 0.01
HEADER = re.compile(r"^\*\*Live question\*\* · ")  # ui/live_host.py; the prompt comes next
ANSWERS = re.compile(r"^(\d+) answers?$")  # adaptlab/live/tally._layout: the chart's title


# ---------------------------------------------------------------- a tab that notes arrivals

class Tab(AppSession):
    """An AppSession that also notes, per delta path, when its newest element arrived and which
    fragment drew it: a click inside a fragment then reruns only that fragment, as a browser
    does, and the time something appeared is its arrival, not when a waiter woke up."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.arrived: dict[tuple[int, ...], float] = {}
        self.fragment_at: dict[tuple[int, ...], str] = {}
        self.charts: list[tuple[float, str, int]] = []  # (arrival, question prompt, count) shown
        self._question = ""  # the prompt under the answers panel's header, for the chart after it
        self._after_header = False

    def _handle(self, msg) -> None:
        super()._handle(msg)
        if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
            return
        path, now, element = tuple(msg.metadata.delta_path), time.time(), msg.delta.new_element
        self.arrived[path], self.fragment_at[path] = now, msg.delta.fragment_id
        kind = element.WhichOneof("type")
        if kind == "markdown" and HEADER.match(element.markdown.body):
            self._after_header = True  # the header names the topic; the prompt names the question
        elif kind == "markdown" and self._after_header:
            self._question, self._after_header = element.markdown.body, False
        elif kind == "plotly_chart":
            title = json.loads(element.plotly_chart.spec)["layout"].get("title", {})
            if match := ANSWERS.match(str(title.get("text", ""))):
                self.charts.append((now, self._question, int(match.group(1))))

    def shown_since(self, text: str, since: float, kind: str | None = None) -> float | None:
        """Arrival time of the first element (of `kind`) showing `text` that came after
        `since`; None if there is none (stale elements of earlier runs do not count)."""
        times = [self.arrived[p] for p, e in list(self.elements.items())
                 if (kind is None or e.WhichOneof("type") == kind)
                 and text in element_text(e) and self.arrived.get(p, 0) > since]
        return min(times, default=None)

    async def click_in_place(self, widget: str) -> float:
        """Press a button; inside a fragment only that fragment reruns. Returns time.time()."""
        path = next(p for p, e in self.elements.items() if widget_of(e) == widget)
        sent = time.time()
        await self.rerun([widget], fragment_id=self.fragment_at.get(path, ""))
        return sent

    async def full_run(self, triggers: tuple[str, ...] = (), timeout: float = 120) -> float:
        """A whole-page rerun (with one-shot `triggers`); waits until it ended."""
        done, sent = self.full_runs_finished, time.time()
        await self.rerun(triggers)
        await self.wait_for(lambda: self.full_runs_finished > done, timeout)
        return sent


def widget_of(element) -> str:
    """The widget id of an element ("" if it is no widget)."""
    kind = element.WhichOneof("type")
    inner = getattr(element, kind) if kind else None
    return inner.id if inner is not None and "id" in inner.DESCRIPTOR.fields_by_name else ""


def submit_button(tab: Tab, form: str) -> str:
    for element in tab.find("button"):
        if element.button.is_form_submitter and element.button.form_id == form:
            return element.button.id
    raise LookupError(f"no submit button of form {form!r}: {tab.texts()[-8:]}")


def has_button(tab: Tab, label: str) -> bool:
    return any(e.button.label == label for e in tab.find("button"))


# ---------------------------------------------------------------- commit times, from the file

class CommitWatcher(threading.Thread):
    """Notes when each live push and answer first becomes visible in the SQLite file."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(name="commit-watcher", daemon=True)
        self.db_path, self.stop = db_path, threading.Event()
        self.pushes: dict[int, dict] = {}  # push id -> seen, stamp, question
        self.answers: dict[tuple[int, str], dict] = {}  # (push id, learner) -> seen, stamp

    def run(self) -> None:
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=5)
        last_push = last_answer = 0
        while not self.stop.wait(WATCH_S):
            now = time.time()
            for rowid, qid, stamp in conn.execute(
                    "SELECT id, question_id, pushed_at FROM live_pushes WHERE id > ?",
                    (last_push,)):
                self.pushes[rowid] = {"seen": now, "stamp": stamp_s(stamp), "question": qid}
                last_push = max(last_push, rowid)
            for rowid, push, learner, stamp in conn.execute(
                    "SELECT rowid, push_id, learner, created_at FROM live_answers "
                    "WHERE rowid > ?", (last_answer,)):
                self.answers[push, learner] = {"seen": now, "stamp": stamp_s(stamp)}
                last_answer = max(last_answer, rowid)
        conn.close()

    def open_session(self) -> tuple[int, str] | None:
        with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT id, code FROM live_sessions WHERE closed_at IS NULL "
                                "ORDER BY id DESC LIMIT 1").fetchone()

    def answers_to(self, push_id: int) -> list[dict]:
        return sorted((a for (p, _), a in list(self.answers.items()) if p == push_id),
                      key=lambda a: a["seen"])


def stamp_s(text: str) -> float:
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


# ---------------------------------------------------------------- the instructor

async def open_live_page(host: Tab, timeout: float) -> None:
    """Home first (a fresh server's first page must be routed by app.py), then the Live class
    page, unlocked with the passcode, then a session opened with the page's form."""
    await host.open("", timeout=timeout)
    await host.open("live", timeout=timeout)
    field = widget_id(host, "text_input", "instructor.passcode")
    host.set_widget(field, string_value=PASSCODE)
    await host.full_run((submit_button(host, "instructor.login"),), timeout)
    del host.widgets[field]  # the page empties it; a browser would send "" from now on
    host.set_widget(widget_id(host, "text_input", "live.title"), string_value="Load test")
    await host.click(submit_button(host, "live.open_form"))
    await host.wait_for(lambda: has_button(host, "Push to the class"), timeout)
    host.widgets.clear()


async def choose(host: Tab, kind: str, key: str, option: str, timeout: float) -> None:
    """Pick `option` of a selectbox (a change reruns the page, as in a browser)."""
    field = widget_id(host, kind, key)
    if host.widgets.get(field) is None or host.widgets[field].string_value != option:
        host.set_widget(field, string_value=option)
        await host.full_run(timeout=timeout)


async def push(host: Tab, topic: str, index: int, timeout: float) -> float:
    """Choose the topic and its index-th question on the page, press Push; the click's time."""
    label = dict(bundled_bank().topics())[topic]
    chosen = host.widgets.get(widget_id(host, "selectbox", "live.topic"))
    if chosen is not None and chosen.string_value != label:  # the old topic's question goes
        host.widgets.pop(widget_id(host, "selectbox", "live.question"), None)
    await choose(host, "selectbox", "live.topic", label, timeout)
    box = next(e.selectbox for e in host.find("selectbox") if e.selectbox.id.endswith(
        "live.question"))
    await choose(host, "selectbox", "live.question", box.options[index], timeout)
    return await host.full_run((host.button_id(key="live.push"),), timeout)


def questions_to_push(count: int) -> list[tuple[str, int, ChoiceQuestion]]:
    """(topic, index in its topic, question): different single-choice questions, bank order."""
    bank = bundled_bank()
    chosen = [(topic, i, q) for topic in bank.topics() for i, q in enumerate(bank.by_topic(topic))
              if isinstance(q, ChoiceQuestion) and not q.multiple]
    if count > len(chosen):
        raise SystemExit(f"--pushes at most {len(chosen)}: the bank's single-choice questions")
    return chosen[:count]


# ---------------------------------------------------------------- the learners

async def join(tab: Tab, number: int, code: str, delay: float, timeout: float) -> dict:
    """Open the join link on Home at `delay`, sign in and join with the form there."""
    await asyncio.sleep(delay)
    start = time.time()
    await tab.open("", f"join={code}", timeout)
    fields = {"home.join_code": code, "quiz.name": f"learner {number:03d}",
              "quiz.secret": f"live-bench-secret-{number:03d}"}
    ids = [widget_id(tab, "text_input", key) for key in fields]
    for field, value in zip(ids, fields.values(), strict=True):
        tab.set_widget(field, string_value=value)
    await tab.full_run((submit_button(tab, "home.join_form"),), timeout)
    for field in ids:  # the form is gone once joined: a browser sends none of them
        tab.widgets.pop(field, None)
    joined = tab.shown_since(f"You are in the live class {code}", start) is not None
    return {"joined": joined, "join_s": round(time.time() - start, 2),
            **({} if joined else {"page": tab.texts()[:12]})}


async def take_push(tab: Tab, question: ChoiceQuestion, push_id_of, since: float,
                    spread: float, rng: random.Random, timeout: float) -> dict:
    """Wait for the pushed question on the page, then answer it within `spread` seconds."""
    try:
        await tab.wait_for(lambda: tab.shown_since(question.prompt, since) is not None, timeout)
    except TimeoutError:
        return {"seen_at": None, "answered": False}
    seen = tab.shown_since(question.prompt, since)
    await asyncio.sleep(rng.uniform(0, spread))
    push_id = await push_id_of()
    radio, form = f"quiz.live{push_id}.{question.id}.answer", f"live.form.{push_id}"
    try:  # the form's widgets come in the messages after the prompt's
        await tab.wait_for(lambda: any(e.radio.id.endswith(radio) for e in tab.find("radio"))
                           and any(e.button.form_id == form for e in tab.find("button")), timeout)
    except TimeoutError:
        return {"seen_at": seen, "answered": False, "page": tab.texts()[-6:]}
    radio = widget_id(tab, "radio", radio)
    tab.set_widget(radio, string_value=rng.choice(question.options).text)
    sent = await tab.click_in_place(submit_button(tab, form))
    try:
        await tab.wait_for(lambda: tab.shown_since("Your answer is in", sent, "alert")
                           is not None, timeout)
        confirmed = tab.shown_since("Your answer is in", sent, "alert")
    except TimeoutError:
        confirmed = None
    tab.widgets.pop(radio, None)
    return {"seen_at": seen, "answered": confirmed is not None,
            "confirmed_s": round(confirmed - sent, 3) if confirmed else None}


# ---------------------------------------------------------------- one push, measured

async def one_push(host: Tab, tabs: list[Tab], watcher: CommitWatcher, item, args,
                   rng: random.Random) -> dict:
    topic, index, question = item
    since = time.time()
    clicked = await push(host, topic, index, args.timeout)

    async def push_id() -> int:  # once the watcher has seen the push (each question once)
        while True:
            found = [p for p, row in list(watcher.pushes.items()) if row["question"] == question.id]
            if found:
                return found[0]
            await asyncio.sleep(WATCH_S)

    learners = await asyncio.gather(*(take_push(tab, question, push_id, since,
                                                args.answer_spread_s, rng, args.timeout)
                                      for tab in tabs))
    pid = await asyncio.wait_for(push_id(), args.timeout)
    confirmed, deadline = sum(r["answered"] for r in learners), time.monotonic() + 5
    while len(watcher.answers_to(pid)) < confirmed and time.monotonic() < deadline:
        await asyncio.sleep(WATCH_S)  # the watcher's next look at the file
    committed = len(watcher.answers_to(pid))
    with contextlib.suppress(TimeoutError):  # the chart has counted every committed answer
        await host.wait_for(lambda: any(q == question.prompt and n >= committed
                                        for _, q, n in host.charts), args.timeout)
    return measure_push(host, watcher, pid, question, clicked, learners)


def measure_push(host: Tab, watcher: CommitWatcher, pid: int, question: ChoiceQuestion,
                 clicked: float, learners: list[dict]) -> dict:
    row = watcher.pushes[pid]
    # (a value below 0 would be the watcher's own lateness, at most WATCH_S: counted as 0)
    reach = [max(0.0, r["seen_at"] - row["seen"]) for r in learners if r["seen_at"] is not None]
    answers = watcher.answers_to(pid)
    shown = [(t, n) for t, q, n in host.charts if q == question.prompt]
    chart = []
    for rank, answer in enumerate(answers, start=1):
        counted = min((t for t, n in shown if n >= rank and t >= answer["seen"] - WATCH_S),
                      default=None)
        chart.append(None if counted is None else max(0.0, counted - answer["seen"]))
    writes = [a["seen"] - a["stamp"] for a in answers]
    return {"push_id": pid, "question": question.id, "_clicked": clicked,
            "click_to_commit_s": round(row["seen"] - clicked, 3),
            "push_commit_after_stamp_ms": round((row["seen"] - row["stamp"]) * 1000, 1),
            "reach_s": stats(reach), "missed": sum(r["seen_at"] is None for r in learners),
            "answers_committed": len(answers),
            "answers_confirmed": sum(r["answered"] for r in learners),
            "answer_confirmed_s": stats([r["confirmed_s"] for r in learners
                                         if r.get("confirmed_s") is not None]),
            "answer_problems": [r["page"] for r in learners if "page" in r][:3],
            "answer_commit_after_stamp_ms": stats([w * 1000 for w in writes], 1),
            "chart_s": stats([c for c in chart if c is not None]),
            "not_charted": sum(c is None for c in chart),
            "_reach": reach, "_chart": [c for c in chart if c is not None]}


def stats(values: list[float], digits: int = 3) -> dict:
    ok = sorted(values)
    if not ok:
        return {"count": 0}
    return {"count": len(ok), "p50": round(statistics.median(ok), digits),
            "p95": round(ok[min(len(ok) - 1, int(0.95 * len(ok)))], digits),
            "max": round(ok[-1], digits)}


# ---------------------------------------------------------------- the class

async def wait_quiet(pid: int, cpu_per_s: float = 0.3, quiet_s: float = 3.0,
                     limit_s: float = 120.0) -> float:
    """Wait until the server used < `cpu_per_s` CPU-seconds a second for `quiet_s` (the engine's
    warm-up import is over); returns how long that took."""
    start, last, calm = time.monotonic(), cpu_seconds(pid), 0.0
    while time.monotonic() - start < limit_s and calm < quiet_s:
        await asyncio.sleep(1.0)
        now = cpu_seconds(pid)
        calm = calm + 1.0 if now - last < cpu_per_s else 0.0
        last = now
    return round(time.monotonic() - start, 1)


async def warm_up_learner(url: str, code: str, timeout: float) -> None:
    """One learner joins and leaves before the class: the first sign-in's imports (the quiz
    store, pandas) are then not counted as the class's memory."""
    tab = await Tab(url).connect()
    result = await join(tab, 999, code, 0.0, timeout)
    assert result["joined"], result
    await tab.full_run((tab.button_id(key="home.leave"),), timeout)
    await tab.close()


def fragment_runs(tabs: list[Tab]) -> int:
    """Fragment runs the learners' sessions finished (live panel ticks and answers)."""
    return sum(tab.runs_finished - tab.full_runs_finished for tab in tabs)


async def loop_lag(lags: list[float], every: float = 0.05) -> None:
    """How late this process's event loop wakes up: a busy driver delays what it notes."""
    while True:
        start = time.monotonic()
        await asyncio.sleep(every)
        lags.append((time.monotonic() - start - every) * 1000)


async def drive(url: str, pid: int, args: argparse.Namespace, db_path: Path,
                marks: dict) -> dict:
    rng = random.Random(args.seed)
    host = await Tab(url).connect()
    start = time.monotonic()
    await open_live_page(host, args.timeout)
    marks["host_ready_s"] = round(time.monotonic() - start, 2)
    watcher = CommitWatcher(db_path)
    session = watcher.open_session()
    assert session is not None, "the Live class page opened no session"
    await warm_up_learner(url, session[1], args.timeout)
    marks["quiet_after_s"] = await wait_quiet(pid)
    marks["rss_before_mb"] = await settle_rss(pid)
    watcher.start()
    tabs = [Tab(url) for _ in range(args.learners)]
    await asyncio.gather(*(tab.connect() for tab in tabs))
    marks["t_join"] = time.time()
    joins = await asyncio.gather(*(join(tab, n, session[1], rng.uniform(0, args.join_spread_s),
                                        args.timeout) for n, tab in enumerate(tabs)))
    marks["t_joined"] = time.time()
    marks["rss_joined_mb"] = await settle_rss(pid)
    marks["cpu_before"] = (cpu_seconds(pid), cpu_seconds(), machine_busy_seconds())
    marks["ticks_before"] = fragment_runs(tabs)
    marks["t_class"] = time.time()
    lag = asyncio.create_task(loop_lag(marks.setdefault("loop_lag_ms", [])))
    pushes = []
    for number, item in enumerate(questions_to_push(args.pushes)):
        if number:
            await asyncio.sleep(args.gap_s)
        pushes.append(await one_push(host, tabs, watcher, item, args, rng))
        print(f"push {number + 1}: reach {pushes[-1]['reach_s']}, chart "
              f"{pushes[-1]['chart_s']}", file=sys.stderr)
    marks["t_done"] = time.time()
    marks["cpu_after"] = (cpu_seconds(pid), cpu_seconds(), machine_busy_seconds())
    marks["ticks_after"] = fragment_runs(tabs)
    lag.cancel()
    marks["rss_end_mb"] = rss_mb(pid)
    watcher.stop.set()
    for tab in [*tabs, host]:
        await tab.close()
    return {"session_id": session[0], "joins": joins, "pushes": pushes}


# ---------------------------------------------------------------- report

def summarize(args: argparse.Namespace, result: dict, marks: dict, rows: list) -> dict:
    pushes, joins = result["pushes"], result["joins"]
    for push in pushes:  # times in the report count from the first learner's join
        push["clicked_at_s"] = round(push.pop("_clicked") - marks["t_join"], 2)
    reach = stats([x for p in pushes for x in p.pop("_reach")])
    chart = stats([x for p in pushes for x in p.pop("_chart")])
    phase = {name: [r[1] for r in rows if lo <= r[0] <= hi] for name, lo, hi in (
        ("startup", 0, marks["t_join"]), ("joining", marks["t_join"], marks["t_joined"]),
        ("pushes", marks["t_class"], marks["t_done"]))}
    # The budget holds from the first learner's join to the last push's chart; the server's
    # start, the instructor's first page and the engine's warm-up import come before it.
    health = latency_stats([r[1] for r in rows if marks["t_join"] <= r[0] <= marks["t_done"]])
    (srv0, drv0, box0), (srv1, drv1, box1) = marks["cpu_before"], marks["cpu_after"]
    joined = sum(j["joined"] for j in joins)
    ticks = marks["ticks_after"] - marks["ticks_before"]
    per_session = (marks["rss_joined_mb"] - marks["rss_before_mb"]) / args.learners
    every_push_seen = joined == args.learners and all(p["missed"] == 0 for p in pushes)
    every_answer_charted = all(p["answers_committed"] == args.learners and p["not_charted"] == 0
                               for p in pushes)
    return {
        "learners": args.learners, "pushes": args.pushes, "joined": joined,
        "every_learner_saw_every_push": every_push_seen,
        "every_answer_charted": every_answer_charted,
        "push_to_learner_s": reach, "answer_to_chart_s": chart,
        "health": {"class": health, **{k: latency_stats(v) for k, v in phase.items()},
                   "interval_ms": args.sample_ms,
                   "over_200ms": [[round(r[0] - marks["t_join"], 1), r[1]] for r in rows
                                  if r[1] is None or r[1] > 200][:40]},
        "memory_mb": {"rss_before": marks["rss_before_mb"], "rss_joined": marks["rss_joined_mb"],
                      "per_session": round(per_session, 3),
                      "rss_peak": max((r[2] for r in rows), default=None),
                      "rss_end": marks["rss_end_mb"]},
        "cpu_during_pushes": {"seconds": round(marks["t_done"] - marks["t_class"], 1),
                              "server_cpu_s": round(srv1 - srv0, 1),
                              "driver_cpu_s": round(drv1 - drv0, 1),
                              "learner_fragment_runs": ticks,
                              "server_cpu_ms_per_learner_fragment_run": round(
                                  (srv1 - srv0) * 1000 / max(ticks, 1), 1),
                              "driver_loop_lag_ms": stats(marks["loop_lag_ms"], 1),
                              "machine_busy_s": round(box1 - box0, 1)},
        "timings": {"t_join_epoch_s": round(marks["t_join"], 3),
                    "pushes_from_s": round(marks["t_class"] - marks["t_join"], 1),
                    "pushes_until_s": round(marks["t_done"] - marks["t_join"], 1),
                    "host_ready_s": marks["host_ready_s"], "quiet_after_s": marks["quiet_after_s"],
                    "all_joined_s": round(marks["t_joined"] - marks["t_join"], 1),
                    "join_s": stats([j["join_s"] for j in joins], 2)},
        "settings": {k: getattr(args, k) for k in ("join_spread_s", "answer_spread_s", "gap_s",
                                                   "sample_ms", "seed")},
        "cpu_count": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
        "goals": {"push_p95_le_2s": every_push_seen and reach.get("p95", 1e9) <= REACH_GOAL_S,
                  "chart_p95_le_2s": every_answer_charted
                  and chart.get("p95", 1e9) <= CHART_GOAL_S,
                  "health_p99_le_200ms_max_le_500ms": bool(
                      health.get("p99_ms", 1e9) <= HEALTH_P99_MS
                      and health.get("max_ms", 1e9) <= HEALTH_MAX_MS and not health.get("failed"))},
        "per_push": pushes,
        "not_joined": [j for j in joins if not j["joined"]][:5],
    }


@contextmanager
def server_environment(db_path: Path):
    """launch_server (tests/browser/conftest.py) passes this process's environment on."""
    env = {"ADAPTLAB_DB_URL": f"sqlite:///{db_path}", "ADAPTLAB_INSTRUCTOR_PASSCODE": PASSCODE}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run(args: argparse.Namespace) -> dict:
    db_path = Path(tempfile.mkdtemp(prefix="live-class-")) / "live.db"
    marks: dict = {}

    async def work(url: str, pid: int) -> dict:
        return await drive(url, pid, args, db_path, marks)

    with server_environment(db_path):
        result, rows, log = with_server(work, args.sample_ms)
    report = summarize(args, result, marks, rows)
    report["server_log"], report["database"] = log, str(db_path)
    return report


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=60, help="simulated learners (default 60)")
    parser.add_argument("--pushes", type=int, default=5, help="questions pushed (default 5)")
    parser.add_argument("--gap-s", type=float, default=3.0,
                        help="seconds between one push's last chart update and the next push")
    parser.add_argument("--join-spread-s", type=float, default=20.0,
                        help="learners join at random moments within this many seconds")
    parser.add_argument("--answer-spread-s", type=float, default=5.0,
                        help="each learner answers at a random moment within this many seconds "
                             "of seeing the question")
    parser.add_argument("--timeout", type=float, default=60, help="seconds a step may wait")
    parser.add_argument("--sample-ms", type=float, default=150, help="health/RSS sample interval")
    parser.add_argument("--seed", type=int, default=0, help="random delays and answers")
    parser.add_argument("--json-out", type=Path, help="also write the JSON report here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    print_report(run(args), args.json_out)


if __name__ == "__main__":
    main()
