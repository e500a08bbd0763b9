"""The Train page after a run: how it ended, before/after metrics, the proof that frozen weights
did not change, the anatomy of the last step, generations, and the download.

`results(job)` draws them all from a finished job (ui.jobs); the live run is ui.train_run.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from adaptlab.data import NOTHING_HELD_OUT
from adaptlab.methods import REGISTRY
from adaptlab.training.metrics import same_words
from ui.charts import plotly_chart
from ui.state import learner
from ui.text import plain, plural


def outcome(job) -> None:
    """How the run ended, in words: finished, stopped (and by whom), diverged, or failed."""
    result = job.result
    if job.status == "failed":
        st.error(f"The run failed: {plain(job.error or job.message, limit=600)}", icon=":material/error:")
    elif job.status == "cancelled":
        said, steps = plain(job.message), len(job.steps)
        st.warning(f"{said[:1].upper()}{said[1:]}, after {steps} {plural('step', steps)}. "
                   "Press Train to run again.",
                   icon=":material/stop_circle:")
    elif result is not None and result.stopped_reason:
        st.error(f"The run stopped early. {plain(result.stopped_reason, limit=800)}",
                 icon=":material/warning:")
    elif result is not None:
        st.success(f"Finished {len(job.steps)} steps.", icon=":material/check_circle:")


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.1f} ms"


def _loss(value: float | None) -> str:
    return "–" if value is None else f"{value:.4f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def points_delta(before: float | None, after: float | None) -> dict[str, str | None]:
    """st.metric's delta for a change in percentage points; no green "up" arrow for +0."""
    if before is None or after is None:
        return {"delta": None}
    points = round((after - before) * 100)
    if points == 0:
        return {"delta": "no change", "delta_color": "off", "delta_arrow": "off"}
    return {"delta": f"{points:+d} points"}


def before_after(result, key: str) -> None:
    """Held-out loss and the model's answers scored, before and after training; chance drawn."""
    from adaptlab.viz import accuracy_bars

    before, after = result.before, result.after
    b, a = before.scores, after.scores if after else None
    classes = b.balanced_accuracy is not None
    loss_delta = (after.loss - before.loss
                  if after and after.loss is not None and before.loss is not None else None)
    metric, help_text = (("Balanced accuracy", f"Mean over the labels of the share answered right: "
                          f"one answer to everything scores exactly the chance level, {_pct(b.chance)}.")
                         if classes else
                         ("Token F1 (partial credit)", "Words the answer shares with the expected "
                          "one (SQuAD's F1): credit for an answer that is nearly right."))
    second = (b.balanced_accuracy, a.balanced_accuracy if a else None) if classes else \
        (b.token_f1, a.token_f1 if a else None)
    held_out = result.plan.held_out
    if not held_out:
        st.warning(NOTHING_HELD_OUT, icon=":material/warning:")
    top, bottom = st.columns(2), st.columns(2)  # 2×2: four across truncate the labels
    top[0].metric("Held-out loss" if held_out else "Loss on training data",
                  _loss(after.loss if after else None), border=True,
                  delta=None if loss_delta is None else f"{loss_delta:+.4f} (was {_loss(before.loss)})",
                  delta_color="inverse",
                  help=("Cross-entropy on the validation examples, never trained on. "
                        if held_out else "Cross-entropy on the training examples: nothing was "
                        "held out. ")
                  + "Lower is better, but a low loss alone does not show the task was learned.")
    top[1].metric("Exact match", _pct(a.exact_match if a else None), border=True,
                  **points_delta(b.exact_match, a.exact_match if a else None),
                  help=f"Greedy answers equal to the expected answer (was {_pct(b.exact_match)}).")
    bottom[0].metric(metric, _pct(second[1]), border=True, **points_delta(second[0], second[1]),
                     help=f"{help_text} Before training: {_pct(second[0])}.")
    bottom[1].metric("Most common answer", f"{a.top_share:.0%}" if a else "–", border=True,
                     help="The share of held-out inputs that got the model's most frequent "
                          f"answer ({a.top_answer!r} after training)." if a else None)
    if REGISTRY[result.plan.method].family == "virtual-tokens":
        st.caption("Before training, this model already has its new virtual tokens, drawn at "
                   "random: they change its loss and answers, so its 'before' differs from the "
                   "base model's. The other methods that add weights start exactly at the base "
                   "model: LoRA's B and the adapters' up-projection start at zero, (IA)³'s "
                   "scales at one.")
    if a is not None:
        if result.warning:
            st.warning(plain(result.warning, limit=400), icon=":material/report:")
        plotly_chart(accuracy_bars(second[0] if classes else b.exact_match,
                                   second[1] if classes else a.exact_match,
                                   b.chance, metric if classes else "Exact match"),
                     key=f"train.accuracy.{key}",
                     alt=f"{metric if classes else 'Exact match'} before and after training"
                         + (f", with chance at {_pct(b.chance)}" if classes else "") + ".")
        if classes and b.chance is not None and second[0] < b.chance:
            # A bar under the chance line reads as "worse than guessing" without this.
            st.caption(f"Before training the model scores {_pct(second[0])}, below chance: chance "
                       "is what one of the task's labels given to every input would score, and "
                       "the untrained model mostly answers with something else (its answers are "
                       "in the table below), which counts for no label.")
    answers_table(result)


