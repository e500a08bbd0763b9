"""AppTest of the Compare page: the empty state, and two real runs whose settings differ
(the full Train -> Compare path with the numbers table: see test_train_page.py)."""

from __future__ import annotations

from tests.app.conftest import job_registry, texts

PAGE = "pages/compare.py"
JOB_TIMEOUT = 120
TINY = {"task": "sentiment", "steps": 2, "batch_size": 2, "max_length": 32, "eval_every": 0}


def test_no_runs_yet_says_so_and_links_to_train(open_page):
    at = open_page(PAGE)
    assert "No runs yet" in texts(at.info)
    assert [link.proto.page for link in at.get("page_link")] == ["train"]


def run_for(at, method: str, settings: dict, **training) -> None:
    """One tiny real run owned by this AppTest session, trained to the end."""
    owner = at.session_state["adaptlab.training_runs"].owner
    job = job_registry().start("mini", method, settings, owner=owner, **{**TINY, **training})
    assert job.join(JOB_TIMEOUT) and job.status == "done", (job.status, job.error)


def test_every_setting_that_differs_is_named_and_marked(open_page):
    # The registry first, as the Train page makes it: a page that only shows runs does not, and
    # then leaves this session without an owner id (the test failed when run on its own).
    job_registry()
    at = open_page(PAGE)  # creates this session's owner id
    run_for(at, "lora", {"r": 4}, lr=1e-4, seed=3)
    run_for(at, "lora", {"r": 4}, lr=1e-3, seed=3)  # same seed and data: only the rate differs
    run_for(at, "lora", {"r": 8}, lr=1e-3, seed=3, batch_size=4)
    at.run()
    assert not at.exception, [e.value for e in at.exception]

    table = at.table[0].value
    assert list(table.columns) == ["differs?", "run 1: LoRA", "run 2: LoRA", "run 3: LoRA"]
    marked = table.index[table["differs?"] == "◆ differs"].tolist()
    assert marked == ["learning rate", "batch size", "LoRA (low-rank adaptation): r"]
    assert marked == table.index[:3].tolist()  # the differing rows come first
    assert table.loc["learning rate", "run 1: LoRA"] == "0.0001"
    assert (table.loc["seed"] == ["same", "3", "3", "3"]).all()
    sentence = texts(at.markdown)
    assert ("run 1, run 2 and run 3 differ only by learning rate (0.0001 vs 0.001 vs 0.001), "
            "batch size (2 vs 2 vs 4) and LoRA (low-rank adaptation): r (4 vs 4 vs 8).") in sentence

    at.multiselect(key="compare.runs").select("run 1: LoRA").select("run 2: LoRA").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "run 1 and run 2 differ only by learning rate (0.0001 vs 0.001)." in texts(at.markdown)
    assert "differ only by method" not in texts(at.markdown)  # the old, asserted sentence
    assert list(at.table[0].value.columns) == ["differs?", "run 1: LoRA", "run 2: LoRA"]
    assert list(at.dataframe[0].value.columns) == ["run 1: LoRA", "run 2: LoRA"]

    # One run picked has nothing to differ from: no column of "same", and the page says why.
    at.multiselect(key="compare.runs").unselect("run 1: LoRA").run()
    assert not at.exception, [e.value for e in at.exception]
    assert list(at.table[0].value.columns) == ["run 2: LoRA"]
    assert "One run picked: pick another above" in texts(at.caption)
    assert "differ only by" not in texts(at.markdown)
