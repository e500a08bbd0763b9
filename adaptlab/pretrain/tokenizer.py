"""Byte-level BPE tokenizer for the bundled model, trained on the generated corpus.

Byte-level means every string maps to bytes first, so any Unicode text round-trips even though the
vocabulary (4096) was learned from plain English. `<|endoftext|>` is the last id, as in GPT-2
(50256 there, 4095 here), and serves as bos, eos, unk and pad.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import GPT2TokenizerFast

EOT = "<|endoftext|>"
VOCAB_SIZE = 4096


def train_bpe(texts: Iterable[str], vocab_size: int = VOCAB_SIZE) -> Tokenizer:
    """Learn `vocab_size - 1` byte-level BPE entries, then add `<|endoftext|>` as the last id."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size - 1, min_frequency=2, show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),  # all 256 bytes: nothing is unknown
    )
    tok.train_from_iterator(texts, trainer)
    tok.add_special_tokens([EOT])
    if tok.token_to_id(EOT) != vocab_size - 1:
        raise RuntimeError(f"corpus too small: BPE learned only {tok.get_vocab_size() - 1} tokens")
    return tok


def to_transformers(tok: Tokenizer) -> GPT2TokenizerFast:
    """Wrap for `AutoTokenizer`; no cleanup of spaces, so that decode(encode(x)) == x."""
    return GPT2TokenizerFast(
        tokenizer_object=tok, bos_token=EOT, eos_token=EOT, unk_token=EOT, pad_token=EOT,
        add_prefix_space=False, clean_up_tokenization_spaces=False, model_max_length=256,
    )


def build_tokenizer(texts: Iterable[str], out: Path | None = None) -> GPT2TokenizerFast:
    """Train on `texts` and, given `out`, save tokenizer.json and tokenizer_config.json there."""
    hf = to_transformers(train_bpe(texts))
    if out is not None:
        hf.save_pretrained(out)
        name_fast_class(Path(out))
    return hf


def name_fast_class(out: Path) -> None:
    """Record the class as GPT2TokenizerFast: transformers 5 reads it as its (fast) GPT2Tokenizer,
    and transformers 4 then picks the fast tokenizer, not the slow Python one."""
    path = out / "tokenizer_config.json"
    config = json.loads(path.read_text())
    config["tokenizer_class"] = "GPT2TokenizerFast"
    path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