def answers_table(result) -> None:
    """Every held-out prompt: the expected answer, the answers before and after, and a mark."""
    rows = result.answers()
    right = sum(r["correct"] for r in rows)
    if result.plan.held_out:
        st.subheader("Answers on held-out inputs")
        which = f"validation {plural('example', len(rows))}, which it never trained on"
    else:
        st.subheader("Answers on the training examples (nothing held out)")
        which = f"training {plural('example', len(rows))}, which it trained on"
    st.caption(f"The model's greedy answer to each of the {len(rows)} {which}: {right} of "
               f"{len(rows)} exactly right after training (✓).")
    # answers() strips both, as exact match does.
    near = [r for r in rows if r["before"] != r["expected"]
            and same_words(r["before"], r["expected"])]
    if near:
        st.caption(f"Before training, {len(near)} of {len(rows)} answers had the right words in "
                   f"another form (e.g. {plain(repr(near[0]['before']))} for "
                   f"{plain(repr(near[0]['expected']))}). Exact match and balanced "
                   "accuracy do not count them: answering in the task's exact form is part of "
                   "what a method learns.")
    table = pd.DataFrame({"": ["✓" if r["correct"] else "✗" for r in rows],
                          "prompt": [r["prompt"] for r in rows],
                          "expected": [r["expected"] for r in rows],
                          "before training": [r["before"] for r in rows],
                          "after training": [r["after"] if r["after"] is not None else "–"
                                             for r in rows]})
    # st.dataframe shows cells as literal text: model output and uploads never become markup.
    # A prompt cut after its first words hides what the model was asked. Streamlit wraps a cell's
    # text only in rows taller than 4rem (64 px, 88 px in projector mode's larger type), so the
    # rows grow to three lines where a prompt would not fit on one (about 60 characters at
    # 1280 px; 40 in projector type), and six of them are in view instead of nine.
    projector = learner().projector
    wrap = max((len(r["prompt"]) for r in rows), default=0) > (40 if projector else 60)
    row = (96 if projector else 70) if wrap else 36
    st.dataframe(table, hide_index=True, width="stretch", row_height=row,
                 height=36 + (6 if wrap else 9) * row + 4,
                 column_config={"": st.column_config.TextColumn(width=30, help="✓ exact match"),
                                "prompt": st.column_config.TextColumn(width="large")})


def frozen_proof(result) -> None:
    """The proof line, in words: frozen weights are bitwise the base model's."""
    frozen = result.total_params - result.trainable_params
    if frozen == 0 and result.frozen_unchanged:
        st.info("Nothing was frozen: this method trains every weight, so there is nothing to "
                "prove unchanged.", icon=":material/info:")
    elif result.frozen_unchanged:
        st.success(f"✓ Frozen weights unchanged: all {frozen:,} frozen parameters are bitwise "
                   "identical to the base model's and got no gradient.", icon=":material/lock:")
    else:
        st.error("✗ Frozen weights changed: some parameter that should be frozen differs from the "
                 "base model. This is a bug; please report it.", icon=":material/error:")


