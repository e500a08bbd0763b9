"""The GPT-2 models AdaptLab knows, by name and shape, without importing torch or transformers.

A page that shows counts, formulas and memory needs a model's shape, not the model: importing
torch and transformers takes seconds, and the first visit of every page must not wait for it
(issue 14). `architecture()` reads the shape from the spec, or from the bundled model's
config.json, in a millisecond; `adaptlab.models` builds the real transformers objects from the
same specs (tests/unit/test_models.py checks that both agree).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from adaptlab.errors import ModelUnavailableError, UserInputError

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_DIR = ROOT / "assets" / "models" / "mini-gpt2"
# Points "mini" at another copy of the model's folder (a read-only deployment, a test of a broken
# model). Only model.safetensors is ever read for weights there, never a pickle.
MODEL_DIR_ENV = "ADAPTLAB_MODEL_DIR"
# The bundled model's architecture; used for its skeleton when its folder is missing.
MINI_ARCH = {"n_layer": 4, "n_embd": 192, "n_head": 6, "n_positions": 256, "vocab_size": 4096}
SHAPE_FIELDS = ("n_layer", "n_embd", "n_head", "n_positions", "vocab_size")


@dataclass(frozen=True)
class ModelSpec:
    """One selectable model: where its weights come from and its shape (n_layer, n_embd, n_head)."""

    name: str
    title: str
    hub_id: str | None  # None: bundled with the project
    n_layer: int
    n_embd: int
    n_head: int
    vocab_size: int = 50257
    n_positions: int = 1024

    @property
    def needs_download(self) -> bool:
        return self.hub_id is not None


MODEL_SPECS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in [
        ModelSpec("mini", "mini GPT-2 (bundled, 2.6 M)", None, **MINI_ARCH),
        ModelSpec("distilgpt2", "DistilGPT-2 (82 M)", "distilgpt2", 6, 768, 12),
        ModelSpec("gpt2", "GPT-2 small (124 M)", "gpt2", 12, 768, 12),
        ModelSpec("gpt2-medium", "GPT-2 medium (355 M)", "gpt2-medium", 24, 1024, 16),
        ModelSpec("gpt2-large", "GPT-2 large (774 M)", "gpt2-large", 36, 1280, 20),
        ModelSpec("gpt2-xl", "GPT-2 XL (1.5 B)", "gpt2-xl", 48, 1600, 25),
    ]
}


@dataclass(frozen=True)
class Architecture:
    """A GPT-2's shape: what formulas and memory estimates read (the names GPT2Config uses)."""

    n_layer: int
    n_embd: int
    n_head: int
    n_positions: int
    vocab_size: int


def get_spec(name: str) -> ModelSpec:
    if name not in MODEL_SPECS:
        valid = ", ".join(MODEL_SPECS)
        raise UserInputError(f"unknown model {name!r}: choose one of {valid}")
    return MODEL_SPECS[name]


def bundled_dir() -> Path:
    """The "mini" model's folder: ADAPTLAB_MODEL_DIR when set, else assets/models/mini-gpt2."""
    raw = os.environ.get(MODEL_DIR_ENV, "").strip()
    return Path(raw).expanduser() if raw else BUNDLED_DIR


def restore_hint(folder: Path) -> str:
    if folder != BUNDLED_DIR:
        return (f"fix the folder {MODEL_DIR_ENV} points to (it needs config.json, "
                f"model.safetensors and tokenizer.json), or unset {MODEL_DIR_ENV}")
    return ("restore it with `git checkout -- assets/models/mini-gpt2` or rebuild it with "
            "`python -m adaptlab pretrain`")


def unreadable_config(folder: Path, exc: Exception) -> ModelUnavailableError:
    return ModelUnavailableError(
        f"the mini model's config.json at {folder} cannot be read "
        f"({exc.__class__.__name__}): {restore_hint(folder)}", folder)


def architecture(name: str) -> Architecture:
    """The shape of a model: the spec's, or for "mini" its config.json's when the folder has one
    (as `adaptlab.models.gpt2_config` reads it)."""
    spec = get_spec(name)
    folder = bundled_dir()
    if spec.hub_id is None and (folder / "config.json").exists():
        try:
            raw = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            shape = {field: raw[field] for field in SHAPE_FIELDS}
            if not all(type(v) is int and v > 0 for v in shape.values()):
                raise ValueError(f"not positive whole numbers: {shape}")
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise unreadable_config(folder, exc) from exc
        return Architecture(**shape)
    return Architecture(**{field: getattr(spec, field) for field in SHAPE_FIELDS})
