"""The Diagnose page's logic: typed session state, real runs in the shared workers, charts.

Scenario runs are short (a few seconds). They run in the class's worker processes, in turn with
the learners' training runs (`job_registry().diagnose`), so a class never oversubscribes the CPU
and the server's own process never trains.
"""

from __future__ import annotations

import logging
import math
import random
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from adaptlab.errors import UserInputError
from adaptlab.training.diagnosis_tries import Diagnosis
from adaptlab.training.scenarios import Outcome, Recipe, Scenario
from adaptlab.viz import SHORT_RUN_STEPS, whole_step_ticks
from ui.browser_id import this_browser
from ui.charts import plotly_chart
from ui.frame import metric_grid
from ui.jobs import job_registry
from ui.state import learner
from ui.text import plain, plural

log = logging.getLogger("adaptlab.diagnose")
PAGE = "diagnose"
# Okabe-Ito orange and blue: distinguishable with any colour vision; line dashes differ too.
STYLE = {"broken": ("#D55E00", "dash"), "fixed": ("#0072B2", "solid")}
HIDDEN_HELP = ("Hidden in every scenario until you have named the cause (or used your tries), "
               "whether or not it is at fault.")


@dataclass
class ScenarioRuns:
    """One scenario in this session: its broken run, the learner's tries, its fixed run."""

    diagnosis: Diagnosis
    broken: Outcome | None = None
    fixed: Outcome | None = None
    notice: str | None = None  # a hint about the last submit, shown once


@dataclass
class DiagnoseState:
    runs: dict[str, ScenarioRuns] = field(default_factory=dict)  # scenario id -> its runs
    last: str | None = None  # the scenario shown last: a reload opens it again

    def of(self, scenario_id: str) -> ScenarioRuns:
        return self.runs.setdefault(scenario_id, ScenarioRuns(Diagnosis(scenario_id)))


# The latest browsers' Diagnose pages, kept in this process: runs and tries, a few hundred KB
# at most each (six scenarios, two runs with their held-out answers).
BROWSERS_KEPT = 200


class _ByBrowser:
    """DiagnoseState per browser id, the least recently used dropped past BROWSERS_KEPT."""

    def __init__(self, limit: int = BROWSERS_KEPT) -> None:
        self._lock, self._limit = threading.Lock(), limit
        self._states: OrderedDict[str, DiagnoseState] = OrderedDict()

    def get(self, browser: str) -> DiagnoseState:
        with self._lock:
            state = self._states.pop(browser, None) or DiagnoseState()
            self._states[browser] = state
            while len(self._states) > self._limit:
                self._states.popitem(last=False)
            return state


@st.cache_resource(show_spinner=False)
def _by_browser() -> _ByBrowser:
    return _ByBrowser()


def diagnose_state() -> DiagnoseState:
    """This browser's scenarios: a reload or another tab finds its runs and tries, as the Train
    page finds its runs (ui.browser_id); a run is not trained again for a reload."""
    state = st.session_state.get("adaptlab.diagnose")
    if state is None:
        state = st.session_state.setdefault("adaptlab.diagnose",
                                             _by_browser().get(this_browser()))
    return state


# ---------------------------------------------------------------- running


def _run_in_worker(recipe: Recipe) -> Outcome:
    """The run happens in a training worker, in turn with the Train page's jobs."""
    return job_registry().diagnose(recipe)


def run_inline(recipe: Recipe, label: str, hidden: tuple[str, ...] = ()) -> Outcome | None:
    """Run `recipe` for real with a status box; any failure becomes a message, never a traceback.
    `hidden`: the settings that are the cause, not named until the learner has named it."""
    with st.status(f"{label}: {recipe.describe(hidden)}…", expanded=False) as status:
        try:
            outcome = _run_in_worker(recipe)
        except UserInputError as exc:
            status.update(label=f"{label}: could not run", state="error")
            st.error(plain(exc, limit=400), icon=":material/error:")
            return None
        except Exception as exc:  # a bug: keep the page alive and say what happened
            log.exception("diagnose run failed")
            status.update(label=f"{label}: failed", state="error")
            st.error(f"The run failed unexpectedly ({type(exc).__name__}). Try again; if it "
                     "keeps failing, tell your instructor.", icon=":material/error:")
            return None
        ran = len(outcome.steps)
        status.update(label=f"{label}: {ran} {plural('step', ran)} in {outcome.seconds:.1f} s",
                      state="complete")
    return outcome


# ---------------------------------------------------------------- showing


def _trace(fig: go.Figure, outcome: Outcome, role: str, held_out: bool, name: str) -> None:
    points = (list(outcome.eval_points) if held_out
              else [(s.step, s.loss) for s in outcome.steps])
    colour, dash = STYLE[role]
    # None stays None: plotly draws a gap there, never a made-up number.
    fig.add_scatter(x=[p[0] for p in points], y=[p[1] for p in points], connectgaps=False,
                    mode="lines+markers", name=name, line={"color": colour, "dash": dash})