def anatomy_table(step) -> pd.DataFrame:
    return pd.DataFrame({"#": range(1, len(step.events) + 1),
                         "event": [e.name for e in step.events],
                         "time": [_ms(e.seconds) for e in step.events],
                         "what happened": [e.detail for e in step.events]}).set_index("#")


def grad_norm_frame(step) -> pd.DataFrame:
    return pd.DataFrame({"group": list(step.grad_norms),
                         "norm": [float("nan") if v is None else v for v in step.grad_norms.values()]})


def step_anatomy(job) -> None:
    """The latest step: its events in order with timings, and the gradient norm per module group."""
    from adaptlab.viz import grad_norm_bars

    if not job.steps:
        return
    step = job.steps[-1]
    st.subheader(f"Anatomy of the last step (step {step.step})")
    st.caption(f"The events of one optimizer step, in the order they ran: {_ms(step.seconds)} "
               "in all.")
    st.dataframe(anatomy_table(step), width="stretch",
                 column_config={"what happened": st.column_config.TextColumn(width="large")})
    with st.container():
        frame = grad_norm_frame(step)
        st.caption("Gradient norm per module group. A frozen group gets no gradient at all: "
                   "its row says none (frozen).")
        frozen = int(frame["norm"].isna().sum())
        plotly_chart(grad_norm_bars(frame), key=f"train.norms.{job.id}",
                     alt=f"Gradient norms of {len(frame)} module groups; {frozen} are frozen "
                         "and have none.")


def generations(result) -> None:
    """Greedy continuations of a few held-out prompts, before and after (shown as plain text)."""
    after = result.after.samples if result.after else [None] * len(result.before.samples)
    table = pd.DataFrame({"prompt": result.sample_prompts, "before training": result.before.samples,
                          "after training": after})
    st.subheader("What the model writes, before and after")
    st.caption(f"The first {len(table)} prompts of the table above, continued past the answer: "
               "what the model goes on to write.")
    # st.dataframe shows cells as literal text: model output and uploads never become markup.
    # Rows tall enough for Streamlit to wrap a cell (over 4rem) and hold a prompt or its
    # continuation (up to about 150 characters): one line cut them mid-word. Equal columns, which
    # share the page's width: sized to their text they ran off its right edge instead of wrapping.
    st.dataframe(table, hide_index=True, width="stretch",
                 row_height=130 if learner().projector else 90,
                 column_config={name: st.column_config.TextColumn(width="medium")
                                for name in table.columns})


def _zip(job) -> bytes:
    """Built when the learner clicks: the model is rebuilt from the run's trained tensors."""
    from adaptlab.training.export import export_zip
    from ui.jobs import job_registry

    return export_zip(job.result, job_registry().trained_model(job))


def downloads(job) -> None:
    result = job.result
    if result.trained is None and result.model is None:
        st.caption("This run's weights were released to save memory (only your newest runs keep "
                   "them). Train again to download.")
        return
    st.download_button("Download the trained weights and reproduce.py (zip)",
                       data=lambda: _zip(job), file_name=f"adaptlab-{job.plan.method}-"
                       f"{job.id}.zip", mime="application/zip", icon=":material/download:",
                       key=f"train.download.{job.id}", on_click="ignore",
                       help="Trained (or added) tensors as safetensors, the data, run.json and a "
                            "short script that trains the run again with plain transformers + peft.")


def results(job) -> None:
    """Everything after the run: outcome, before/after, proof, anatomy, samples, download."""
    outcome(job)
    result = job.result
    if result is None:
        return
    if result.after is not None:
        before_after(result, job.id)
    frozen_proof(result)
    step_anatomy(job)
    generations(result)
    downloads(job)
