"""The app's pages in learning order. Pages not written yet are simply left out.

app.py builds `st.navigation` from `available_pages()`; Home links to the same list, so a link
never points at a page that does not exist. Importing this module never imports torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PageInfo:
    file: str  # relative to app.py, as st.Page and st.page_link want it
    title: str
    url_path: str  # "" is the default page, served at "/"
    icon: str
    help: str


PAGES: tuple[PageInfo, ...] = (
    PageInfo("pages/home.py", "Home", "", ":material/home:", "What adapting a model means; where to start"),
    PageInfo("pages/methods.py", "Methods", "methods", ":material/account_tree:",
             "What gets trained? The classes of methods, each method's mechanism and code"),
    PageInfo("pages/parameters.py", "Parameters", "parameters", ":material/grid_view:",
             "Count frozen, trainable and added parameters of any GPT-2 for any method"),
    PageInfo("pages/train.py", "Train", "train", ":material/model_training:",
             "Run real training steps and watch the loss"),
    PageInfo("pages/compare.py", "Compare", "compare", ":material/compare_arrows:",
             "Your runs side by side"),
    PageInfo("pages/diagnose.py", "Diagnose", "diagnose", ":material/troubleshoot:",
             "Find out why a run is stuck, fix it, and rerun"),
    PageInfo("pages/quiz.py", "Quiz", "quiz", ":material/quiz:", "Check what you have learned"),
    PageInfo("pages/instructor.py", "Instructor", "instructor", ":material/co_present:",
             "Demo presets and projector layout (passcode)"),
    PageInfo("pages/live.py", "Live class", "live", ":material/groups:",
             "Run a class session: join code, live questions, the room's answers (passcode)"),
)


@dataclass(frozen=True)
class Step:
    """One step of the learning path on Home."""

    title: str
    what: str
    pages: tuple[str, ...]  # url paths, in the order to visit them
    topics: tuple[str, ...]  # quiz topics (adaptlab.quiz.schema.TOPICS) that check this step


# Lives here, not in ui.progress, so Home can draw the path without importing the quiz store
# (pandas, SQLAlchemy): Home must render fast on a fresh server.
LEARNING_PATH: tuple[Step, ...] = (
    Step("The loss and one training step",
         "What the loss measures, which parameters get a gradient, and the order of events in "
         "one step.", ("train",), ("loss", "training_step", "freezing")),
    Step("What gets trained",
         "The classes of methods, what each one freezes, trains or adds, and how to count it.",
         ("methods", "parameters"), ("classification", "mechanisms", "counting")),
    Step("Choosing a strategy",
         "Compare runs, diagnose stalled ones, and pick a method for a given constraint.",
         ("compare", "diagnose", "quiz"), ("strategy", "diagnosis", "beyond_sft")),
)


def available_pages() -> list[PageInfo]:
    """The pages whose file exists, in learning order."""
    return [page for page in PAGES if (ROOT / page.file).is_file()]


def page_file(url_path: str) -> str | None:
    """The file of the page at `url_path` if it exists, else None (for optional links)."""
    return next((p.file for p in available_pages() if p.url_path == url_path), None)