def _trace_name(outcome: Outcome, role: str, hidden: tuple[str, ...]) -> str:
    return f"{role} run" if "lr" in hidden else f"{role} run (lr={outcome.recipe.rate:g})"


def _log_range(values: list[float]) -> list[float] | None:
    """A y range (log10 units) spanning at least a factor of 10, so that a flat curve looks flat:
    left to autoscale, 12.19 -> 12.18 would fill the whole chart and look like a steep fall."""
    finite = [v for v in values if v is not None and v > 0]
    if not finite:
        return None
    low, high = min(min(finite), max(finite) / 10), max(finite)
    return [math.log10(low) - 0.1, math.log10(high) + 0.1]  # room for the end markers


def loss_figure(runs: dict[str, Outcome], held_out: bool = False,
                hidden: tuple[str, ...] = ()) -> go.Figure:
    """Training (or held-out) loss per step, one trace per run; log scale, as losses span 1e-3..1e2.
    The legend names each run's rate unless the rate is the hidden cause."""
    fig = go.Figure()
    for role, outcome in runs.items():
        _trace(fig, outcome, role, held_out, _trace_name(outcome, role, hidden))
    title = "Held-out loss (step 0 = before training)" if held_out else "Training loss per step"
    fig.update_layout(title=title, xaxis_title="step", yaxis_title="loss (log scale)",
                      yaxis_type="log", height=320, margin={"t": 40, "b": 10},
                      legend={"orientation": "h", "y": -0.25})
    # "~g": full numbers (200, 0.01) rather than plotly's bare minor digits ("2") on log axes.
    fig.update_yaxes(range=_log_range([y for trace in fig.data for y in trace.y]),
                     tickformat="~g")
    last = max((x for trace in fig.data for x in trace.x), default=0)
    if last <= SHORT_RUN_STEPS:  # a run that stopped early: no room left of step 0 at -1
        fig.update_xaxes(range=[-0.5, last + 0.5])
    whole_step_ticks(fig, last)
    return fig


def charts(runs: dict[str, Outcome], key: str, hidden: tuple[str, ...] = ()) -> None:
    """The training and held-out curves side by side, or why there is nothing to draw."""
    if not any(v is not None for o in runs.values() for v in o.losses):
        st.info("Nothing to draw: the run made no training step with a loss to plot.",
                icon=":material/block:")
        return
    left, right = st.columns(2)
    names = " and ".join(runs)
    for column, held_out in ((left, False), (right, True)):
        kind = "held-out" if held_out else "training"
        with column:
            plotly_chart(loss_figure(runs, held_out, hidden), key=f"{key}.{kind}",
                         alt=f"{kind.capitalize()} loss of the {names} run, by step.")
    if any(v is None for o in runs.values() for v in o.losses):
        st.caption("A gap in a curve marks a step whose loss was not a finite number.")


def _loss(value: float | None) -> str:
    return "–" if value is None else f"{value:.3g}"


def _span(outcome: Outcome) -> str:
    return f"{_loss(outcome.eval_before)} → {_loss(outcome.eval_after)}"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _accuracy_span(outcome: Outcome) -> str:
    return f"{_share(outcome.accuracy_before)} → {_share(outcome.accuracy_after)}"


def answers_line(outcome: Outcome) -> str:
    """What the run answers on held-out prompts: the measure a run is judged by."""
    answers = outcome.answers
    if answers is None:
        return ""
    line = (f"Held-out accuracy (balanced accuracy, or exact match for answers in words), before "
            f"→ after training: {_accuracy_span(outcome)}, on {len(answers.prompts)} questions "
            "it never trained on.")
    scores = answers.scores_after
    if scores is not None and scores.one_answer:
        line += (f" It answers {plain(scores.top_answer, limit=40)!r} to "
                 f"{scores.top_share:.0%} of them.")
    return line


def facts(outcome: Outcome, hidden: tuple[str, ...] = ()) -> None:
    """The run's facts: what trained, at what rate, how far it got, and why it stopped. The
    settings in `hidden` (the cause) and the engine's own message (it names the cause) wait until
    the learner has diagnosed the run. In projector mode two to a row: four of its larger numbers
    do not fit side by side at 1280 px ("6.33 → 6…")."""
    recipe = outcome.recipe
    with metric_grid("facts"):
        cols = [*st.columns(2), *st.columns(2)] if learner().projector else st.columns(4)
    cols[0].metric("Trainable parameters", f"{outcome.trainable_params:,}",
                   help=f"out of {outcome.total_params:,} in the adapted model")
    if "lr" in hidden:
        cols[1].metric("Learning rate", "hidden", help=HIDDEN_HELP)
    else:
        cols[1].metric("Learning rate", f"{recipe.rate:g}")
    cols[2].metric("Steps run", f"{len(outcome.steps)} of {recipe.steps}")
    cols[3].metric("Held-out loss", _span(outcome),
                   help="Before training → after training; – when the run stopped early.")
    st.caption(answers_line(outcome))
    if outcome.stopped_reason:
        done = len(outcome.steps)
        st.warning(f"The run stopped early, after {done} {plural('step', done)}.",
                   icon=":material/warning:")
        if hidden:
            st.caption("The engine's own message names the cause: it appears here once you "
                       "have diagnosed the run.")
        else:
            with st.expander("The engine's own message"):
                st.text(outcome.stopped_reason)


