"""Training speed: the engine's step against a bare eager loop, every method, one run. Prints JSON.

Budgets (DESIGN.md, issue 4): a 20-step run of any method on the bundled model at batch 8 x 64
<= 1.0 s on 2 cores; the engine never slower than the bare loop (aim <= 0.6x); GPT-2 small LoRA
at 4 x 64 <= 0.4 s per step. The bare loop is what a tutorial writes: the same adapted model
(`peft.get_peft_model` or requires_grad), train() mode, torch.optim.AdamW defaults, full logits
via `labels=`, plain `loss.backward()`. Engine and bare steps alternate in rounds so that load
from other processes hits both alike; the JSON reports the load average seen.
Batches: 8 x 64 random tokens, the last 16 of each row labelled (prompt masked, as in SFT).

Run: python benchmarks/train_speed.py [--threads N] [--rounds R] [--class-size 30]
The classroom run needs the bundled model (it trains on the sentiment task) and sets one torch
thread per run, as the app does.
"""

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
from transformers import GPT2Config, GPT2LMHeadModel  # noqa: E402

from adaptlab.methods import get_method, method_names  # noqa: E402
from adaptlab.model_specs import BUNDLED_DIR, MINI_ARCH  # noqa: E402
from adaptlab.models import load_model  # noqa: E402
from adaptlab.training.config import TrainConfig  # noqa: E402
from adaptlab.training.steps import train_steps  # noqa: E402

LABELLED = 16


def machine() -> dict:
    flags = Path("/proc/cpuinfo").read_text().split("flags")[1].split("\n")[0].split() \
        if Path("/proc/cpuinfo").exists() else []
    model = subprocess.run(["sh", "-c", "lscpu | grep 'Model name'"], capture_output=True,
                           text=True).stdout.split(":")[-1].strip()
    return {"cpu": model or platform.processor(), "cores": len(os.sched_getaffinity(0)),
            "torch": torch.__version__, "python": platform.python_version(),
            "avx512_bf16": "avx512_bf16" in flags, "amx_bf16": "amx_bf16" in flags,
            "load_average_start": os.getloadavg()}


def make_batches(vocab: int, rows: int, width: int, n: int = 4) -> list[dict]:
    g = torch.Generator().manual_seed(0)
    out = []
    for _ in range(n):
        ids = torch.randint(0, vocab - 1, (rows, width), generator=g)  # (B, T)
        labels = torch.full_like(ids, -100)
        labels[:, -LABELLED:] = ids[:, -LABELLED:]
        out.append({"input_ids": ids, "attention_mask": torch.ones_like(ids), "labels": labels})
    return out


def bare_stepper(model, batches):
    model.train()
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    stream = itertools.cycle(batches)

    def step():
        loss = model(**next(stream)).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
    return step


def engine_stepper(model, batches, lr=1e-4, **config):
    stream = train_steps(model, itertools.cycle(batches),
                         TrainConfig(steps=500, lr=lr, eval_every=0, **config))
    return lambda: next(stream)


def timed_rounds(steppers: dict, rounds: int, per_round: int = 4, warmup: int = 2) -> dict:
    """Median seconds per step of each stepper, interleaved round by round."""
    for step in steppers.values():
        for _ in range(warmup):
            step()
    times = {name: [] for name in steppers}
    for _ in range(rounds):
        for name, step in steppers.items():
            for _ in range(per_round):
                start = time.perf_counter()
                step()
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def twenty_step_run(base, method: str, batches) -> float:
    """Apply the method to a copy of the base and run 20 engine steps: wall seconds."""
    start = time.perf_counter()
    model = get_method(method).apply(base)
    for _ in train_steps(model, itertools.cycle(batches), TrainConfig(steps=20, eval_every=0)):
        pass
    return time.perf_counter() - start


