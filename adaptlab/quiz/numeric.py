"""Numbers in the quiz: how they are shown, and what a wrong one most likely means.

A wrong count is rarely random: it is usually the key times or divided by one of the symbols
the question states ("L = 12", "m = 20"), or twice the key, or a fraction typed as a percent.
`diagnose` names that mistake when an author has not listed the value in `wrong_values`.
"""

from __future__ import annotations

import math
import re

# Symbols questions state as "L = 12"; the words say what multiplying by one means.
SYMBOL_WORDS: dict[str, str] = {
    "L": "the number of blocks", "d": "the hidden size", "r": "the rank",
    "m": "the number of virtual tokens", "n": "the number of prefixes",
    "b": "the bottleneck size", "k": "the number of trained blocks",
}
_STATED = re.compile(r"(?<![\w·])([A-Za-z])\s*=\s*(\d[\d,]*)(?![\d.])")
CLOSE = 0.02  # within 2% of the key: a small term left out, or rounding


def format_number(value: float) -> str:
    """294912.0 -> '294,912'; 0.2364 -> '0.2364' (integers never show a trailing .0)."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:.6g}"


def stated_symbols(prompt: str) -> dict[str, int]:
    """{"L": 12, "d": 768, ...} for every "X = number" the prompt states (first one wins)."""
    out: dict[str, int] = {}
    for name, digits in _STATED.findall(prompt):
        value = int(digits.replace(",", ""))
        if value > 1:
            out.setdefault(name, value)
    return out


def _factor(ratio: float) -> int | None:
    """The whole number `ratio` is (within 0.5%), if it is one above 1."""
    nearest = round(ratio)
    return nearest if nearest >= 2 and abs(ratio - nearest) <= 0.005 * nearest else None


def _symbol_for(factor: int, symbols: dict[str, int]) -> str:
    name = next((n for n, v in symbols.items() if v == factor), None)
    if name is None:
        return ""
    return f"{name} = {factor}" + (f" ({SYMBOL_WORDS[name]})" if name in SYMBOL_WORDS else "")


def _by_factor(value: float, key: float, symbols: dict[str, int]) -> str | None:
    up, down = _factor(value / key), _factor(key / value)
    factor = up or down
    if factor is None:
        return None
    times = "too large" if up else "too small"
    symbol = _symbol_for(factor, symbols)
    if symbol:
        verb = "multiplied by" if up else "left out the factor"
        return (f"Your answer is {factor}× {times}: you {verb} {symbol}. Check whether that "
                "part exists once, once per block, or per position.")
    if factor == 2:
        rel, counted, should = ("twice", "twice", "once") if up else ("half", "once", "twice")
        return (f"Your answer is {rel} the key: one part is counted {counted} where it counts "
                f"{should} (for example keys and values, two adapters per block, a tied weight).")
    if factor in (100, 1000, 10, 1_000_000):
        return (f"Your answer is {factor:,}× {times}: a unit slip (a fraction written as a "
                "percent, or thousands/millions).")
    if up:
        return f"Your answer is {factor}× {times}: some part is counted {factor} times over."
    # Too small: a factor is missing, not counted over (the same sentence said both before).
    return (f"Your answer is {factor}× {times}: a factor of {factor} is missing, a part counted "
            "once that repeats (per block, per layer, per position).")


def diagnose(value: float, key: float, prompt: str) -> str:
    """One sentence naming the likely mistake behind a wrong `value` for `key`."""
    if key != 0 and value != 0 and (value > 0) == (key > 0):
        named = _by_factor(abs(value), abs(key), stated_symbols(prompt))
        if named:
            return named
        off = (value - key) / abs(key)
        if abs(off) <= CLOSE:
            return (f"Close, but {abs(off):.1%} {'too high' if off > 0 else 'too low'}: a small "
                    "term is missing or extra (a bias, a LayerNorm, ln_f), or you rounded.")
        return (f"{abs(off):.0%} {'too high' if off > 0 else 'too low'}, and not a simple "
                "multiple of the key: recount part by part, using the convention stated.")
    return "Not the key: re-read the convention stated in the question and recount."
