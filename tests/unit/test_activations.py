"""The activation estimate against the tensors PyTorch really saves in a training step."""

import pytest
import torch

from adaptlab.activations import KINDS, MethodDetails, VirtualTokens, activation_estimate
from adaptlab.census import adapted_skeleton, census
from adaptlab.memory import memory_breakdown
from adaptlab.methods import REGISTRY, get_method
from adaptlab.models import load_model, skeleton, tiny_model
from adaptlab.training.loss import label_loss

# Every method with its defaults, and the settings that change what is saved: LoRA on other
# projections, (IA)³ on other targets, each adapter nonlinearity, trained
# LayerNorms, top-k with ln_f, prefix tuning without its MLP, a short soft prompt.
CASES = [(name, {}) for name in REGISTRY] + [
    ("lora", {"target_modules": ["c_attn", "attn.c_proj", "c_fc", "mlp.c_proj"], "r": 4}),
    ("lora", {"target_modules": ["mlp.c_proj"]}),
    ("ia3", {"target_modules": ["attn.c_proj", "c_fc"]}),
    ("adapter-houlsby", {"non_linearity": "relu", "train_layernorm": True}),
    ("adapter-pfeiffer", {"non_linearity": "gelu"}),
    ("top-k", {"k": 1, "train_ln_f": True}),
    ("prefix", {"prefix_projection": False, "num_virtual_tokens": 5}),
    ("prompt", {"num_virtual_tokens": 3}),
]


def saved_bytes(model: torch.nn.Module, batch: int, seq: int, vocab: int) -> int:
    """Bytes of the tensors autograd keeps for backward in one training step (AdaptLab's own
    loss), each storage once, parameters left out (they are counted as weights)."""
    parameters = {p.untyped_storage()._cdata for p in model.parameters()}
    kept: dict[int, int] = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        if storage._cdata not in parameters:
            kept.setdefault(storage._cdata, storage.nbytes())
        return tensor

    ids = torch.randint(0, vocab - 1, (batch, seq))
    batch_of = {"input_ids": ids, "attention_mask": torch.ones_like(ids), "labels": ids.clone()}
    model.train()
    for module in model.modules():  # as AdaptLab trains (training.steps): no dropout
        if isinstance(module, torch.nn.Dropout):
            module.p = 0.0
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        label_loss(model, batch_of)
    return sum(kept.values())


def estimate_for(model: torch.nn.Module, method: str, settings: dict, batch: int, seq: int) -> int:
    spec, c = get_method(method), model.config
    details = MethodDetails.of(spec, spec.config(settings))
    return activation_estimate(census(model), c.n_layer, c.n_embd, c.n_head, c.vocab_size, batch,
                               seq, details).total


@pytest.mark.parametrize(("method", "settings"), CASES)
def test_the_estimate_is_what_pytorch_saves(method, settings):
    torch.manual_seed(0)
    spec = get_method(method)
    model = spec.apply(load_model("mini"), spec.config(settings))
    real = saved_bytes(model, 2, 40, model.config.vocab_size)
    # What the estimate leaves out: token ids (int64) and (IA)³'s or P-tuning's few vectors.
    assert estimate_for(model, method, settings, 2, 40) == pytest.approx(real, rel=0.002)


def test_the_estimate_holds_for_another_shape_of_gpt2():
    """Other widths, head count and depth than the bundled model's (tiny: 2 heads, d = 64)."""
    for method in ("full", "lora", "prefix", "adapter-houlsby"):
        torch.manual_seed(0)
        spec = get_method(method)
        model = spec.apply(tiny_model(n_layer=3), spec.config())
        real = saved_bytes(model, 3, 24, model.config.vocab_size)
        assert estimate_for(model, method, {}, 3, 24) == pytest.approx(real, rel=0.002), method


def _kept(method: str, settings: dict | None = None, seq: int = 64) -> dict[str, int]:
    spec, c = get_method(method), skeleton("gpt2").config
    df = census(adapted_skeleton("gpt2", method, settings))
    return activation_estimate(df, c.n_layer, c.n_embd, c.n_head, c.vocab_size, 8, seq,
                               MethodDetails.of(spec, spec.config(settings))).by_kind


def test_frozen_projections_keep_no_inputs_but_the_backward_pass_still_keeps_the_rest():
    full, lora, prompt = _kept("full"), _kept("lora"), _kept("prompt")
    assert full["inputs of trained weights"] > 0
    assert lora["inputs of trained weights"] == prompt["inputs of trained weights"] == 0
    # Gradients still pass through every block: attention and GELU keep theirs, and every
    # LayerNorm but block 0's first (nothing below it trains, and it does not train itself).
    for kind in ("attention q, k, v, output", "GELU intermediates"):
        assert lora[kind] == full[kind] > 0, kind
    assert full["LayerNorm inputs"] - lora["LayerNorm inputs"] == 4 * 8 * 64 * (768 + 2)
    assert sum(lora.values()) < sum(full.values())


def test_blocks_below_the_lowest_trainable_parameter_keep_nothing():
    c = skeleton("gpt2").config
    top2 = memory_breakdown(census(adapted_skeleton("gpt2", "top-k")), c)
    full = memory_breakdown(census(adapted_skeleton("gpt2", "full")), c)
    assert top2.blocks_backpropagated == 2 < full.blocks_backpropagated == 12
    assert top2.activations_by_kind["GELU intermediates"] * 6 == full.activations_by_kind["GELU intermediates"]


def test_fused_attention_keeps_no_score_matrix():
    """Doubling the sequence doubles every block's tensors (no T×T term), and the logits
    follow the T − 1 positions that predict a token."""
    short, long = _kept("full", seq=512), _kept("full", seq=1024)
    for kind in KINDS:
        if kind not in ("logits", "inputs of trained weights"):
            assert long[kind] == 2 * short[kind], kind
    assert long["logits"] * 511 == short["logits"] * 1023


def test_virtual_tokens_lengthen_the_sequence_or_the_attention_keys():
    assert MethodDetails.of(get_method("lora"), get_method("lora").config()).virtual == VirtualTokens()
    prefix = get_method("prefix")
    assert MethodDetails.of(prefix, prefix.config({"num_virtual_tokens": 7})).virtual == \
        VirtualTokens(7, "attention")
    # Prompt tuning: every block runs on T + m positions (the logits do not: no label there).
    twenty, one = _kept("prompt", seq=64), _kept("prompt", {"num_virtual_tokens": 1}, seq=64)
    assert twenty["GELU intermediates"] * 65 == one["GELU intermediates"] * 84
    assert twenty["logits"] == one["logits"]
    # Prefix tuning: m more keys and values in every layer, not more positions.
    longer = _kept("prefix", {"num_virtual_tokens": 40})
    shorter = _kept("prefix", {"num_virtual_tokens": 10})
    assert longer["attention q, k, v, output"] > shorter["attention q, k, v, output"]
    assert longer["GELU intermediates"] == shorter["GELU intermediates"]