def compare_methods(base, rounds: int) -> list[dict]:
    batches = make_batches(base.config.vocab_size, 8, 64)
    rows = []
    for method in method_names():
        spec = get_method(method)
        t = timed_rounds({"bare": bare_stepper(spec.apply(base), batches),
                          "engine": engine_stepper(spec.apply(base), batches)}, rounds)
        rows.append({"method": method, "bare_ms": round(1000 * t["bare"], 1),
                     "engine_ms": round(1000 * t["engine"], 1),
                     "ratio": round(t["engine"] / t["bare"], 2),
                     "run_20_steps_s": round(twenty_step_run(base, method, batches), 3)})
        print(json.dumps(rows[-1]), file=sys.stderr)
    return rows


def ablation(base, method: str, rounds: int) -> dict:
    """What each choice buys, one at a time, on one method: dropout, labelled logits, fused."""
    batches = make_batches(base.config.vocab_size, 8, 64)
    spec = get_method(method)

    def no_dropout(model):
        for m in model.modules():
            if isinstance(m, torch.nn.Dropout):
                m.p = 0.0
        return model

    def variant(fused: bool, labelled: bool, dropout: bool):
        model = spec.apply(base)
        model.train()
        if not dropout:
            no_dropout(model)
        params = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=1e-4, fused=fused or None)
        stream = itertools.cycle(batches)

        def step():
            from adaptlab.training.loss import label_loss
            batch = next(stream)
            loss = label_loss(model, batch) if labelled else model(**batch).loss
            loss.backward()
            opt.step()
            opt.zero_grad()
        return step
    t = timed_rounds({"bare": variant(False, False, True), "no_dropout": variant(False, False, False),
                      "+labelled_logits": variant(False, True, False),
                      "+fused_adamw": variant(True, True, False)}, rounds)
    return {"method": method, **{k: round(1000 * v, 1) for k, v in t.items()}, "unit": "ms/step"}


def optimizers(base) -> dict:
    """optimizer.step() alone over every parameter of the model (full fine-tuning)."""
    out = {}
    for name, kw in {"for_loop": {"foreach": False}, "foreach": {"foreach": True},
                     "fused": {"fused": True}}.items():
        params = [torch.nn.Parameter(p.detach().clone()) for p in base.parameters()]
        for p in params:
            p.grad = torch.randn_like(p)
        opt = torch.optim.AdamW(params, lr=1e-4, **kw)
        out[name] = round(1000 * timed_rounds({"s": opt.step}, rounds=5)["s"], 2)
    return {**out, "unit": "ms/step"}


def bf16_check(base, method: str, steps: int = 12) -> dict:
    """bf16 autocast: time per step and how far the losses drift from fp32."""
    batches = make_batches(base.config.vocab_size, 8, 64)
    result = {}
    for name, dtype in (("fp32", None), ("bf16", torch.bfloat16)):
        torch.manual_seed(0)  # the same LoRA init for both
        model = get_method(method).apply(base)
        stream = train_steps(model, itertools.cycle(batches), TrainConfig(steps=steps, lr=1e-3,
                                                                          schedule="constant",
                                                                          warmup_steps=0,
                                                                          eval_every=0))
        with torch.autocast("cpu", dtype=dtype or torch.bfloat16, enabled=dtype is not None):
            results = list(stream)
        result[name] = {"ms": round(1000 * statistics.median(r.seconds for r in results[2:]), 1),
                        "losses": [round(r.loss, 4) for r in results]}
    drift = max(abs(a - b) for a, b in zip(result["fp32"]["losses"], result["bf16"]["losses"],
                                           strict=True))
    learns = {name: _learns(r["losses"], len(batches)) for name, r in result.items()}
    out = {"method": method, "fp32_ms": result["fp32"]["ms"], "bf16_ms": result["bf16"]["ms"],
           "max_loss_difference": round(drift, 4), "fp32_learns": learns["fp32"],
           "bf16_learns": learns["bf16"],
           "fp32_losses": result["fp32"]["losses"], "bf16_losses": result["bf16"]["losses"]}
    if learns["fp32"] and not learns["bf16"]:
        out["note"] = ("bf16 does not learn here: the same batches give the same losses, because "
                       "each early update is below bf16's precision (8 bits of mantissa) next to "
                       "the frozen weights it is added to; keep fp32 (or fp32 master weights).")
    return out


