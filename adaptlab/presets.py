"""Ready-made demo links for lessons: pages set up for a point the class should see.

Each preset is one or more links (page + query parameters, read by the pages exactly like a link
an instructor builds) and one line saying what the class will see. The rates a description
quotes are each method's measured default (`MethodSpec.training`, swept in
assets/results/method_sweep.json), read here, never copied, so a new sweep cannot leave a
preset quoting a stale number. Plain data: the Instructor page shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from adaptlab.methods import get_method
from adaptlab.training.config import method_defaults

# A rate far past full fine-tuning's own (x1000): the first updates overshoot and the run stops,
# saying why. The same one the Diagnose page's "lr-too-high" run uses.
DIVERGING_LR = 1.0
STALLED_LR = 1e-7  # AdamW moves each weight by about lr per step: nothing visible in 200 steps


@dataclass(frozen=True)
class PresetLink:
    label: str  # what the button says, in learners' words
    page: str  # url path of the page: train, parameters, compare, ...
    params: tuple[tuple[str, str], ...] = ()

    def url(self, base: str = "") -> str:
        query = urlencode(self.params, safe=",")
        return f"{base.rstrip('/')}/{self.page}" + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Preset:
    id: str
    title: str
    description: str  # one line: what the class will see, and why
    links: tuple[PresetLink, ...]


def _title(method: str) -> str:
    return get_method(method).title


def _lr(method: str) -> str:
    return f"{method_defaults(method)['lr']:g}"


def _train(method: str, task: str, **extra: str) -> PresetLink:
    """A locked Train link; the method's own defaults for everything not given."""
    params = {"method": method, "task": task, **extra, "seed": "0", "lock": "1"}
    label = _title(method) + (f", lr {extra['lr']}" if "lr" in extra else "")
    return PresetLink(label, "train", tuple(params.items()))


def lesson_presets() -> tuple[Preset, ...]:
    """The presets shown on the Instructor page, in teaching order."""
    steps = method_defaults("prompt")["steps"]
    return (
        Preset("lora-vs-full", "LoRA vs full fine-tuning on the same data",
               f"Same task (style), seed and budget; each method at its own measured rate "
               f"({_title('lora')} lr {_lr('lora')}, {_title('full')} lr {_lr('full')}). Run "
               "both, then Compare: a small share of the weights gets close, not all the way.",
               (_train("lora", "style"), _train("full", "style"), PresetLink("Compare", "compare"))),
        Preset("prompt-small-model", "Why prompt tuning struggles on a small model",
               f"{_title('prompt')} (20 virtual tokens, lr {_lr('prompt')}, {steps} steps) on "
               "made-up facts: the loss falls, yet held-out answers stay wrong. A soft prompt "
               "steers what a 2.6 M model knows; it cannot store new facts. Then full "
               "fine-tuning on the same facts.",
               (_train("prompt", "facts"), _train("full", "facts"))),
        Preset("diverging", "A diverging run (learning rate far too high)",
               f"{_title('full')} at lr {DIVERGING_LR:g}, {DIVERGING_LR / float(_lr('full')):g}x "
               f"its measured rate {_lr('full')}: the loss jumps after the first updates and the "
               "run stops, saying why.",
               (_train("full", "sentiment", lr=f"{DIVERGING_LR:g}"),)),
        Preset("stalled", "A run that barely moves (learning rate far too low)",
               f"{_title('lora')} at lr {STALLED_LR:g} instead of its measured {_lr('lora')}: "
               "no error, but the loss stays flat and the answers do not change.",
               (_train("lora", "sentiment", lr=f"{STALLED_LR:g}"),)),
        Preset("where-lora-sits", "Where LoRA's parameters are, on GPT-2 small",
               "LoRA with r=4 on the 124 M GPT-2: the frozen, trainable and added counts, the "
               "formula behind them, and a map of every tensor.",
               (PresetLink(f"{_title('lora')}, r=4", "parameters",
                           (("model", "gpt2"), ("method", "lora"), ("r", "4"))),)),
    )
