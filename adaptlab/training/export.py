"""Export a finished run as a zip: trained weights, run.json, the data, and reproduce.py.

Weights are safetensors only, never pickle: peft methods through peft's own `save_pretrained`
(adapter/), others as the trained or added tensors under their GPT-2 names (weights.safetensors).
`reproduce.py` trains the run again with plain transformers + peft and prints its losses next to
the recorded ones. `load_export()` rebuilds the adapted model from a zip and a base model.
"""

from __future__ import annotations

import copy
import io
import json
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors
from torch import nn

from adaptlab.census import added_parameter_ids, display_name
from adaptlab.methods import get_method
from adaptlab.training.run import TrainingResult, trained_tensors

WEIGHTS = "weights.safetensors"
ADAPTER = "adapter/"
BUNDLED_PATH = "assets/models/mini-gpt2"  # relative to an AdaptLab checkout


def _is_peft(model: nn.Module) -> bool:
    return hasattr(model, "peft_config")


def _portable(value: Any) -> Any:
    """A path on this server becomes its last part: an export never shows where AdaptLab runs
    (a hub id such as "gpt2" or "org/model" is kept as it is)."""
    if isinstance(value, str) and (PurePosixPath(value).is_absolute() or "\\" in value
                                   or value.startswith("~") or Path(value).exists()):
        return PurePosixPath(value.replace("\\", "/")).name
    return value


def _peft_files(model: nn.Module) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(tmp)
        names = ("adapter_config.json", "adapter_model.safetensors")
        files = {ADAPTER + name: (Path(tmp) / name).read_bytes() for name in names}
    # peft records the folder the base model was loaded from: the server's absolute path.
    config = json.loads(files[ADAPTER + "adapter_config.json"])
    config["base_model_name_or_path"] = _portable(config.get("base_model_name_or_path"))
    files[ADAPTER + "adapter_config.json"] = json.dumps(config, indent=2).encode()
    return files


def _base_files(base: nn.Module, tokenizer: Any) -> dict[str, bytes]:
    """A base given as an object (not by name) travels with the export, so the script can run."""
    with tempfile.TemporaryDirectory() as tmp:
        base.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        return {f"base/{p.name}": p.read_bytes() for p in Path(tmp).iterdir() if p.is_file()}


def _run_json(result: TrainingResult, model: nn.Module) -> dict[str, Any]:
    hub = {"mini": BUNDLED_PATH}.get(result.plan.model, result.plan.model)
    run = result.to_json()
    run["data"] = _portable(run.get("data"))  # a file the CLI read: its name, not its path
    return {**run, "base": "base" if result.plan.model == "custom" else hub,
            "uses_peft": _is_peft(model), "trainable": sorted(trained_tensors(model)),
            "needs_adaptlab": not _is_peft(model) and bool(added_parameter_ids(model))}


def export_files(result: TrainingResult, model: nn.Module | None = None) -> dict[str, bytes]:
    """{path in the zip: bytes} for a finished run: its model (held, or rebuilt and passed in)."""
    model = model if model is not None else result.model
    if model is None:
        raise ValueError("this run no longer holds its trained model: train again to export it")
    run = _run_json(result, model)
    files = {"run.json": json.dumps(run, indent=2, allow_nan=False).encode(),
             "data.jsonl": "".join(json.dumps({"prompt": ex.prompt, "completion": ex.completion,
                                               "split": ex.split}) + "\n"
                                   for ex in result.plan.train + result.plan.validation).encode(),
             "reproduce.py": reproduce_script(run).encode()}
    if _is_peft(model):
        files.update(_peft_files(model))
    else:
        files[WEIGHTS] = save_tensors(trained_tensors(model), metadata={"method": result.plan.method})
    if result.plan.model == "custom":
        files.update(_base_files(result.base, result.tokenizer))
    return files


