"""Pretraining of the bundled mini GPT-2: corpus -> tokenizer -> packed batches -> AdamW -> files.

`pretrain(cfg)` regenerates everything from the seed and writes the model folder; progress goes to
an `on_step` callback (the CLI draws the bar). `heldout_loss` is the exact measurement recorded
in card.json, so a test can recompute it from the shipped heldout.txt.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerBase

from adaptlab.pretrain.corpus import distinct_words, eval_sentences, generate_corpus
from adaptlab.pretrain.tokenizer import EOT, VOCAB_SIZE, build_tokenizer

MODEL_DIR = Path(__file__).resolve().parents[2] / "assets" / "models" / "mini-gpt2"
HELDOUT_BLOCKS = 192  # held-out blocks of 256 tokens scored for the card: ~49k tokens, a few s
DOC_SEP = "\n" + EOT + "\n"  # separates documents in heldout.txt (documents contain newlines)


@dataclass
class PretrainConfig:
    out: Path = MODEL_DIR
    seed: int = 0
    corpus_tokens: int = 3_300_000  # size of the generated corpus (the model may see less)
    # Tokens seen = steps * batch_size * seq_len; on a 2-core CPU the time budget binds first.
    train_tokens: int = 30_000_000
    batch_size: int = 8
    seq_len: int = 256
    lr: float = 2e-3  # high for GPT-2 small, right for a 2.6 M model
    min_lr_ratio: float = 0.1
    warmup_steps: int = 100
    weight_decay: float = 0.1
    eval_every: int = 100
    # The generated corpus is so regular that a model trained on it alone becomes sure of itself
    # and pays 10+ nats for any word it did not expect in real sentences. Label smoothing keeps
    # a little probability on every token; uniform, so that greedy decoding is unchanged.
    label_smoothing: float = 0.1
    max_minutes: float = 42.0  # the whole run; training shrinks its schedule to fit
    n_layer: int = 4
    # Six heads of 32: more heads are more chances for a copying (induction) circuit to form.
    n_head: int = 6
    # No gradient clipping: measured here, clipping at 1.0 held back the forming of induction
    # heads (a synthetic repeat test: copying appeared after ~400 steps instead of ~250), and
    # copying from the context is the skill the format and style tasks steer. 0 = no clipping.
    max_grad_norm: float = 0.0


def mini_config(eos_id: int = VOCAB_SIZE - 1, n_layer: int = 4, n_head: int = 6) -> GPT2Config:
    """The bundled architecture: 4 blocks, d=192, 6 heads, 256 positions, tied embeddings."""
    return GPT2Config(
        n_layer=n_layer, n_embd=192, n_head=n_head, n_positions=256, vocab_size=VOCAB_SIZE,
        bos_token_id=eos_id, eos_token_id=eos_id, pad_token_id=eos_id, tie_word_embeddings=True,
        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,  # one pass over fresh data: no dropout
    )


def pack(tokenizer: PreTrainedTokenizerBase, texts: list[str], seq_len: int = 256) -> torch.Tensor:
    """Documents joined by <|endoftext|> and cut into rows of seq_len tokens: (N, seq_len)."""
    eos = tokenizer.eos_token_id
    ids = [eos]
    for doc in tokenizer(texts)["input_ids"]:
        ids.extend(doc)
        ids.append(eos)
    n = len(ids) // seq_len
    return torch.tensor(ids[: n * seq_len], dtype=torch.long).view(n, seq_len)


@torch.no_grad()
def mean_loss(model: GPT2LMHeadModel, rows: torch.Tensor, mask: torch.Tensor | None = None,
              batch_size: int = 16) -> tuple[float, int]:
    """Mean next-token loss over rows (B, T), weighting every predicted token equally."""
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(rows), batch_size):
        x = rows[i : i + batch_size]
        logits = model(input_ids=x).logits[:, :-1]  # (B, T-1, V): position t predicts t+1
        target = x[:, 1:]
        keep = (mask[i : i + batch_size, 1:] if mask is not None
                else torch.ones_like(target, dtype=torch.bool))
        nll = torch.nn.functional.cross_entropy(logits.transpose(1, 2), target, reduction="none")
        total += nll[keep].double().sum().item()
        count += int(keep.sum())
    return total / count, count


def heldout_loss(model: GPT2LMHeadModel, tokenizer: PreTrainedTokenizerBase, texts: list[str],
                 seq_len: int = 256) -> float:
    """Mean token loss on the first HELDOUT_BLOCKS packed rows of the held-out documents."""
    return mean_loss(model, pack(tokenizer, texts, seq_len)[:HELDOUT_BLOCKS])[0]


def sentences_loss(model: GPT2LMHeadModel, tokenizer: PreTrainedTokenizerBase,
                   sentences: list[str]) -> float:
    """Mean token loss of sentences scored one by one, each after a leading <|endoftext|>."""
    eos = tokenizer.eos_token_id
    seqs = [[eos] + tokenizer(s)["input_ids"] for s in sentences]
    width = max(map(len, seqs))
    rows = torch.full((len(seqs), width), eos, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.bool)
    for i, seq in enumerate(seqs):
        rows[i, : len(seq)] = torch.tensor(seq)
        mask[i, : len(seq)] = True
    return mean_loss(model, rows, mask)[0]


@torch.no_grad()
def copy_test(model: GPT2LMHeadModel, tokenizer: PreTrainedTokenizerBase, sequences: int = 16,
              length: int = 24, seed: int = 0) -> dict:
    """Mean loss on a random word list said once and then again (Olsson et al.'s induction test).

    A model that copies from its context predicts the second saying far better than the first.
    """
    from adaptlab.pretrain.skills import SURNAMES

    words = sorted({w for w in SURNAMES if len(tokenizer(" " + w)["input_ids"]) == 1})
    ids = torch.tensor([tokenizer(" " + w)["input_ids"][0] for w in words])
    g = torch.Generator().manual_seed(seed)
    said = ids[torch.randint(0, len(ids), (sequences, length), generator=g)]  # (S, n)
    rows = torch.cat([torch.full((sequences, 1), tokenizer.eos_token_id), said, said], 1)
    model.eval()
    logits = model(input_ids=rows).logits[:, :-1]  # (S, 2n, V)
    nll = torch.nn.functional.cross_entropy(logits.transpose(1, 2), rows[:, 1:], reduction="none")
    return {"sequences": sequences, "length": length, "first_loss": float(nll[:, :length].mean()),
            "second_loss": float(nll[:, length + 1:].mean())}


def lr_at(step: int, total: int, cfg: PretrainConfig) -> float:
    """Linear warmup, then cosine decay to min_lr_ratio * lr."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = min(1.0, (step - cfg.warmup_steps) / max(1, total - cfg.warmup_steps))
    cosine = 0.5 * (1 + math.cos(math.pi * progress))  # 1 -> 0
    return cfg.lr * (cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * cosine)


def fit_steps(planned: int, done: int, left_s: float, per_step_s: float) -> int:
    """The steps that fit: the rest at the recent speed in `left_s` seconds, at most `planned`.

    Measured afresh at every check against the full plan, so a slow patch (another process
    on the shared CPU) shortens the run only while it lasts, not for good.
    """
    return max(done + 1, min(planned, done + int(left_s / per_step_s)))


def train_model(model: GPT2LMHeadModel, rows: torch.Tensor, heldout: torch.Tensor,
                cfg: PretrainConfig, budget_s: float,
                on_step: Callable[[dict], None] | None = None) -> tuple[list[dict], int]:
    """AdamW over shuffled rows; returns (log records, steps done)."""
    gen = torch.Generator().manual_seed(cfg.seed)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]  # no decay on biases, LN
    rest = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                             {"params": rest, "weight_decay": 0.0}], lr=cfg.lr, betas=(0.9, 0.95))
    planned = total = cfg.train_tokens // (cfg.batch_size * cfg.seq_len)
    order, pos = torch.randperm(len(rows), generator=gen), 0
    log, recent, start, step = [], [], time.time(), 0
    mark = (0, start)  # (step, time) of the last speed check
    while step < total:
        if pos + cfg.batch_size > len(order):  # another epoch, freshly shuffled
            order, pos = torch.randperm(len(rows), generator=gen), 0
        x = rows[order[pos : pos + cfg.batch_size]]  # (B, T)
        pos += cfg.batch_size
        for group in opt.param_groups:
            group["lr"] = lr_at(step, total, cfg)
        model.train()
        logits = model(input_ids=x).logits[:, :-1]  # (B, T-1, V): position t predicts t+1
        loss = torch.nn.functional.cross_entropy(logits.transpose(1, 2), x[:, 1:],
                                                 label_smoothing=cfg.label_smoothing)
        loss.backward()
        if cfg.max_grad_norm > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.max_grad_norm)
        opt.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        recent.append(loss.item())
        if step % 100 == 20:  # recent speed (the CPU is shared): keep inside the budget
            now = time.time()
            per_step = (now - mark[1]) / (step - mark[0])
            total, mark = fit_steps(planned, step, budget_s - (now - start), per_step), (step, now)
        record = {"step": step, "total_steps": total, "lr": opt.param_groups[0]["lr"],
                  "train_loss": loss.item(), "seconds": round(time.time() - start, 1)}
        if step % cfg.eval_every == 0 or step == total:
            record["train_loss_avg"] = sum(recent) / len(recent)
            record["heldout_loss"] = mean_loss(model, heldout[:32])[0]
            recent = []
            log.append(record)
        if on_step:
            on_step(record)
    return log, step


