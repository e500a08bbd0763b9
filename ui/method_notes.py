"""Lesson text for the Methods page: when to choose each method, with the source of each claim.

Every line here was checked against the team's content reference (../shared/CONTENT.md, §2 and
§4g); learners see the papers and surveys named, not the reference's section numbers, and claims
the reference marks unverified are left out. Keyed by registry name; a method without notes
simply shows none, so a new method never breaks the page. (Lesson text belongs under assets/
per STYLE.md 12; it lives here until a lessons loader exists.)
"""

from __future__ import annotations

WHEN_TO_CHOOSE: dict[str, list[str]] = {
    "full": [
        "Plenty of data and compute, and you want the best quality.",
        "Nothing extra at inference time: the result is just a new set of weights.",
        "Cost: every weight needs a gradient and two AdamW moments, and each task keeps a full "
        "copy of the model (Lialin).",
    ],
    "top-k": [
        "A simple baseline that trains existing weights only. Lee et al. (2019) tuned the final "
        "quarter of BERT/RoBERTa layers and kept about 90% of full fine-tuning's performance "
        "(via Ding et al.).",
        "The LoRA paper's FT-Top2 row for GPT-2 medium, 25.19M trainable, is exactly two blocks.",
        "Never unfreeze lm_head casually: it is tied to wte, so the input embedding would train "
        "too.",
    ],
    "bitfit": [
        "Very little labelled data: BitFit matched or beat full fine-tuning on BERT with low or "
        "medium data (Lialin); it is competitive with small-to-medium data, and full "
        "fine-tuning pulls ahead as data grows (Ben Zaken et al.).",
        "On GPT-3 175B it stayed within about 2.5 points of full fine-tuning (ahead on MNLI) "
        "but trailed LoRA (LoRA paper, Table 4). Lialin, citing Liu et al. (2022), reports it "
        "falling behind at T0-3B.",
        "Which parameters count as biases is a convention: here every *.bias, LayerNorm β "
        "included (11dL + d).",
    ],
    "ln": [
        "The smallest selective option: only the LayerNorm gains and biases, 4dL + 2d.",
        "The Hugging Face PEFT docs call this 'layer tuning' and suggest trying such methods "
        "after prompting and prompt-based PEFT.",
    ],
    "adapter-houlsby": [
        "Adds small new modules and trains only them (Houlsby et al. also train the LayerNorms). "
        "They came within 0.4 GLUE points of full fine-tuning while training about 3.6% of the "
        "parameters.",
        "Avoid when inference latency is strict: adapters cannot be merged into the weights, "
        "and the LoRA paper measured more than 30% slowdown online on GPT-2 medium.",
    ],
    "adapter-pfeiffer": [
        "Half the adapters of the Houlsby placement: one per block, after the MLP (not after "
        "attention).",
        "Same trade-off as Houlsby adapters: few new parameters, but extra sequential compute "
        "at inference that cannot be merged away.",
    ],
    "lora": [
        "Tight GPU memory: frozen weights need no gradients or optimizer state; on GPT-3 LoRA "
        "cut training memory by up to 2/3.",
        "Many tasks on one base model: swap small per-task A and B (about 1.5 MB for GPT-2 "
        "medium).",
        "Strict inference latency: merged into W, it adds no latency at all.",
        "Lots of data: LoRA on all linear layers with a higher rank; as r grows, LoRA approaches "
        "the expressiveness of full fine-tuning.",
    ],
    "ia3": [
        "Tight memory: very few trainable parameters (7dL with peft's GPT-2 default, 6dL as in "
        "the paper: the extra d is the queries, which the fused c_attn's vector also scales and "
        "the paper leaves alone).",
        "Strict inference latency: the vectors can be merged into the weights.",
    ],
    "prefix": [
        "Very little labelled data: prefix tuning beat full fine-tuning on low-data "
        "table-to-text (Li & Liang §6.3).",
        "Many tasks on one frozen model.",
        "Costs context length, and optimisation can be unstable and sensitive to initialisation.",
    ],
    "prompt": [
        "Many tasks on one frozen model: only a small soft prompt per task.",
        "Not as the main method on a small model like GPT-2: the gap to full fine-tuning closes "
        "only near 10B parameters (Lester et al.; Lialin).",
    ],
    "p-tuning": [
        "A soft-prompt method at the input, like prompt tuning, but the virtual tokens come out "
        "of a small prompt encoder. In the paper they can sit anywhere in the input (with "
        "anchor tokens); PEFT, and so AdaptLab, prepends them.",
    ],
}
