"""How fast the Parameters page re-renders after a setting changes (budget: <= 200 ms, GPT-2 small).

Prints JSON: the first render, reruns after changing LoRA's r (each value new, so each rerun
misses the cache and runs a fresh census), reruns that hit the cache, and the engine part alone
(census of the adapted skeleton + totals, per-block table, formula, memory, both figures).
AppTest times include AppTest's own overhead (building and reading the element tree), so they
are an upper bound for the script time on a real server.

    python benchmarks/parameters_render.py [--model gpt2] [--repeats 8]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def summary(ms: list[float]) -> dict:
    return {"median_ms": round(statistics.median(ms), 1), "min_ms": round(min(ms), 1),
            "max_ms": round(max(ms), 1), "n": len(ms)}


def engine_once(model: str, r: int) -> None:
    from adaptlab.census import adapted_skeleton, census
    from adaptlab.counts import explain, per_block, totals
    from adaptlab.memory import memory_breakdown
    from adaptlab.models import gpt2_config
    from adaptlab.viz import block_bars, memory_bars, param_map

    df = census(adapted_skeleton(model, "lora", {"r": r}))
    totals(df)
    blocks = per_block(df)
    explain(model, "lora", {"r": r})
    mem = memory_breakdown(df, gpt2_config(model), 8, 64)
    for figure in (param_map(df), block_bars(blocks), memory_bars({"lora": mem})):
        figure.to_json()  # what st.plotly_chart serialises


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="gpt2")
    parser.add_argument("--repeats", type=int, default=8)
    args = parser.parse_args()

    import_ms = timed(lambda: __import__("ui.parameters_view"))  # torch, transformers, peft, plotly
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"model": args.model, "method": "lora"})
    at.run()
    first_ms = timed(lambda: at.switch_page("pages/parameters.py").run())
    assert not at.exception, [e.value for e in at.exception]

    from adaptlab.counts import explain

    def set_r(r: int) -> float:
        at.number_input(key="parameters.lora.r").set_value(r)
        ms = timed(at.run)
        assert not at.exception and not at.error, [e.value for e in at.error]
        # The rerun really drew the new numbers and the parameter map.
        trainable = next(m for m in at.metric if m.label == "Trainable").value
        assert trainable == f"{explain(args.model, 'lora', {'r': r}).value:,}", trainable
        assert at.get("plotly_chart"), "no parameter map drawn"
        return ms

    values = list(range(1, args.repeats + 1))
    uncached = [set_r(r) for r in values]  # every r new: census computed
    cached = [set_r(r) for r in values]  # every r seen: census from st.cache_data
    engine = [timed(lambda r=r: engine_once(args.model, r)) for r in values]
    print(json.dumps({
        "model": args.model, "method": "lora", "setting_changed": "r",
        "budget_ms": 200,
        "import_engine_ms": round(import_ms, 1),
        "first_render_ms": round(first_ms, 1),
        "rerun_after_change_uncached": summary(uncached),
        "rerun_after_change_cached": summary(cached),
        "engine_alone": summary(engine),
        "cpu_count": os.cpu_count(), "load_avg_1min": round(os.getloadavg()[0], 2),
    }, indent=2))


if __name__ == "__main__":
    main()