def generate(model: GPT2LMHeadModel, tokenizer: PreTrainedTokenizerBase, prompt: str,
             max_new_tokens: int = 40) -> str:
    """Greedy continuation of a prompt, stopped at <|endoftext|>."""
    ids = torch.tensor([[tokenizer.eos_token_id] + tokenizer(prompt)["input_ids"]])
    out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new_tokens,
                         do_sample=False,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.eos_token_id)
    return prompt + tokenizer.decode(out[0, ids.shape[1] :], skip_special_tokens=True)


def random_init(eos_id: int, seed: int = 0, n_layer: int = 4, n_head: int = 6) -> GPT2LMHeadModel:
    torch.manual_seed(seed)
    return GPT2LMHeadModel(mini_config(eos_id, n_layer, n_head))


PROMPTS = ["The little dog", "Once upon a time", "This restaurant was",
           "Question: What do cows eat?", "How to make pancakes."]


def pretrain(cfg: PretrainConfig, on_step: Callable[[dict], None] | None = None,
             say: Callable[[str], None] = print) -> dict:
    """Regenerate corpus, tokenizer and model from cfg.seed; write them to cfg.out."""
    from adaptlab.pretrain.card import write_card  # the card imports this module's results

    t0 = time.time()
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    train_docs, held_docs = generate_corpus(cfg.seed, cfg.corpus_tokens)
    tok = build_tokenizer(train_docs, out)
    rows, held_rows = pack(tok, train_docs, cfg.seq_len), pack(tok, held_docs, cfg.seq_len)
    say(f"corpus: {rows.numel():,} train tokens, {held_rows.numel():,} held-out tokens "
        f"({time.time() - t0:.0f} s)")
    torch.manual_seed(cfg.seed)
    model = GPT2LMHeadModel(mini_config(tok.eos_token_id, cfg.n_layer, cfg.n_head))
    budget = cfg.max_minutes * 60 - (time.time() - t0) - 90  # keep 90 s for evaluation and saving
    log, steps = train_model(model, rows, held_rows, cfg, budget, on_step)
    model.eval()
    model.save_pretrained(out, safe_serialization=True)
    (out / "heldout.txt").write_text(DOC_SEP.join(held_docs), encoding="utf-8")
    sents = eval_sentences()
    results = {
        "heldout_loss": heldout_loss(model, tok, held_docs, cfg.seq_len),
        "heldout_tokens": mean_loss(model, held_rows[:HELDOUT_BLOCKS])[1],
        "eval_sentences_loss": sentences_loss(model, tok, sents),
        "random_init_eval_sentences_loss":
            sentences_loss(random_init(tok.eos_token_id, 0, cfg.n_layer, cfg.n_head), tok, sents),
        "parameters": sum(p.numel() for p in model.parameters()),
        "corpus_train_tokens": int(rows.numel()),
        "corpus_heldout_tokens": int(held_rows.numel()),
        "distinct_words": len(distinct_words(train_docs)),
        "seed": cfg.seed, "steps": steps, "tokens_seen": steps * cfg.batch_size * cfg.seq_len,
        "threads": torch.get_num_threads(), "samples": [generate(model, tok, p) for p in PROMPTS],
        "copy_test": copy_test(model, tok),
    }
    results["train_minutes"] = round((time.time() - t0) / 60, 1)  # the whole run, wall time
    settings = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(cfg).items()}
    (out / "training_log.json").write_text(json.dumps({"config": settings, "log": log}, indent=1))
    write_card(out, results, settings)
    return results


if __name__ == "__main__":
    import sys

    from adaptlab.pretrain.cli import main

    sys.exit(main())
