"""The parameter census: one row per parameter tensor, and the totals a learner asks about.

Whether a tensor was added by the method is decided by the module that owns it (a peft tuner
layer's adapter parameters, a bottleneck adapter, peft's prompt encoder), not by its name.
Names are shown as GPT-2 names them: peft's `base_model.model.` prefix and `.base_layer` go.
What a census frame adds up to (totals, per block) and the formula that predicts it are in
`adaptlab.counts`, which imports no torch.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd
from peft import PeftModel
from peft.tuners.tuners_utils import BaseTunerLayer
from torch import nn

from adaptlab.counts import COLUMNS, config_dict, totals
from adaptlab.methods import get_method
from adaptlab.methods.adapter_layers import BottleneckAdapter
from adaptlab.models import skeleton_template

_BLOCK = re.compile(r"(?:^|\.)h\.(\d+)\.")


def added_parameter_ids(model: nn.Module) -> set[int]:
    """ids of the parameters that belong to modules a method added to the base model."""
    owners: list[nn.Module] = []
    for module in model.modules():
        if isinstance(module, BaseTunerLayer):
            owners += [getattr(module, attr) for attr in module.adapter_layer_names]
        elif isinstance(module, BottleneckAdapter):
            owners.append(module)
    if isinstance(model, PeftModel) and "prompt_encoder" in model._modules:
        owners.append(model._modules["prompt_encoder"])
    return {id(p) for owner in owners for p in owner.parameters()}


def display_name(raw: str) -> str:
    # LoRA/IA3 wrap as base_model.model.<gpt2>; prompt methods as base_model.<gpt2>.
    name = raw.removeprefix("base_model.").removeprefix("model.").replace(".base_layer", "")
    return name.replace(".default.", ".").removesuffix(".default")


def _row(raw: str, param: nn.Parameter, added: bool) -> dict[str, Any]:
    name = display_name(raw)
    match = _BLOCK.search(name)
    block = int(match.group(1)) if match else None
    component = name[match.end():] if match else name.removeprefix("transformer.")
    status = "added" if added else ("trainable" if param.requires_grad else "frozen")
    return {"name": name, "block": block, "component": component,
            "shape": "×".join(map(str, param.shape)), "count": param.numel(),
            "trainable": param.requires_grad, "origin": "added" if added else "base", "status": status}


def census(model: nn.Module) -> pd.DataFrame:
    """One row per parameter tensor. Tied tensors (lm_head = wte) appear once, as in PyTorch."""
    added = added_parameter_ids(model)
    rows = [_row(raw, p, id(p) in added) for raw, p in model.named_parameters()]
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["block"] = df["block"].astype("Int64")
    return df


def adapted_skeleton(model: str, method: str, settings: Mapping[str, Any] | None = None) -> nn.Module:
    """The method applied to a weightless copy of `model`: exact shapes and flags, no memory."""
    spec = get_method(method)
    return spec.apply(skeleton_template(model), spec.config(settings))  # apply copies the template


def census_summary(model: str, method: str, settings: Mapping[str, Any] | None = None,
                   df: pd.DataFrame | None = None) -> dict[str, Any]:
    """The census contract of `python -m adaptlab census` (DESIGN.md) as a dict.

    Pass `df` when the census of this setup is already at hand, so the method is applied once.
    """
    config = get_method(method).config(settings)
    if df is None:
        df = census(adapted_skeleton(model, method, settings))
    return {"model": model, "method": method, "settings": config_dict(config), **totals(df)}
