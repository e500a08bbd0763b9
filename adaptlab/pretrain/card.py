"""The model card of the bundled mini GPT-2: README.md for people, card.json for tests.

Both are written from the figures a pretraining run measured, so a rerun keeps the card honest.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

CARD_KEYS = ["heldout_loss", "heldout_tokens", "eval_sentences_loss",
             "random_init_eval_sentences_loss", "parameters", "corpus_train_tokens",
             "distinct_words", "seed"]


def write_card(out: Path, r: dict, settings: dict) -> None:
    """Write card.json (machine-readable figures) and README.md (the model card)."""
    extra = ("steps", "tokens_seen", "train_minutes", "corpus_heldout_tokens", "threads",
             "copy_test", "samples")
    card = {k: r[k] for k in CARD_KEYS + list(extra)}
    (out / "card.json").write_text(json.dumps(card, indent=2) + "\n")
    (out / "README.md").write_text(readme(r, settings))


def _copy_text(copy: dict) -> str:
    first, second = copy["first_loss"], copy["second_loss"]
    if second < first / 2:
        verdict = "it copies arbitrary tokens (an induction circuit formed)."
    elif second < first - 0.5:
        verdict = ("it copies arbitrary tokens only a little. Copying the kinds of words its "
                   "corpus repeats (names, whole sentences) is what the format and style tasks "
                   "need; how well each method gets it is measured in `assets/tasks/*.md`.")
    else:
        verdict = ("it does NOT copy from the context; the format and style tasks, which need "
                   "copying, stay hard for methods that only steer what the model can already do.")
    return (f"Copying from the context, measured: {copy['sequences']} lists of {copy['length']} "
            f"random words, each said twice. Loss on the first saying {first:.2f} nats per "
            f"token, on the second {second:.2f}: {verdict}")


def readme(r: dict, s: dict) -> str:
    samples = "\n\n".join(f"```text\n{x}\n```" for x in r["samples"])
    held, ev = r["heldout_loss"], r["eval_sentences_loss"]
    rnd = r["random_init_eval_sentences_loss"]
    verdict = (": within the project's target of at most half." if ev <= rnd / 2 else
               ": this MISSES the project's target of at most half. The generated corpus\n"
               "still covers too few of the shapes of real simple English (see Limits).")
    ppl = {k: math.exp(v) for k, v in (("held", held), ("ev", ev), ("rnd", rnd))}
    return f"""# mini GPT-2 (bundled with AdaptLab)

A tiny GPT-2 made for teaching: learners adapt it on a laptop CPU with every method AdaptLab shows.
It is the real `transformers.GPT2LMHeadModel`, so module names (`transformer.h.0.attn.c_attn`,
`ln_f`, `lm_head`) and every chart work unchanged on real GPT-2 checkpoints.

## Architecture

