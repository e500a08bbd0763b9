"""AppTest of the Compare page's empty state (runs in its table: see test_train_page.py)."""

from __future__ import annotations

from tests.app.conftest import texts


def test_no_runs_yet_says_so_and_links_to_train(open_page):
    at = open_page("pages/compare.py")
    assert "No runs yet" in texts(at.info)
    assert [link.proto.page for link in at.get("page_link")] == ["train"]
