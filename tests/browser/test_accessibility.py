"""axe-core (axe-playwright-python, which ships it) on every page, in normal and projector mode:
no serious or critical violation. Pages are reached through the sidebar, as a learner does.

Exclusions are exact (rule, selector) pairs in Streamlit's own markup that our code cannot change;
each says why. Anything else fails the test with the rule, its impact and the offending nodes.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.screens import (
    PAGE_NAMES,
    lab_url,  # noqa: F401 (a fixture)
    open_app,
    start_quiz,
    visit,
)

pytestmark = pytest.mark.browser
BLOCKING = {"serious", "critical"}

# (rule id, CSS selector axe reports) -> why it is not ours to fix.
STREAMLIT_OWN: dict[tuple[str, str], str] = {}


def blocking_violations(page) -> list[str]:
    """Serious and critical axe violations on the page, one line per rule and node."""
    found = []
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            if (violation["id"], target) in STREAMLIT_OWN:
                continue
            found.append(f"{violation['id']} ({violation['impact']}): {target} :: "
                         f"{node['html'][:160]} :: {violation['help']}")
    return found


@pytest.mark.parametrize("projector", [False, True], ids=["normal", "projector"])
def test_no_serious_violation_on_any_page(page, lab_url, projector):  # noqa: F811
    open_app(page, lab_url, projector=projector)
    problems = {}
    for name in PAGE_NAMES:
        visit(page, name)
        if name == "Quiz":  # audit a question too, not only the sign-in form
            problems["Quiz (sign-in)"] = blocking_violations(page)
            start_quiz(page, f"Axe {'projector' if projector else 'normal'}")
        problems[name] = blocking_violations(page)
    problems = {name: lines for name, lines in problems.items() if lines}
    assert not problems, "\n".join(f"{n}:\n  " + "\n  ".join(v) for n, v in problems.items())
