"""Census speed: every method on every GPT-2 size, built on the meta device (no weights).

Prints JSON. Budget (DESIGN.md): a GPT-2 XL census for any method <= 0.5 s. Side by side, the
baseline is the same census on a freshly constructed skeleton instead of the cached template.
Run: python benchmarks/census_speed.py
"""

import json
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
from transformers import GPT2LMHeadModel  # noqa: E402

from adaptlab.census import census, census_summary  # noqa: E402
from adaptlab.methods import get_method, method_names  # noqa: E402
from adaptlab.model_specs import MODEL_SPECS  # noqa: E402
from adaptlab.models import gpt2_config  # noqa: E402


def timed(fn, repeats=5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def from_scratch(model: str, method: str) -> None:
    """Baseline: build the skeleton from its config every time, then apply and count."""
    with torch.device("meta"):
        base = GPT2LMHeadModel(gpt2_config(model))
    census(get_method(method).apply(base))


def main() -> None:
    torch.set_num_threads(1)  # as the app's training workers do
    rows = []
    for model in [m for m in MODEL_SPECS if m != "mini"] + ["mini"]:
        census_summary(model, "full")  # warm the template cache
        for method in method_names():
            engine = timed(lambda: census_summary(model, method))  # noqa: B023
            baseline = timed(lambda: from_scratch(model, method))  # noqa: B023
            rows.append({"model": model, "method": method, "engine_s": round(engine, 4),
                         "from_scratch_s": round(baseline, 4)})
    xl = [r["engine_s"] for r in rows if r["model"] == "gpt2-xl"]
    print(json.dumps({
        "machine": {"cpu": platform.processor() or platform.machine(), "threads": torch.get_num_threads(),
                    "python": platform.python_version(), "torch": torch.__version__},
        "budget_xl_s": 0.5, "xl_max_s": max(xl), "xl_within_budget": max(xl) <= 0.5, "rows": rows,
    }, indent=2))


if __name__ == "__main__":
    main()
