"""The GPT-2 models AdaptLab knows: the bundled mini GPT-2, hub checkpoints, meta skeletons.

Every model is a real `transformers.GPT2LMHeadModel`, so module names (`h.0.attn.c_attn`, `ln_f`,
`lm_head`) are the checkpoint's own. Census and memory figures for the big sizes need no weights:
`skeleton()` builds the model on the `meta` device from its config alone. The specs themselves
(names, shapes, the bundled folder) are in `adaptlab.model_specs`, which imports no torch.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import torch
from safetensors import SafetensorError
from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerBase

from adaptlab.errors import ModelUnavailableError
from adaptlab.model_specs import (
    ModelSpec,
    bundled_dir,
    get_spec,
    restore_hint,
    unreadable_config,
)

# What a damaged or hostile model folder makes transformers, safetensors or tokenizers raise:
# bad JSON (ValueError/OSError), a truncated file (SafetensorError), wrong shapes (RuntimeError).
_UNREADABLE = (OSError, ValueError, TypeError, KeyError, AttributeError, RuntimeError,
               SafetensorError)


def gpt2_config(name: str) -> GPT2Config:
    """The config of a model, without touching any weights."""
    spec = get_spec(name)
    folder = bundled_dir()
    if spec.hub_id is None and (folder / "config.json").exists():
        try:
            return GPT2Config.from_pretrained(folder, local_files_only=True)
        except _UNREADABLE as exc:
            raise unreadable_config(folder, exc) from exc
    return GPT2Config(
        n_layer=spec.n_layer, n_embd=spec.n_embd, n_head=spec.n_head,
        vocab_size=spec.vocab_size, n_positions=spec.n_positions,
        bos_token_id=spec.vocab_size - 1 if spec.hub_id is None else 50256,
        eos_token_id=spec.vocab_size - 1 if spec.hub_id is None else 50256,
    )


def skeleton(name: str) -> GPT2LMHeadModel:
    """The model's full module tree on the `meta` device: shapes and names, no memory, no weights."""
    return copy.deepcopy(skeleton_template(name))


@functools.cache
def skeleton_template(name: str) -> GPT2LMHeadModel:
    """The shared, cached skeleton: read it, never change it (`MethodSpec.apply` copies it)."""
    # Built once per model; copying a meta model is about twice as fast as building it.
    with torch.device("meta"):
        return GPT2LMHeadModel(gpt2_config(name))


def tiny_model(seed: int = 0, n_layer: int = 2, n_embd: int = 64, vocab_size: int = 256) -> GPT2LMHeadModel:
    """A randomly initialised GPT-2 built from a config, for tests and as a clearly labelled stand-in."""
    torch.manual_seed(seed)
    config = GPT2Config(
        n_layer=n_layer, n_embd=n_embd, n_head=2, n_positions=64, vocab_size=vocab_size,
        bos_token_id=vocab_size - 1, eos_token_id=vocab_size - 1,
    )
    return GPT2LMHeadModel(config).eval()


def _hub_error(spec: ModelSpec) -> ModelUnavailableError:
    return ModelUnavailableError(
        f"model {spec.name!r} has no weights in the local Hugging Face cache and this machine is "
        f"offline: on a machine with internet run `python -c \"from transformers import "
        f"GPT2LMHeadModel as M; M.from_pretrained('{spec.hub_id}')\"` once, or use --model mini"
    )


def _weights_dir(spec: ModelSpec) -> Path | str:
    if spec.hub_id is None:
        folder = bundled_dir()
        # Checked first, so a folder holding only pytorch_model.bin (a pickle, which can run code
        # when loaded) is refused before transformers looks at it.
        if not (folder / "model.safetensors").is_file():
            raise ModelUnavailableError(
                f"the mini model is missing or incomplete at {folder} (no model.safetensors): "
                f"{restore_hint(folder)}", folder)
        return folder
    return spec.hub_id


def load_model(name: str = "mini") -> GPT2LMHeadModel:
    """Load real weights (safetensors only, never pickle) in eval mode.

    Hub models come from the local cache only (`local_files_only`), so an offline machine without
    the weights gets a clear message at once instead of waiting on network timeouts.
    """
    spec = get_spec(name)
    source = _weights_dir(spec)
    try:
        model = GPT2LMHeadModel.from_pretrained(
            source, local_files_only=True, use_safetensors=True, dtype=torch.float32
        )
    except _UNREADABLE as exc:
        if spec.hub_id is not None:
            raise _hub_error(spec) from exc
        raise ModelUnavailableError(
            f"the mini model at {source} cannot be read ({exc.__class__.__name__}): "
            f"{restore_hint(Path(source))}", source) from exc
    return model.eval()


def load_tokenizer(name: str = "mini") -> PreTrainedTokenizerBase:
    spec = get_spec(name)
    source = _weights_dir(spec)
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
    except Exception as exc:  # the Rust tokenizers library raises bare Exception on bad files
        if spec.hub_id:
            raise _hub_error(spec) from exc
        raise ModelUnavailableError(
            f"the mini model's tokenizer at {source} cannot be read ({exc.__class__.__name__}): "
            f"{restore_hint(Path(source))}", source) from exc
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer
