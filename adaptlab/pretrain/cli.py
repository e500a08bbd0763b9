"""`python -m adaptlab pretrain`: rebuild the bundled mini GPT-2 from scratch.

`add_pretrain_command(subparsers)` registers the subcommand for the project's CLI; `main()` runs
it standalone. The progress bar lives here, not in the trainer.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def add_pretrain_command(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `pretrain` with its options; the handler is `run_pretrain`."""
    from adaptlab.pretrain.train import MODEL_DIR, PretrainConfig

    d = PretrainConfig()
    p = subparsers.add_parser("pretrain", help="regenerate corpus, tokenizer and the mini GPT-2")
    p.add_argument("--out", type=Path, default=MODEL_DIR,
                   help=f"model folder (default {MODEL_DIR})")
    p.add_argument("--seed", type=int, default=d.seed, help="seed of corpus, init and batches")
    p.add_argument("--max-minutes", type=float, default=d.max_minutes,
                   help="wall-time budget of the whole run; training shortens to fit")
    p.add_argument("--tokens", type=int, default=d.train_tokens, help="tokens to train on")
    p.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                   help="torch threads (default: every core this process may use)")
    p.set_defaults(handler=run_pretrain)
    return p


def run_pretrain(args: argparse.Namespace) -> int:
    """Run the pretraining with a progress bar; 0 on success, 2 on a bad option."""
    if args.tokens < 2048 or args.max_minutes <= 2 or args.threads < 1:
        print("pretrain: --tokens must be >= 2048, --max-minutes > 2 and --threads >= 1",
              file=sys.stderr)
        return 2
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import torch
    from tqdm import tqdm

    from adaptlab.pretrain.train import PretrainConfig, pretrain

    torch.set_num_threads(args.threads)
    cfg = PretrainConfig(out=args.out, seed=args.seed, train_tokens=args.tokens,
                         max_minutes=args.max_minutes)
    bar = tqdm(desc="pretrain", unit="step")

    def on_step(rec: dict) -> None:
        bar.total = rec["total_steps"]
        bar.update(1)
        if "heldout_loss" in rec:
            train, held = f"{rec['train_loss_avg']:.3f}", f"{rec['heldout_loss']:.3f}"
            bar.set_postfix(train=train, heldout=held)
            tqdm.write(f"step {rec['step']:5d}  train {train}  heldout {held}  "
                       f"lr {rec['lr']:.2e}  {rec['seconds']:.0f} s")

    results = pretrain(cfg, on_step, say=tqdm.write)
    bar.close()
    r = results
    print(f"held-out loss {r['heldout_loss']:.3f}; eval sentences {r['eval_sentences_loss']:.3f} "
          f"vs {r['random_init_eval_sentences_loss']:.3f} at random init; written to {cfg.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="adaptlab")
    add_pretrain_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)
