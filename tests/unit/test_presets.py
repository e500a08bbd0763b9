"""The lesson presets (adaptlab/presets.py): every link opens a real page and passes that page's
own link validation without a problem, and every rate a description quotes is the one the link
trains with: the method's measured default (as swept) or the preset's deliberate one."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from adaptlab.presets import DIVERGING_LR, STALLED_LR, lesson_presets
from adaptlab.training.config import method_defaults
from ui.navigation import available_pages
from ui.query import parse_prefill
from ui.train_view import PAGE_KEYS, parse_run_link

SWEEP = Path(__file__).resolve().parents[2] / "assets" / "results" / "method_sweep.json"
PRESETS = lesson_presets()
LINKS = [(preset.id, link) for preset in PRESETS for link in preset.links]
DEFAULT_METHOD = "lora"  # what Train and Parameters fall back to; a link naming none is checked so


def swept_rates() -> dict[str, set[float]]:
    rates: dict[str, set[float]] = {}
    for run in json.loads(SWEEP.read_text(encoding="utf-8"))["runs"]:
        rates.setdefault(run["method"], set()).add(run["lr"])
    return rates


def test_presets_have_ids_titles_one_line_descriptions_and_links():
    assert len({p.id for p in PRESETS}) == len(PRESETS) >= 4
    for preset in PRESETS:
        assert preset.title and preset.links and "\n" not in preset.description
        assert len(preset.description) < 400, preset.id


@pytest.mark.parametrize(("preset", "link"), LINKS, ids=[f"{p}:{link.label}" for p, link in LINKS])
def test_each_link_opens_a_page_and_parses_without_problems(preset, link):
    url = urlsplit(link.url("http://class.example:8501"))
    assert url.path.strip("/") in {p.url_path for p in available_pages()}
    params = dict(parse_qsl(url.query))
    page_keys = PAGE_KEYS if link.page == "train" else ()
    prefill = parse_prefill(params, DEFAULT_METHOD, page_keys)
    assert not prefill.problems, prefill.problems
    if link.page == "train":
        run = parse_run_link(params)
        assert not run.problems and run.locked and run.task, run
        assert prefill.method  # a demo names its method, never relies on the page's default


def test_every_rate_quoted_is_the_rate_the_link_trains_with():
    swept = swept_rates()
    for preset in PRESETS:
        links = [dict(link.params) for link in preset.links if link.page == "train"]
        used = {float(p["lr"]) if "lr" in p else method_defaults(p["method"])["lr"] for p in links}
        quoted = {float(x) for x in re.findall(r"\blr (\d[\d.e+-]*\d|\d)", preset.description)}
        assert quoted <= used, (preset.id, quoted, used)
        for params in links:
            if "lr" not in params:  # the method's default: the one the shipped sweep measured
                assert swept[params["method"]] == {method_defaults(params["method"])["lr"]}


def test_the_deliberately_wrong_rates_are_far_from_the_defaults():
    # Far enough that the run's own explanation calls the rate far too high (>= 10x, see
    # adaptlab.training.stopping) and that a too-low rate visibly stalls.
    assert 100 * method_defaults("full")["lr"] <= DIVERGING_LR
    assert method_defaults("lora")["lr"] / 1e4 >= STALLED_LR
