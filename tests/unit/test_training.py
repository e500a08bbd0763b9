"""The training engine on a tiny GPT-2 and a tiny tokenizer: what a learner relies on.

Loss falls for every method and frozen parameters stay bitwise unchanged; the same seed gives the
same losses; the faster loss (logits only at labelled positions) equals Hugging Face's; a step's
events come in the canonical order; limits and divergence are explained. One test trains the
bundled model on the sentiment task when that model exists.
"""

from __future__ import annotations

import json
import math

import pytest
import torch

from adaptlab.data import collate, encode_all
from adaptlab.errors import UserInputError
from adaptlab.methods import get_method, method_names
from adaptlab.model_specs import BUNDLED_DIR
from adaptlab.training.config import TrainConfig, lr_factor
from adaptlab.training.evaluation import greedy_complete
from adaptlab.training.loss import label_loss
from adaptlab.training.plan import plan_run
from adaptlab.training.run import run_training
from adaptlab.training.steps import train_steps
from tests.unit.tiny_task import tiny_base, tiny_examples

STEP_ORDER = ["batch", "forward", "loss", "backward", "clip", "optimizer step", "scheduler step",
              "zero grad"]
# A random 2-block model needs bolder rates than the bundled one; soft prompts the boldest.
TINY_LR = {"all-weights": 3e-3, "selective": 3e-2, "inserted-modules": 3e-2,
           "reparameterized": 3e-2, "virtual-tokens": 1e-1}


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def base() -> torch.nn.Module:
    return tiny_base()


def tiny_run(base, tok, method: str, **kw):
    kw = {"steps": 20, "batch_size": 8, "max_length": 32, "lr": 1e-2, **kw}
    return run_training(base, method, kw.pop("settings", {}), examples=tiny_examples(),
                        tokenizer=tok, **kw)


# ---------------------------------------------------------------- every method


@pytest.mark.parametrize("method", method_names())
def test_loss_falls_and_frozen_parameters_stay_unchanged(method, base, tok) -> None:
    result = tiny_run(base, tok, method, lr=TINY_LR[get_method(method).family])
    assert result.stopped_reason is None
    assert len(result.losses) == 20 and all(math.isfinite(x) for x in result.losses)
    assert result.after.loss < result.before.loss - 0.1
    assert sum(result.losses[-3:]) < sum(result.losses[:3])
    assert result.frozen_unchanged
    assert 0 < result.trainable_params <= result.total_params
    json.dumps(result.to_json(), allow_nan=False)


@pytest.mark.parametrize("method", method_names())
def test_label_only_logits_give_the_models_own_loss(method, base, tok) -> None:
    model = get_method(method).apply(base).eval()
    batch = collate(encode_all(tok, tiny_examples()[:6], 32), tok.eos_token_id)
    with torch.no_grad():
        reference = model(**batch).loss  # full logits; HF shifts the labels itself
        ours = label_loss(model, batch)
    torch.testing.assert_close(ours, reference, rtol=1e-5, atol=1e-6)


def test_frozen_proof_catches_a_changed_weight(base, tok) -> None:
    from adaptlab.training.evaluation import frozen_unchanged

    result = tiny_run(base, tok, "lora", steps=2)
    assert frozen_unchanged(result.model, base)
    with torch.no_grad():
        result.model.base_model.model.transformer.h[0].mlp.c_fc.weight[0, 0] += 1.0
    assert not frozen_unchanged(result.model, base)


def test_same_seed_same_losses_other_seed_other_losses(base, tok) -> None:
    first = tiny_run(base, tok, "lora", steps=8, seed=3)
    again = tiny_run(base, tok, "lora", steps=8, seed=3)
    other = tiny_run(base, tok, "lora", steps=8, seed=4)
    assert first.losses == again.losses
    assert first.losses != other.losses


# ---------------------------------------------------------------- one step, in detail


def test_step_anatomy_and_grad_norms_per_group(base, tok) -> None:
    result = tiny_run(base, tok, "lora", steps=3, eval_every=0)
    step = result.steps[0]
    assert [e.name for e in step.events] == STEP_ORDER  # CONTENT.md 4b, zero grad last
    assert step.seconds == pytest.approx(sum(e.seconds for e in step.events))
    norms = step.grad_norms
    assert norms["embeddings"] is None and norms["block 0"] is None  # frozen: no gradient
    assert norms["added: block 0"] > 0 and norms["added: block 1"] > 0
    assert step.tokens > step.target_tokens > 0
    full = tiny_run(base, tok, "full", steps=1, lr=1e-3).steps[0].grad_norms
    assert all(v is not None and v > 0 for v in full.values())


def test_clipping_scales_the_gradients(base, tok) -> None:
    from adaptlab.training.steps import GradGroups

    model = get_method("full").apply(base).train()
    label_loss(model, collate(encode_all(tok, tiny_examples()[:4], 32), tok.eos_token_id)).backward()
    groups = GradGroups(model)
    total, _ = groups.measure_and_clip(0.5)
    after = torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in groups.params]))
    assert total > 0.5 and after.item() == pytest.approx(0.5, rel=1e-4)


