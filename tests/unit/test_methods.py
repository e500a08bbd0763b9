"""Every registered method on a tiny GPT-2: the cases a learner relies on.

For each method: the input model is untouched; exactly the expected parameters train, with the
count the formula predicts; the output is unchanged right after apply where the method starts as
a no-op; and a few optimizer steps lower the loss.
"""

import pytest
import torch

from adaptlab.census import census
from adaptlab.counts import totals
from adaptlab.errors import UserInputError
from adaptlab.methods import REGISTRY, get_method, method_names

NO_OP_AT_START = {"full", "top-k", "bitfit", "ln", "adapter-houlsby", "adapter-pfeiffer", "lora", "ia3"}
VIRTUAL_TOKENS = {"prefix", "prompt", "p-tuning"}


def expected_trainable(name: str, param_name: str) -> bool:
    """Which *base* parameters a method trains, written out independently of the method code."""
    block_of = param_name.split(".h.")[1].split(".")[0] if ".h." in param_name else None
    return {
        "full": True,
        "top-k": block_of in {"0", "1"},  # tiny model has 2 blocks, default k=2
        "bitfit": param_name.endswith(".bias"),
        "ln": ".ln_" in param_name,
    }.get(name, False)


def batch(vocab=256, seed=0):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, vocab, (4, 12), generator=g)
    return {"input_ids": ids, "labels": ids.clone()}


def state_copy(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


@pytest.mark.parametrize("name", method_names())
def test_apply_leaves_the_input_model_untouched(name, tiny_gpt2):
    before = state_copy(tiny_gpt2)
    flags = [p.requires_grad for p in tiny_gpt2.parameters()]
    get_method(name).apply(tiny_gpt2)
    after = tiny_gpt2.state_dict()
    assert before.keys() == after.keys()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert flags == [p.requires_grad for p in tiny_gpt2.parameters()]
    assert type(tiny_gpt2.transformer.h[0].attn.c_attn).__name__ == "Conv1D"


@pytest.mark.parametrize("name", method_names())
def test_exactly_the_expected_parameters_train(name, tiny_gpt2):
    spec = get_method(name)
    df = census(spec.apply(tiny_gpt2))
    base = df[df["origin"] == "base"]
    wrong = [n for n, t in zip(base["name"], base["trainable"], strict=True)
             if t != expected_trainable(name, n)]
    assert wrong == []
    added = df[df["origin"] == "added"]
    assert added["trainable"].all()
    assert (len(added) > 0) == (spec.family in {"inserted-modules", "reparameterized", "virtual-tokens"})
    assert totals(df)["trainable_params"] == spec.formula(spec.config(), tiny_gpt2.config).value


@pytest.mark.parametrize("name", sorted(NO_OP_AT_START))
def test_output_unchanged_right_after_apply(name, tiny_gpt2):
    x = batch()["input_ids"]
    adapted = get_method(name).apply(tiny_gpt2).eval()
    with torch.no_grad():
        assert torch.equal(adapted(input_ids=x).logits, tiny_gpt2(input_ids=x).logits)


@pytest.mark.parametrize("name", sorted(VIRTUAL_TOKENS))
def test_virtual_token_methods_change_the_output_from_the_start(name, tiny_gpt2):
    x = batch()["input_ids"]
    adapted = get_method(name).apply(tiny_gpt2).eval()
    with torch.no_grad():
        out = adapted(input_ids=x).logits[:, -x.shape[1]:]
        assert not torch.allclose(out, tiny_gpt2(input_ids=x).logits)


@pytest.mark.parametrize("name", method_names())
def test_a_few_steps_lower_the_loss_and_leave_frozen_weights_alone(name, tiny_gpt2):
    torch.manual_seed(0)
    model = get_method(name).apply(tiny_gpt2).train()
    frozen = {n: p.detach().clone() for n, p in model.named_parameters() if not p.requires_grad}
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
    data = batch()
    losses = []
    for _ in range(8):
        loss = model(**data).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    for n, p in model.named_parameters():
        if n in frozen:
            assert p.grad is None and torch.equal(p, frozen[n]), n


def test_tied_head_stays_frozen_for_selective_methods(tiny_gpt2):
    for name in ("top-k", "bitfit", "ln"):
        model = get_method(name).apply(tiny_gpt2)
        assert model.lm_head.weight is model.transformer.wte.weight
        assert not model.lm_head.weight.requires_grad, name


def test_adapter_up_projection_starts_at_zero(tiny_gpt2):
    model = get_method("adapter-houlsby").apply(tiny_gpt2)
    adapter = model.transformer.h[0].attn.c_proj.adapter
    assert torch.count_nonzero(adapter.adapter_up.weight) == 0
    assert torch.count_nonzero(adapter.adapter_down.weight) > 0


def test_lora_b_starts_at_zero_and_a_does_not(tiny_gpt2):
    model = get_method("lora").apply(tiny_gpt2)
    layer = model.base_model.model.transformer.h[0].attn.c_attn
    assert torch.count_nonzero(layer.lora_B["default"].weight) == 0
    assert torch.count_nonzero(layer.lora_A["default"].weight) > 0


@pytest.mark.parametrize(("name", "settings", "fragment"), [
    ("lora", {"r": "0"}, "r=0 is out of range: use a whole number from 1 to 256"),
    ("lora", {"r": "two"}, "r='two' is not valid"),
    ("lora", {"target_modules": "q_proj"}, "choose one or more of c_attn"),
    ("lora", {"lora_alpha": "nan"}, "lora_alpha"),
    ("prompt", {"num_virtual_tokens": "-3"}, "num_virtual_tokens=-3 is out of range"),
    ("top-k", {"k": "1.5"}, "k='1.5' is not valid"),
    ("adapter-houlsby", {"non_linearity": "tanh"}, "choose one of relu, gelu, swish"),
    ("adapter-houlsby", {"train_layernorm": "maybe"}, "use true or false"),
    ("bitfit", {"r": "4"}, "bitfit has no setting 'r'"),
])
def test_bad_settings_name_the_value_and_the_valid_range(name, settings, fragment):
    with pytest.raises(UserInputError, match=fragment.replace("(", r"\(")):
        get_method(name).config(settings)


def test_k_larger_than_the_model_is_refused_at_apply(tiny_gpt2):
    with pytest.raises(UserInputError, match="k=3 is more than this model has blocks: use a whole number from 1 to 2"):
        get_method("top-k").apply(tiny_gpt2, get_method("top-k").config({"k": 3}))


def test_unknown_method_lists_the_valid_ones():
    with pytest.raises(UserInputError, match="choose one of full, top-k"):
        get_method("qlora")


def test_every_method_has_a_family_and_source_labels():
    from adaptlab.taxonomy import FAMILIES, source_labels

    for spec in REGISTRY.values():
        assert spec.family in FAMILIES
        assert set(source_labels(spec.name)) == {"xiao-zhu", "lialin", "ding", "han", "peft-docs"}
    assert "additive" in source_labels("adapter-houlsby")["lialin"]
    assert "reparametrization" in source_labels("lora")["lialin"]


def test_the_registry_lists_methods_class_by_class_as_the_methods_page_does():
    # Every list of methods (menus, tables, a live class's assignments) follows from it.
    from adaptlab.taxonomy import FAMILIES

    order = [spec.family for spec in REGISTRY.values()]
    assert order == sorted(order, key=list(FAMILIES).index)
