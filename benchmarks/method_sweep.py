"""Every method on every bundled task, 3 seeds, with the engine's defaults: what each one learns.

Each run is a real `run_training` on the bundled model (one torch thread per worker process, as
the app runs a learner's job); it is judged by the model's answers on the held-out split, never
by its loss. Writes the results file the app ships (assets/results/method_sweep.json), the
"Measured" section of every task card, and prints JSON: one row per method and task (mean, min
and max over seeds of the headline metric: balanced accuracy for class tasks, exact match for
generated answers; token F1; the largest share of one answer; seconds per run).

Run:  python benchmarks/method_sweep.py                      # the shipped sweep (~11 min, 2 cores)
      python benchmarks/method_sweep.py --methods prefix      # after changing one method's
                                                              # defaults: replaces its runs only
      python benchmarks/method_sweep.py --methods lora,prompt --tasks sentiment \\
             --set lr=3e-3 --set steps=300 --no-write         # try other settings, write nothing
Seconds are wall time per run with `--workers` runs side by side; use --workers 1 on an idle
machine to measure the 15 s budget of a default run.
"""

import argparse
import json
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adaptlab.data import TASKS_DIR, list_tasks  # noqa: E402
from adaptlab.methods import REGISTRY, method_names  # noqa: E402
from adaptlab.reference import RESULTS_FILE, card_section, load_sweep, replace_card_section  # noqa: E402

_WORKER: dict = {}


def _start_worker() -> None:
    import torch

    from adaptlab.models import load_model, load_tokenizer

    torch.set_num_threads(1)
    _WORKER["base"], _WORKER["tokenizer"] = load_model("mini"), load_tokenizer("mini")


def run_one(job: tuple[str, str, int, dict]) -> dict:
    """One real run; its answers on the held-out split, scored."""
    from adaptlab.training.run import run_training

    method, task, seed, overrides = job
    start = time.perf_counter()
    result = run_training(_WORKER["base"], method, overrides, task=task,
                          tokenizer=_WORKER["tokenizer"], seed=seed)
    seconds = time.perf_counter() - start
    after = result.after.scores
    return {"method": method, "task": task, "seed": seed, "exact_match": after.exact_match,
            "balanced_accuracy": after.balanced_accuracy, "token_f1": after.token_f1,
            "chance": after.chance, "eval_loss_before": result.before.loss,
            "eval_loss_after": result.after.loss, "top_share": after.top_share,
            "top_answer": after.top_answer, "exact_match_before": result.before.scores.exact_match,
            "token_f1_before": result.before.scores.token_f1,
            "trainable_params": result.trainable_params, "total_params": result.total_params,
            "seconds": round(seconds, 2), "steps": len(result.steps), "lr": result.plan.config.lr,
            "stopped": result.stopped_reason}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--methods", default=",".join(method_names()))
    p.add_argument("--tasks", default=",".join(t.name for t in list_tasks()))
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="a setting for every run (then nothing is written)")
    p.add_argument("--no-write", action="store_true", help="print only; keep the shipped file")
    p.add_argument("--out", type=Path, default=RESULTS_FILE)
    return p.parse_args(argv)


def summarise(runs: list[dict]) -> list[dict]:
    rows: dict[tuple[str, str], list[dict]] = {}
    for run in runs:
        rows.setdefault((run["method"], run["task"]), []).append(run)
    out = []
    for (method, task), group in rows.items():
        head = [r["balanced_accuracy"] if r["balanced_accuracy"] is not None else r["exact_match"]
                for r in group]
        out.append({"method": method, "task": task, "headline_mean": round(sum(head) / len(head), 3),
                    "headline_min": round(min(head), 3), "headline_max": round(max(head), 3),
                    "token_f1_mean": round(sum(r["token_f1"] for r in group) / len(group), 3),
                    "top_share_max": round(max(r["top_share"] for r in group), 3),
                    "seconds_mean": round(sum(r["seconds"] for r in group) / len(group), 1),
                    "stopped": sum(r["stopped"] is not None for r in group)})
    return out


def write_cards(path: Path) -> None:
    """Rewrite each task card's measured section from the results file just written."""
    sweep = load_sweep(path)
    titles = {name: spec.title for name, spec in REGISTRY.items()}
    for task in list_tasks():
        card = task.path.with_suffix(".md")
        text = card.read_text(encoding="utf-8")
        card.write_text(replace_card_section(text, card_section(sweep, task.name, titles)),
                        encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    overrides = dict(item.split("=", 1) for item in args.set)
    jobs = [(m, t, int(s), overrides) for t in args.tasks.split(",") for m in args.methods.split(",")
            for s in args.seeds.split(",")]
    start = time.perf_counter()
    with ProcessPoolExecutor(args.workers, initializer=_start_worker) as pool:
        runs = []
        for run in pool.map(run_one, jobs):
            runs.append(run)
            print(json.dumps({k: run[k] for k in ("method", "task", "seed", "exact_match",
                                                  "balanced_accuracy", "token_f1", "top_share",
                                                  "seconds")}), file=sys.stderr, flush=True)
    card = json.loads((TASKS_DIR.parent / "models" / "mini-gpt2" / "card.json").read_text())
    report = {"model": f"mini-gpt2, {card.get('parameters', '?'):,} parameters",
              "created": datetime.now(UTC).strftime("%Y-%m-%d"),
              "machine": f"{platform.processor() or platform.machine()}, "
                         f"{len(os.sched_getaffinity(0))} cores, {args.workers} runs at a time, "
                         "1 torch thread each",
              "settings": overrides, "wall_seconds": round(time.perf_counter() - start, 1),
              "runs": runs}
    if not overrides and not args.no_write:
        ran = {(r["method"], r["task"], r["seed"]) for r in runs}
        if args.out.exists():  # a partial sweep (--methods lora) replaces only the runs it did
            old = json.loads(args.out.read_text(encoding="utf-8"))
            kept = [r for r in old["runs"] if (r["method"], r["task"], r["seed"]) not in ran]
            if kept:
                report["runs"] = kept + runs
                report["updates"] = old.get("updates", []) + [
                    {"methods": args.methods, "tasks": args.tasks, "created": report["created"],
                     "wall_seconds": report["wall_seconds"]}]
                report["wall_seconds"] = old["wall_seconds"]  # of the whole sweep it began as
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        write_cards(args.out)
    print(json.dumps({**{k: v for k, v in report.items() if k != "runs"},
                      "summary": summarise(runs)}, indent=1))


if __name__ == "__main__":
    main()