def export_zip(result: TrainingResult, model: nn.Module | None = None) -> bytes:
    """The export as zip bytes, ready for a download button."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in export_files(result, model).items():
            archive.writestr(name, data)
    return buffer.getvalue()


MAX_MEMBER_BYTES = 4 * 2**30  # larger than any GPT-2 (XL in float32 is ~6 GB: not trainable here)
MAX_TOTAL_BYTES = 8 * 2**30


def _checked_members(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's members by name, once every one is inside the export's folder and of a
    sane size; ValueError naming the first that is not (a crafted or damaged zip)."""
    members, total = {}, 0
    for info in zf.infolist():
        name, parts = info.filename, PurePosixPath(info.filename).parts
        if (name.startswith(("/", "\\")) or "\\" in name or ".." in parts
                or (parts and ":" in parts[0])):
            raise ValueError(f"refusing this export: its member {name[:80]!r} points outside "
                             "the export's folder")
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise ValueError(f"refusing this export: its member {name[:80]!r} unpacks to "
                             f"{info.file_size:,} bytes, more than an AdaptLab export holds")
        members[name] = info
    return members


def load_export(archive: bytes, base: nn.Module) -> nn.Module:
    """Rebuild the trained model on a copy of `base` (never mutated), in eval mode.

    peft methods load through `PeftModel.from_pretrained`, as any peft user would; it also knows
    that p-tuning and projected prefixes are saved as their final embeddings, not the encoder.
    A member outside the export's folder (zip-slip) or of absurd size is refused (ValueError)
    before anything is read or written.
    """
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        members = _checked_members(zf)
        if "run.json" not in members:
            raise ValueError("not an AdaptLab export: it has no run.json")
        run = json.loads(zf.read(members["run.json"]))
        if run["uses_peft"]:
            return _load_peft(zf, members, base)
        spec = get_method(run["method"])
        model = spec.apply(base, spec.config(run["settings"]))
        params = {display_name(raw): p for raw, p in model.named_parameters()}
        for name, tensor in load_tensors(zf.read(members[WEIGHTS])).items():
            params[name].data.copy_(tensor)
    return model.eval()


def _load_peft(zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo],
               base: nn.Module) -> nn.Module:
    from peft import PeftModel

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp).resolve()
        for name, info in members.items():
            file = name.removeprefix(ADAPTER)
            if not name.startswith(ADAPTER) or not file or "/" in file:
                continue  # only the adapter's own files, each straight in its folder
            target = (folder / file).resolve()
            if target.parent != folder:  # belt and braces after _checked_members
                raise ValueError(f"refusing this export: {name[:80]!r} leaves its folder")
            target.write_bytes(zf.read(info))
        # from_pretrained wraps the model it is given in place: hand it a copy.
        return PeftModel.from_pretrained(copy.deepcopy(base), tmp).eval()


def reproduce_script(run: dict[str, Any]) -> str:
    if run["uses_peft"]:
        adapt = _ADAPT_PEFT
    elif run["needs_adaptlab"]:
        adapt = _ADAPT_ADAPTLAB
    else:
        adapt = _ADAPT_FREEZE
    return _SCRIPT.replace("{ADAPT}", adapt).replace("{TITLE}", f"{run['method']} on {run['model']}")


_ADAPT_PEFT = '''def adapt(model):
    """The same peft method and settings, read from the exported adapter_config.json."""
    from peft import get_peft_config, get_peft_model

    config = json.loads((HERE / "adapter" / "adapter_config.json").read_text())
    return get_peft_model(model, get_peft_config({**config, "inference_mode": False}))'''

_ADAPT_FREEZE = '''def adapt(model):
    """Freeze everything except the parameters this method trains (listed in run.json)."""
    for name, param in model.named_parameters():
        param.requires_grad_(name in RUN["trainable"])
    return model'''

_ADAPT_ADAPTLAB = '''def adapt(model):
    """peft has no bottleneck adapters, so this method needs AdaptLab itself (pip install the
    AdaptLab checkout, or run from its root): the modules are inserted by adaptlab.methods."""
    from adaptlab.methods import get_method

    spec = get_method(RUN["method"])
    return spec.apply(model, spec.config(RUN["settings"]))'''