def test_eval_points_every_n_steps(base, tok) -> None:
    result = tiny_run(base, tok, "bitfit", steps=10, eval_every=4)
    assert [s.step for s in result.steps if s.eval_loss is not None] == [4, 8]
    assert [p[0] for p in result.eval_points] == [0, 4, 8, 10]


def test_schedules() -> None:
    linear = lr_factor(TrainConfig(steps=10, warmup_steps=4, schedule="linear"))
    assert [round(linear(s), 3) for s in (0, 3, 4, 9)] == [0.2, 0.8, 1.0, 0.167]
    assert lr_factor(TrainConfig(steps=10))(9) == 1.0


def test_greedy_batched_equals_one_by_one(base, tok) -> None:
    prompts = [ex.prompt for ex in tiny_examples()[:5]] + ["Review:"]
    for method in ("full", "lora", "prefix", "prompt"):
        model = get_method(method).apply(base).eval()
        batched = greedy_complete(model, tok, prompts, 6, 32)
        alone = [greedy_complete(model, tok, [p], 6, 32)[0] for p in prompts]
        assert batched == alone


# ---------------------------------------------------------------- limits and divergence


@pytest.mark.parametrize(("field", "value", "fragment"), [
    ("steps", 0, "from 1 to 500"), ("steps", -5, "from 1 to 500"),
    ("steps", 100_000_000, "from 1 to 500"), ("batch_size", 65, "from 1 to 64"),
    ("lr", 0.0, "lr=0"), ("lr", -1.0, "lr=-1"), ("lr", float("nan"), "lr=nan"),
    ("lr", float("inf"), "lr=inf"), ("lr", 1e13, r"from 1e-08 to 1e\+12"),
    ("schedule", "cosine", "constant, linear"),
])
def test_limits_are_clear_errors(field, value, fragment) -> None:
    with pytest.raises(UserInputError, match=fragment):
        TrainConfig(**{field: value})


def test_settings_are_checked_before_any_compute() -> None:
    with pytest.raises(UserInputError, match="lora takes r, .*training takes steps"):
        plan_run("mini", "lora", {"rank": "4"}, context=256, task="sentiment")
    with pytest.raises(UserInputError, match="use 8 to 236"):
        plan_run("mini", "prompt", {"max_length": "250"}, context=256, task="sentiment")
    with pytest.raises(UserInputError, match="steps='ten'"):
        plan_run("mini", "lora", {"steps": "ten"}, context=256, task="sentiment")
    with pytest.raises(UserInputError, match="warmup_steps=5 must be less than steps=5"):
        TrainConfig(steps=5, warmup_steps=5)


def test_divergence_stops_with_an_explanation(base, tok) -> None:
    result = tiny_run(base, tok, "full", steps=30, lr=10.0, settings={"max_grad_norm": 0})
    assert result.stopped_reason and "far too high" in result.stopped_reason
    assert "lr=0.001" in result.stopped_reason  # the suggested rate for full fine-tuning
    assert "The learning rate 10 " in result.stopped_reason  # as set, not the warm-up's value
    assert result.warning is None  # the stop reason names the cause; no "learned the format"
    assert len(result.steps) < 30 and result.steps[-1].stopped == result.stopped_reason
    payload = json.dumps(result.to_json(), allow_nan=False)  # no NaN reaches JSON
    assert "NaN" not in payload and "Infinity" not in payload


def test_an_all_masked_batch_is_explained(base) -> None:
    model = get_method("lora").apply(base)
    batch = {"input_ids": torch.ones(2, 6, dtype=torch.long),
             "attention_mask": torch.ones(2, 6, dtype=torch.long),
             "labels": torch.full((2, 6), -100)}
    (result,) = list(train_steps(model, [batch], TrainConfig(steps=1)))
    assert "-100" in result.stopped and result.loss is None


def test_nothing_trainable_is_a_user_error(base) -> None:
    frozen = tiny_base().requires_grad_(False)
    with pytest.raises(UserInputError, match="nothing in this model is trainable"):
        next(train_steps(frozen, [], TrainConfig(steps=1)))


# ---------------------------------------------------------------- the bundled model


@pytest.mark.slow
@pytest.mark.skipif(not (BUNDLED_DIR / "model.safetensors").exists(),
                    reason="the bundled model is not built yet")
def test_a_default_lora_run_learns_sentiment_not_just_one_label() -> None:
    """The lab's payoff: the defaults a learner gets teach the task, judged on held-out answers."""
    result = run_training("mini", "lora", task="sentiment", seed=0)
    after = result.after.scores
    assert result.stopped_reason is None and result.frozen_unchanged
    assert after.balanced_accuracy >= 0.8, result.answers()[:10]
    assert after.top_share <= 0.8 and result.warning is None