def _learns(losses: list[float], period: int) -> bool:
    """The batches cycle with this period: the last cycle's mean loss must be clearly lower."""
    first, last = losses[:period], losses[-period:]
    return sum(last) / len(last) < 0.98 * sum(first) / len(first)


def gpt2_small(rounds: int) -> dict:
    torch.manual_seed(0)
    base = GPT2LMHeadModel(GPT2Config()).eval()  # random weights: timing only
    batches = make_batches(base.config.vocab_size, 4, 64)
    spec = get_method("lora")
    t = timed_rounds({"bare": bare_stepper(spec.apply(base), batches),
                      "engine": engine_stepper(spec.apply(base), batches)}, rounds, per_round=2)
    return {"model": "gpt2 (124M, random weights)", "method": "lora", "batch": "4 x 64",
            "bare_s": round(t["bare"], 3), "engine_s": round(t["engine"], 3),
            "ratio": round(t["engine"] / t["bare"], 2), "budget_s": 0.4}


def classroom(size: int) -> dict:
    """`size` learners start a 20-step LoRA run on the sentiment task at the same moment."""
    from adaptlab.training.jobs import JobRegistry

    registry = JobRegistry()  # worker processes = cores, one torch thread each
    settings = {"steps": 20, "eval_every": 0}
    for _ in range(2):  # the first run also waits for the workers to start and load the model
        solo = registry.start("mini", "lora", settings, task="sentiment")
        solo.join()
    alone = solo.finished - solo.created
    start = time.time()
    jobs = [registry.start("mini", "lora", {**settings, "seed": i}, task="sentiment",
                           owner=str(i)) for i in range(size)]
    for job in jobs:
        job.join()
    done = sorted(job.finished - start for job in jobs)
    registry.close()
    ideal = size * alone / registry.slots
    return {"learners": size, "slots": registry.slots, "one_run_alone_s": round(alone, 2),
            "first_done_s": round(done[0], 1), "median_done_s": round(statistics.median(done), 1),
            "last_done_s": round(done[-1], 1), "pure_compute_s": round(ideal, 1),
            "last_over_pure_compute": round(done[-1] / ideal, 2), "budget_ratio": 1.3,
            "all_done": all(job.status == "done" for job in jobs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--class-size", type=int, default=30, help="0 skips the classroom run")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    info = machine()
    if (BUNDLED_DIR / "model.safetensors").exists():
        base, source = load_model("mini"), "bundled mini GPT-2"
    else:
        torch.manual_seed(0)
        base = GPT2LMHeadModel(GPT2Config(**MINI_ARCH)).eval()
        source = "random GPT-2 of the bundled shape (the bundled model was not built yet)"
    rows = compare_methods(base, args.rounds)
    report = {
        "machine": {**info, "torch_threads": args.threads}, "model": source,
        "batch": "8 x 64 tokens, last 16 of each row labelled", "methods": rows,
        "worst_run_20_steps_s": max(r["run_20_steps_s"] for r in rows), "budget_20_steps_s": 1.0,
        "worst_ratio": max(r["ratio"] for r in rows),
        "ablation": [ablation(base, m, args.rounds) for m in ("full", "lora")],
        "optimizer_step_full_model": optimizers(base),
        "bf16_autocast": [bf16_check(base, m) for m in ("full", "lora")] if info["avx512_bf16"]
        or info["amx_bf16"] else "skipped: no bf16 matrix instructions",
        "gpt2_small": gpt2_small(max(2, args.rounds - 1)),
    }
    if args.class_size:
        report["classroom"] = classroom(args.class_size)
    report["machine"]["load_average_end"] = os.getloadavg()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
