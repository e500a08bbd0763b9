"""The registry: the single list of adaptation methods. Pages, CLI, census and quizzes read it."""

from __future__ import annotations

import warnings

from adaptlab.errors import UserInputError
from adaptlab.methods import (
    adapter_houlsby,
    adapter_pfeiffer,
    bitfit,
    full,
    ia3,
    ln,
    lora,
    p_tuning,
    prefix,
    prompt,
    top_k,
)
from adaptlab.methods.base import Formula, MethodSpec, SettingInfo, settings_of

# peft 0.21 still calls a transformers helper that transformers 5 deprecated; the warning says
# nothing a learner can act on.
warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)

# In the Methods page's order, by what gets trained (adaptlab.taxonomy.FAMILIES): every list of
# methods (menus, tables, the live class's assignments) then reads as that page does.
_MODULES = (full, top_k, bitfit, ln, prefix, prompt, p_tuning, adapter_houlsby, adapter_pfeiffer,
            ia3, lora)
REGISTRY: dict[str, MethodSpec] = {module.SPEC.name: module.SPEC for module in _MODULES}


def method_names() -> list[str]:
    return list(REGISTRY)


def get_method(name: str) -> MethodSpec:
    if name not in REGISTRY:
        raise UserInputError(f"unknown method {name!r}: choose one of {', '.join(REGISTRY)}")
    return REGISTRY[name]


__all__ = ["Formula", "MethodSpec", "REGISTRY", "SettingInfo", "get_method", "method_names",
           "settings_of"]