def option_order(scenario: Scenario) -> list[str]:
    """The option keys in a fixed shuffled order, so the right answer is not always first."""
    keys = [o.key for o in scenario.options]
    random.Random(scenario.id).shuffle(keys)
    return keys


def settings_text(scenario: Scenario, hidden: tuple[str, ...]) -> str:
    note = (" ? marks the settings kept hidden until you have named the cause: the same ones in "
            "every scenario, whichever is at fault." if hidden else "")
    return f"Broken run's settings: {scenario.broken.describe(hidden)}.{note}"


def tries_text(diagnosis: Diagnosis) -> str:
    left = diagnosis.tries_left
    return f"{left} {'try' if left == 1 else 'tries'} left of {diagnosis.max_tries}."


def check(scenario_id: str, answer_key: str) -> None:
    """The submit button's callback: grade the picked cause before the page is drawn, so the
    same run already shows what a right answer (or the last try) reveals."""
    runs, choice = diagnose_state().of(scenario_id), st.session_state.get(answer_key)
    if choice is None:
        runs.notice = "Pick one of the causes first."
    elif runs.diagnosis.tried(choice) and not runs.diagnosis.resolved:
        runs.notice = "You tried that cause already: pick another one."
    runs.diagnosis = runs.diagnosis if choice is None else runs.diagnosis.answer(choice)


def show_notice(runs: ScenarioRuns) -> None:
    """A hint about the last submit (nothing picked, a repeat), shown once."""
    if runs.notice:
        st.warning(runs.notice, icon=":material/touch_app:")
        runs.notice = None


def show_tries(diagnosis: Diagnosis, scenario: Scenario) -> None:
    """Each try's feedback; then, once out of tries, the cause and its explanation."""
    texts = {o.key: o.text for o in scenario.options}
    for attempt in diagnosis.attempts:
        st.markdown(f"You picked: *{texts[attempt.choice]}*")
        if attempt.correct:
            st.success(f"Right. {attempt.feedback}", icon=":material/check_circle:")
        else:
            more = "" if diagnosis.resolved else f" Try again: {tries_text(diagnosis)}"
            st.error(f"Not quite. {attempt.feedback}{more}", icon=":material/cancel:")
    if diagnosis.resolved and not diagnosis.solved:
        answer = scenario.answer
        st.info(f"**The cause:** {answer.text} {answer.feedback}", icon=":material/lightbulb:")
    if diagnosis.resolved:
        st.markdown(f"**Hidden until now:** {reveal(scenario)}.")


def reveal(scenario: Scenario) -> str:
    """The hidden settings' values, the cause first (none where a method's limits are the cause)."""
    pieces = scenario.broken.pieces()
    names = dict.fromkeys((*scenario.cause, *scenario.hidden_until_named))
    return "; ".join(pieces[name] for name in names if name in pieces)


def verdict(scenario: Scenario, broken: Outcome, fixed: Outcome) -> None:
    """What changed, the measured result, and whether the fix really worked."""
    st.markdown(f"**What changed:** {scenario.change}")
    st.markdown(f"Held-out accuracy, before → after training: broken run "
                f"{_accuracy_span(broken)}; fixed run {_accuracy_span(fixed)}.  \n"
                f"Held-out loss, before → after training: broken run {_span(broken)}; fixed "
                f"run {_span(fixed)}.")
    if scenario.fix_worked(broken, fixed):
        st.success("The fix worked: the rerun answers the held-out questions the broken run got "
                   "wrong, and its curves recover.", icon=":material/check_circle:")
    else:
        st.warning("This rerun did not clearly fix the run; look at its answers and curves to "
                   "see why.", icon=":material/help:")
    if broken.answers is not None and fixed.answers is not None:
        with st.expander("Every held-out answer, broken run and fixed run",
                         icon=":material/fact_check:"):
            st.dataframe(answer_table(broken, fixed), hide_index=True, width="stretch")


def answer_table(broken: Outcome, fixed: Outcome) -> pd.DataFrame:
    """Per held-out question: the expected answer and each run's answer after training, marked."""
    rows, broken_rows = fixed.answers.rows(), broken.answers.rows()
    return pd.DataFrame({
        "question": [r["prompt"] for r in rows], "expected": [r["expected"] for r in rows],
        "broken run": [_answer(r) for r in broken_rows],
        "fixed run": [_answer(r) for r in rows],
        "fixed run right": ["✓ right" if r["correct"] else "✗ wrong" for r in rows]})


def _answer(row: dict) -> str:
    return row["after"] if row["after"] is not None else "–"  # "–": no step ran