| | |
|---|---|
| class | `GPT2LMHeadModel` (`model_type: gpt2`) |
| blocks `n_layer` | {s["n_layer"]} |
| width `n_embd` | 192 ({s["n_head"]} heads of {192 // s["n_head"]}) |
| context `n_positions` | 256 |
| vocabulary | 4096 (`<|endoftext|>` = 4095 is bos, eos, unk and pad) |
| output head | tied to the token embedding `wte` |
| parameters | {r["parameters"]:,} (exact, the tied head counted once) |
| weights | `model.safetensors`, float32 |

## Corpus

Written by AdaptLab's own generator (`adaptlab/pretrain/corpus.py`, seed {r["seed"]}): plain,
simple English of the kind a child's reader holds, composed from a small grammar (subjects,
verbs agreeing in tense and number, objects, adjectives in English order, adverbs, prepositional
phrases, connectives, pronouns that refer back to a story's character) over a word list of about
1,500 words. Short stories, everyday texts (diaries, notes about oneself, small observations
with many kinds of subject), descriptions (places, animals, objects), dialogues, product and
restaurant reviews with a clear positive or negative sentiment (half end in a one-word verdict),
questions and answers, instructions and recipes; and the texts that carry the skills the
bundled tasks steer, as real web text does for a real GPT-2 (`adaptlab/pretrain/skills.py`):
club lists that write each member in two layouts, the same happening told in the present and
in the past, short reviews with a verdict, and things said twice (only copying predicts the
second time). The tasks' own layouts (`Sentiment:`, `Format:`, `Present:`/`Past:`) never appear,
nor does any of their validation answers, nor the made-up town of the facts task. The grammar
keeps sentences well formed, not sensible: a story may well have a seagull draw in the zoo.

- training split: {r["corpus_train_tokens"]:,} tokens, {r["distinct_words"]:,} distinct word forms
- held-out split: {r["corpus_heldout_tokens"]:,} tokens, written from a different seed
  (`heldout.txt`, documents separated by `<|endoftext|>` lines)

## Tokenizer

Byte-level BPE trained with `tokenizers` on the training split: 4095 learned entries plus
`<|endoftext|>`. Byte-level, so any Unicode text round-trips (`decode(encode(x)) == x`), though
text far from simple English splits into many short pieces. Loads with
`AutoTokenizer.from_pretrained` as a fast GPT-2 tokenizer (`add_prefix_space=False`).

## Training

`python -m adaptlab pretrain` regenerates corpus, tokenizer and model from the seed.
AdamW (betas 0.9/0.95, weight decay {s["weight_decay"]} on matrices), peak learning rate
{s["lr"]}, {s["warmup_steps"]} warmup steps then cosine decay to {s["min_lr_ratio"]} of the peak,
{"no gradient clipping (clipping at 1.0 held back the forming of copying heads)" if not s.get("max_grad_norm") else f"gradient clipping at {s['max_grad_norm']}"}, batches of {s["batch_size"]} x {s["seq_len"]} tokens packed from
documents separated by `<|endoftext|>`, no dropout, float32, uniform label smoothing
{s["label_smoothing"]} (the generated text is so regular that, without it, the model grows so
sure of itself that any word it did not expect in a real sentence costs 10 nats or more; the
training losses in the log include the smoothing term, the evaluation figures below do not).
The schedule shrinks to fit the time budget when the shared CPU is slow.
{r["steps"]:,} steps, {r["tokens_seen"]:,} tokens seen, {r["train_minutes"]} minutes wall time
for the whole run on a 2-core CPU ({r["threads"]} torch threads). The loss curve is in
`training_log.json`.

{_copy_text(r["copy_test"])}

## Evaluation

| | loss (nats/token) | perplexity |
|---|---|---|
| held-out split, first {r["heldout_tokens"]:,} predicted tokens | {held:.3f} | {ppl["held"]:.2f} |
| `eval_sentences.txt`, trained | {ev:.3f} | {ppl["ev"]:.1f} |
| `eval_sentences.txt`, same architecture at random init (seed 0) | {rnd:.3f} | {ppl["rnd"]:.0f} |

`eval_sentences.txt` holds 40 sentences written by hand, not by the generator. The trained model's
loss on them is {ev / rnd:.2f} of the random model's{verdict} The held-out figure is
`adaptlab.pretrain.train.heldout_loss` on `heldout.txt`; `tests/unit/test_bundled_model.py`
recomputes it.

Greedy continuations (`<|endoftext|>` + prompt, 40 new tokens):

{samples}

## Limits

A tiny model trained for minutes on generated text: it writes simple English about a small world
of children, animals, food and places, repeats itself, and knows no real facts. It is at home in
the generator's text (held-out loss above) and much less so in English it was not shown: words
outside the generator's list split into rare byte pieces, and common shapes the grammar does not
write ("the shop on the corner sells ...", "laughed when the dog licked her hand") cost it
8 to 12 nats a token. It exists to be
adapted in a lesson. Do not use it for anything else.

## Licence

Everything here (generator, corpus, tokenizer, weights, this card) is the AdaptLab project's own
work, under the project's MIT-style licence. No third-party text or weights were used.
"""
