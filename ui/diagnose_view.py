"""The Diagnose page's logic: typed session state, real runs in the shared workers, charts.

Scenario runs are short (a few seconds). They run in the class's worker processes, in turn with
the learners' training runs (`job_registry().diagnose`), so a class never oversubscribes the CPU
and the server's own process never trains.
"""

from __future__ import annotations

import logging
import math
import random
from dataclasses import dataclass, field

import plotly.graph_objects as go
import streamlit as st

from adaptlab.errors import UserInputError
from adaptlab.training.diagnosis import Outcome, Recipe, Scenario, check_diagnosis
from ui.jobs import job_registry
from ui.text import plain

log = logging.getLogger("adaptlab.diagnose")
PAGE = "diagnose"
# Okabe-Ito orange and blue: distinguishable with any colour vision; line dashes differ too.
STYLE = {"broken": ("#D55E00", "dash"), "fixed": ("#0072B2", "solid")}


@dataclass
class Answer:
    choice: str
    correct: bool
    feedback: str


@dataclass
class ScenarioRuns:
    """One scenario in this session: its broken run, the learner's answer, its fixed run."""

    broken: Outcome | None = None
    answer: Answer | None = None
    fixed: Outcome | None = None


@dataclass
class DiagnoseState:
    runs: dict[str, ScenarioRuns] = field(default_factory=dict)  # scenario id -> its runs

    def of(self, scenario_id: str) -> ScenarioRuns:
        return self.runs.setdefault(scenario_id, ScenarioRuns())


def diagnose_state() -> DiagnoseState:
    return st.session_state.setdefault("adaptlab.diagnose", DiagnoseState())


# ---------------------------------------------------------------- running


def _run_in_worker(recipe: Recipe) -> Outcome:
    """The run happens in a training worker, in turn with the Train page's jobs."""
    return job_registry().diagnose(recipe)


def run_inline(recipe: Recipe, label: str) -> Outcome | None:
    """Run `recipe` for real with a status box; any failure becomes a message, never a traceback."""
    with st.status(f"{label}: {recipe.describe()}…", expanded=False) as status:
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
        status.update(label=f"{label}: {len(outcome.steps)} steps in {outcome.seconds:.1f} s",
                      state="complete")
    return outcome


# ---------------------------------------------------------------- showing


def _trace(fig: go.Figure, outcome: Outcome, role: str, held_out: bool) -> None:
    points = (list(outcome.eval_points) if held_out
              else [(s.step, s.loss) for s in outcome.steps])
    colour, dash = STYLE[role]
    # None stays None: plotly draws a gap there, never a made-up number.
    fig.add_scatter(x=[p[0] for p in points], y=[p[1] for p in points], connectgaps=False,
                    mode="lines+markers", name=f"{role} run (lr={outcome.recipe.rate:g})",
                    line={"color": colour, "dash": dash})


def _log_range(values: list[float]) -> list[float] | None:
    """A y range (log10 units) spanning at least a factor of 10, so that a flat curve looks flat:
    left to autoscale, 12.19 -> 12.18 would fill the whole chart and look like a steep fall."""
    finite = [v for v in values if v is not None and v > 0]
    if not finite:
        return None
    low, high = min(min(finite), max(finite) / 10), max(finite)
    return [math.log10(low) - 0.05, math.log10(high) + 0.05]


def loss_figure(runs: dict[str, Outcome], held_out: bool = False) -> go.Figure:
    """Training (or held-out) loss per step, one trace per run; log scale, as losses span 1e-3..1e2."""
    fig = go.Figure()
    for role, outcome in runs.items():
        _trace(fig, outcome, role, held_out)
    title = "Held-out loss (step 0 = before training)" if held_out else "Training loss per step"
    fig.update_layout(title=title, xaxis_title="step", yaxis_title="loss (log scale)",
                      yaxis_type="log", height=320, margin={"t": 40, "b": 10},
                      legend={"orientation": "h", "y": -0.25})
    # "~g": full numbers (200, 0.01) rather than plotly's bare minor digits ("2") on log axes.
    fig.update_yaxes(range=_log_range([y for trace in fig.data for y in trace.y]),
                     tickformat="~g")
    return fig


def charts(runs: dict[str, Outcome], key: str) -> None:
    """The training and held-out curves side by side, or why there is nothing to draw."""
    if not any(v is not None for o in runs.values() for v in o.losses):
        st.info("Nothing to draw: the run made no training step with a loss to plot.",
                icon=":material/block:")
        return
    left, right = st.columns(2)
    names = " and ".join(runs)
    for column, held_out in ((left, False), (right, True)):
        kind = "held-out" if held_out else "training"
        column.plotly_chart(loss_figure(runs, held_out), key=f"{key}.{kind}",
                            config={"displaylogo": False},
                            alt=f"{kind.capitalize()} loss of the {names} run, by step.")
    if any(v is None for o in runs.values() for v in o.losses):
        st.caption("A gap in a curve marks a step whose loss was not a finite number.")


def _loss(value: float | None) -> str:
    return "–" if value is None else f"{value:.3g}"


def _span(outcome: Outcome) -> str:
    return f"{_loss(outcome.eval_before)} → {_loss(outcome.eval_after)}"


def facts(outcome: Outcome) -> None:
    """The run's facts: what trained, at what rate, how far it got, and why it stopped."""
    recipe = outcome.recipe
    cols = st.columns(4)
    cols[0].metric("Trainable parameters", f"{outcome.trainable_params:,}",
                   help=f"out of {outcome.total_params:,} in the adapted model")
    cols[1].metric("Learning rate", f"{recipe.rate:g}")
    cols[2].metric("Steps run", f"{len(outcome.steps)} of {recipe.steps}")
    cols[3].metric("Held-out loss", _span(outcome),
                   help="Before training → after training; – when the run stopped early.")
    if outcome.stopped_reason:
        st.warning(f"The run stopped early, after {len(outcome.steps)} step(s).",
                   icon=":material/warning:")
        with st.expander("The engine's own message (it may give the cause away)"):
            st.text(outcome.stopped_reason)


def option_order(scenario: Scenario) -> list[str]:
    """The option keys in a fixed shuffled order, so the right answer is not always first."""
    keys = [o.key for o in scenario.options]
    random.Random(scenario.id).shuffle(keys)
    return keys


def grade(scenario: Scenario, choice: str | None) -> Answer | None:
    if choice is None:
        st.warning("Pick one of the causes first.", icon=":material/touch_app:")
        return None
    correct, feedback = check_diagnosis(scenario.id, choice)
    return Answer(choice, correct, feedback)


def show_answer(answer: Answer) -> None:
    if answer.correct:
        st.success(answer.feedback, icon=":material/check_circle:")  # it opens with "Right."
    else:
        st.error(f"Not quite. {answer.feedback}", icon=":material/cancel:")


def verdict(scenario: Scenario, broken: Outcome, fixed: Outcome) -> None:
    """What changed, the measured result, and whether the fix really worked."""
    st.markdown(f"**What changed:** {scenario.change}")
    st.markdown(f"Held-out loss, before → after training: broken run {_span(broken)}; fixed "
                f"run {_span(fixed)}.")
    if scenario.fix_works(broken, fixed):
        st.success("The fix worked: the rerun learns where the broken run did not.",
                   icon=":material/check_circle:")
    else:
        st.warning("This rerun did not clearly fix the run; look at the curves to see why.",
                   icon=":material/help:")