_SCRIPT = '''"""Reproduce an AdaptLab run with plain transformers + peft: {TITLE}.

    python reproduce.py [--model PATH_OR_HUB_ID]

Trains again from the same seed on data.jsonl, prints each step's loss next to the loss AdaptLab
recorded (run.json) and saves the result in ./reproduced/. Losses agree to a few digits: AdaptLab
computes logits only at labelled positions and uses fused AdamW; the arithmetic is the same.
"""

import argparse
import json
import random
from pathlib import Path

import torch
from transformers import AutoTokenizer, GPT2LMHeadModel

HERE = Path(__file__).resolve().parent
RUN = json.loads((HERE / "run.json").read_text())
T = RUN["training"]


{ADAPT}


def encode(tokenizer, example):
    """Prompt + completion + end-of-text; the prompt's labels are -100 (not scored)."""
    eos = tokenizer.eos_token_id
    prompt = tokenizer(example["prompt"], add_special_tokens=False)["input_ids"]
    completion = tokenizer(example["completion"], add_special_tokens=False)["input_ids"] + [eos]
    prompt = prompt[-(T["max_length"] - len(completion)):]
    return prompt + completion, [-100] * len(prompt) + completion


def batches(encoded, size, seed, pad):
    """Endless batches: each epoch a seeded shuffle (as adaptlab.data.batches), right-padded."""
    rng, order = random.Random(seed), []
    while True:
        while len(order) < size:
            epoch = list(range(len(encoded)))
            rng.shuffle(epoch)
            order += epoch
        rows, order = [encoded[i] for i in order[:size]], order[size:]
        width = max(len(ids) for ids, _ in rows)
        yield {"input_ids": torch.tensor([ids + [pad] * (width - len(ids)) for ids, _ in rows]),
               "attention_mask": torch.tensor([[1] * len(ids) + [0] * (width - len(ids))
                                               for ids, _ in rows]),
               "labels": torch.tensor([lab + [-100] * (width - len(lab)) for _, lab in rows])}


def lr_factor(s):
    """Warm up over warmup_steps, then constant or a linear decay to 0."""
    warm, total = T["warmup_steps"], T["steps"]
    if s < warm:
        return (s + 1) / (warm + 1)
    return 1.0 if T["schedule"] == "constant" else max(0.0, (total - s) / (total - warm))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=RUN["base"],
                        help="the base model: a folder (default: as exported) or a hub id")
    args = parser.parse_args()
    source = HERE / args.model if (HERE / args.model).is_dir() else args.model
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
        base = GPT2LMHeadModel.from_pretrained(source, use_safetensors=True)
    except OSError as exc:
        raise SystemExit(f"cannot load the base model {args.model!r} ({exc.__class__.__name__}): "
                         "run from the AdaptLab folder or pass --model PATH_OR_HUB_ID") from None
    examples = [json.loads(line) for line in (HERE / "data.jsonl").read_text().splitlines()]
    encoded = [encode(tokenizer, ex) for ex in examples if ex["split"] == "train"]
    torch.manual_seed(T["seed"])  # the method's initialisation draws from this seed
    model = adapt(base)
    for module in model.modules():  # AdaptLab trains without dropout (reproducible losses)
        if isinstance(module, torch.nn.Dropout):
            module.p = 0.0
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=T["lr"], weight_decay=T["weight_decay"])
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)
    stream = batches(encoded, T["batch_size"], T["seed"], tokenizer.eos_token_id)
    for step, batch in zip(range(1, len(RUN["losses"]) + 1), stream):
        loss = model(**batch).loss  # Hugging Face shifts the labels inside
        loss.backward()
        if T["max_grad_norm"] > 0:
            torch.nn.utils.clip_grad_norm_(params, T["max_grad_norm"])
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        print(f"step {step:4d}  loss {loss.item():.4f}  AdaptLab {RUN['losses'][step - 1]}")
    model.save_pretrained(HERE / "reproduced")


if __name__ == "__main__":
    main()
'''
