"""Everything that makes the bundled mini GPT-2: the corpus generator (`corpus`, over `words`,
`grammar`, `clauses` and the genre writers), the byte-level BPE `tokenizer`, the pretraining loop
(`train`), the model `card` and the `pretrain` command (`cli`). `make_tasks` writes the
bundled fine-tuning tasks.
"""
