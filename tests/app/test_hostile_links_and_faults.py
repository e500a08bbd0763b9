"""Hostile links and broken parts, through the whole app (app.py + page) under AppTest.

Each case ends with the app still serving (no `at.exception`), one clear message, nothing saved
lost, and outside text never rendered as HTML:
  - a broken or hostile quiz bank (bad files are left out with one warning, the rest works);
  - junk query parameters on every page, including ones that try to reach instructor data;
  - a missing or corrupt model folder (ADAPTLAB_MODEL_DIR points the app at a copy);
  - an unreachable, garbage or driver-less database.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from adaptlab.model_specs import BUNDLED_DIR, MODEL_DIR_ENV
from adaptlab.quiz import bank as bank_module
from adaptlab.store import Store
from tests.app.conftest import APP, open_how_to_set, texts, unlock
from ui.browser_id import cookie_script
from ui.element_code import preload_html

PASSCODE = "correct horse battery staple"
SCRIPT = "<script>alert('x')</script><img src=x onerror=alert(1)>"
PAGES = ["pages/home.py", "pages/methods.py", "pages/parameters.py", "pages/train.py",
         "pages/compare.py", "pages/diagnose.py", "pages/quiz.py", "pages/instructor.py"]


@pytest.fixture(autouse=True)
def no_passcode(monkeypatch, db_url):
    monkeypatch.delenv("ADAPTLAB_INSTRUCTOR_PASSCODE", raising=False)


def open_app(page: str | None = None, query: dict | None = None, name: str = "") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
    if name:  # the Quiz page asks once per session
        at.text_input(key="quiz.name").input(name)
        at.text_input(key="quiz.secret").input("test-secret-42")
        next(b for b in at.button if b.label == "Start the quiz").click().run()
        assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.text_input, "the page ran inside app.py (shared sidebar present)"
    return at



def assert_no_raw_html(at: AppTest, *needles: str) -> None:
    """No markdown element that may render HTML carries outside text; no st.html does (the
    two with a script are the app's own, exactly as written: the preloader, ui/element_code.py,
    and the browser id's cookie, ui/browser_id.py, with this session's id)."""
    for md in at.markdown:
        if md.proto.allow_html:
            assert not any(n in md.value for n in needles), md.value[:200]
    ours = {preload_html(), cookie_script(at.session_state["adaptlab.browser"])}
    for html in at.get("html"):
        if html.proto.body not in ours:
            assert not html.proto.unsafe_allow_javascript, html.proto.body[:200]
            assert not any(n in html.proto.body for n in needles), html.proto.body[:200]


# ---- 1. a broken or hostile quiz bank --------------------------------------------------------

HOSTILE_QUESTION = f"""\
topic: mechanisms
questions:
  - id: mech-hostile
    type: single
    lab: /methods
    prompt: "{SCRIPT} Which one?"
    hint: h
    explanation: e
    options:
      - {{id: a, text: "{SCRIPT}", feedback: "**bold** {SCRIPT}"}}
      - {{id: b, text: B, feedback: fb}}
    answer: a
  - id: mech-nowhere
    type: single
    lab: /methods
    prompt: The answer key points nowhere.
    hint: h
    explanation: e
    options:
      - {{id: a, text: A, feedback: fb}}
      - {{id: b, text: B, feedback: fb}}
    answer: z
"""


@pytest.fixture
def hostile_bank(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "quizzes"
    folder.mkdir()
    shutil.copy(bank_module.BUNDLED_DIR / "classification.yaml", folder)
    (folder / "hostile.yaml").write_text(HOSTILE_QUESTION, encoding="utf-8")
    (folder / "broken.yaml").write_text("questions: [\n  - id: x\n", encoding="utf-8")
    (folder / "evil.yaml").write_text(
        f"questions: !!python/object/apply:os.system ['touch {tmp_path / 'pwned'}']\n",
        encoding="utf-8")
    monkeypatch.setattr(bank_module, "BUNDLED_DIR", folder)
    return folder


def test_one_bad_bank_file_costs_only_itself(hostile_bank):
    at = open_app("pages/quiz.py", name="tester")
    (warning,) = [w for w in at.warning if "question files" in w.value]
    assert "3 problem(s)" in warning.value and "quiz validate" in warning.value
    assert set(at.selectbox(key="quiz.section").options) >= {
        "Classifying adaptation methods", "Mechanisms: what each method changes"}
    assert not (hostile_bank.parent / "pwned").exists()

    at.selectbox(key="quiz.section").select("classification")
    at.radio(key="quiz.mode").set_value("all").run()
    at.radio(key="quiz.cls-lialin-lora.answer").set_value("reparam")
    at.button(key="quiz.cls-lialin-lora.submit").click().run()
    assert not at.exception and "Correct" in texts(at.success)


def test_html_in_questions_is_shown_as_text(hostile_bank):
    at = open_app("pages/quiz.py", name="tester")
    at.selectbox(key="quiz.section").select("mechanisms")
    at.radio(key="quiz.mode").set_value("all").run()
    assert not at.exception
    prompt = next(md for md in at.markdown if "Which one?" in md.value)
    assert SCRIPT in prompt.value and not prompt.proto.allow_html  # Streamlit escapes it
    assert SCRIPT in at.radio(key="quiz.mech-hostile.answer").options  # a label, not markup
    at.radio(key="quiz.mech-hostile.answer").set_value("a")
    at.button(key="quiz.mech-hostile.submit").click().run()
    assert not at.exception and "Correct" in texts(at.success)
    assert SCRIPT in texts(at.markdown)  # the option's feedback, as text
    assert_no_raw_html(at, "<script", "onerror")


def test_the_instructor_sees_every_bank_problem(hostile_bank, monkeypatch):
    monkeypatch.setenv("ADAPTLAB_INSTRUCTOR_PASSCODE", PASSCODE)
    at = open_app("pages/instructor.py")
    unlock(at, PASSCODE)
    at.radio(key="instructor.section").set_value("export").run()
    assert not at.exception
    listing = at.code[0].value
    for name in ("hostile.yaml: question 'mech-nowhere'", "broken.yaml", "evil.yaml"):
        assert name in listing
    assert len(at.get("download_button")) == 3  # the valid questions still export


# ---- 2. junk query parameters on every page ----------------------------------------------------

JUNK = {
    "bogus": "1", "method": SCRIPT, "model": "x" * 10_000, "r": "NaN", "task": "../../etc/passwd",
    "steps": "-1", "seed": "1e999", "lock": "maybe", "k": "[1]", "": "empty-key",
    "passcode": PASSCODE, "instructor": "1", "page": "instructor", "learner": "amy",
    "admin": "true", "section": "results", "name": SCRIPT,
}


def link_warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "Ignored part of the link" in w.value]


@pytest.mark.parametrize("page", PAGES)
def test_junk_links_never_break_a_page(page):
    at = open_app(page, query=JUNK)
    for warning in link_warnings(at):
        assert "x" * 100 not in warning and len(warning) < 3000
        assert "<script>" not in warning  # markdown-escaped (\<script\>): shown as text
    if page != "pages/train.py":  # see test_train_page_warns_once_about_a_junk_link
        assert len(link_warnings(at)) <= 1  # one message per link, however much junk it holds
    assert_no_raw_html(at, "<script", "onerror", "etc/passwd")
    downloads = [b for b in at.get("download_button") if b.key != "train.template"]
    assert not at.dataframe and not downloads  # no instructor data (Train's upload template is not)


def test_train_page_warns_once_about_a_junk_link():
    assert len(link_warnings(open_app("pages/train.py", query=JUNK))) == 1


@pytest.mark.parametrize("page", ["pages/parameters.py", "pages/train.py"])
def test_repeated_keys_take_one_value(page):
    at = open_app(page, query={"method": ["lora", SCRIPT], "r": ["4", "-3"]})
    (warning,) = link_warnings(at)  # the last value of each key counts, as in a browser
    assert "method=" in warning  # and r: not a setting of the default method, or -3 too small
    assert "'r' is not a setting" in warning or "r=\\-3 is out of range" in warning


def test_an_unknown_page_path_opens_home():
    at = AppTest.from_file(APP, default_timeout=60).run()
    # AppTest has no public way to ask for a URL path; an unknown page hash is what a browser's
    # /no-such-page becomes. st.navigation falls back to the default page (Home).
    at._page_hash = "0" * 32
    at.run()
    assert not at.exception
    assert at.title[0].value == "AdaptLab"


@pytest.fixture
def amy_saved(db_url) -> str:
    store = Store(db_url)
    store.record_attempt("amy", "cls-lialin-lora", "reparam", True, 1.0, topic="classification")
    store.close()
    return db_url


@pytest.mark.parametrize("passcode_set", [True, False])
def test_links_never_unlock_the_instructor_page(amy_saved, monkeypatch, passcode_set):
    if passcode_set:
        monkeypatch.setenv("ADAPTLAB_INSTRUCTOR_PASSCODE", PASSCODE)
    at = open_app("pages/instructor.py", query={
        "passcode": PASSCODE, "instructor": "1", "unlock": "1", "section": "results",
        "instructor.passcode": PASSCODE, "adaptlab.instructor": "1"})
    assert not at.dataframe and not at.get("download_button")
    assert "amy" not in texts(at.markdown) + texts(at.caption)
    if passcode_set:
        assert at.text_input(key="instructor.passcode").value == ""
    else:
        at = open_how_to_set(at)
        assert "No instructor passcode is configured" in texts(at.info)
        assert not at.dataframe and not at.get("download_button")


def test_a_link_cannot_open_another_learners_progress(amy_saved):
    at = open_app("pages/quiz.py", query={"learner": "amy", "name": "amy",
                                          "sidebar.display_name": "amy"})
    assert "Give a name" in texts(at.info) and not at.dataframe  # the link named nobody
    at.text_input(key="quiz.name").input("bob")
    at.text_input(key="quiz.secret").input("bobs-secret-42")
    next(b for b in at.button if b.label == "Start the quiz").click().run()
    assert not at.exception and not at.dataframe  # bob has nothing saved; amy stays hidden


# ---- 3. a missing or corrupt model ------------------------------------------------------------

def model_copy(tmp_path: Path, damage: str) -> Path:
    folder = tmp_path / "mini-gpt2"
    if damage == "missing":
        return folder
    shutil.copytree(BUNDLED_DIR, folder)
    weights = folder / "model.safetensors"
    if damage == "truncated":
        weights.write_bytes(weights.read_bytes()[:4096])
    elif damage == "garbled":
        weights.write_bytes(b"\x00not a safetensors file" * 64)
    elif damage == "bad-tokenizer":
        (folder / "tokenizer.json").write_text("{not json", encoding="utf-8")
    return folder


def model_errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error if "mini model" in e.value]


DAMAGES = ["missing", "truncated", "garbled", "bad-tokenizer"]


@pytest.mark.parametrize("damage", DAMAGES)
def test_train_page_says_once_what_is_wrong_with_the_model(tmp_path, monkeypatch, damage):
    monkeypatch.setenv(MODEL_DIR_ENV, str(model_copy(tmp_path, damage)))
    at = open_app("pages/train.py")
    assert not model_errors(at)  # the model is loaded by the first run, not to show the page
    at.button(key="train.start").click().run()
    (message,) = model_errors(at)
    assert "ADAPTLAB\\_MODEL\\_DIR" in message  # how to fix it (markdown-escaped)
    assert str(tmp_path) not in message.replace("\\", "")  # no server path for learners
    assert at.selectbox(key="train.method")  # the rest of the page is there


def test_pressing_train_with_a_broken_model_gives_one_message(tmp_path, monkeypatch):
    monkeypatch.setenv(MODEL_DIR_ENV, str(model_copy(tmp_path, "truncated")))
    at = open_app("pages/train.py")
    at.button(key="train.start").click().run()
    assert not at.exception
    assert len(model_errors(at)) == 1


@pytest.mark.parametrize("damage", ["missing", "truncated"])
def test_other_pages_keep_serving_with_a_broken_model(tmp_path, monkeypatch, damage):
    monkeypatch.setenv(MODEL_DIR_ENV, str(model_copy(tmp_path, damage)))
    for page in ("pages/compare.py", "pages/parameters.py", "pages/methods.py", "pages/quiz.py"):
        at = open_app(page)
        assert len(model_errors(at)) <= 1, page
    at = open_app("pages/diagnose.py")
    next(b for b in at.button if b.label == "Run the broken run").click().run()
    assert not at.exception
    assert len(model_errors(at)) == 1


def test_a_broken_model_config_is_one_message_on_parameters(tmp_path, monkeypatch):
    folder = model_copy(tmp_path, "none")
    (folder / "config.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv(MODEL_DIR_ENV, str(folder))
    at = open_app("pages/parameters.py", query={"model": "mini"})
    (message,) = model_errors(at)
    assert "config\\.json" in message and "ADAPTLAB\\_MODEL\\_DIR" in message
    assert str(folder) not in message.replace("\\", "")  # the log has it, learners do not


# ---- 4. an unreachable database ---------------------------------------------------------------

BAD_URLS = {
    "refused": "postgresql+psycopg://u:p@127.0.0.1:1/x",
    "garbage": "this is :// not a url",
    "unknown dialect": "nosuchdb://host/x",
    "under a file": "sqlite:///{tmp}/a-file/attempts.db",
}


def use_db(monkeypatch, tmp_path: Path, url: str) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("ADAPTLAB_DB_URL", url.format(tmp=tmp_path))


def db_errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error if "cannot be saved or read" in e.value]


@pytest.mark.parametrize("url", BAD_URLS.values(), ids=BAD_URLS.keys())
def test_quiz_grades_without_a_database_and_says_so_once(tmp_path, monkeypatch, url):
    use_db(monkeypatch, tmp_path, url)
    at = open_app("pages/quiz.py", name="tester")
    assert len(db_errors(at)) == 1
    at.selectbox(key="quiz.section").select("classification")
    at.radio(key="quiz.mode").set_value("all").run()
    at.radio(key="quiz.cls-lialin-lora.answer").set_value("reparam")
    at.button(key="quiz.cls-lialin-lora.submit").click().run()
    assert not at.exception
    assert "Correct" in texts(at.success)  # graded all the same
    assert len(db_errors(at)) == 1 and "not saved" in texts(at.caption)  # no second error


@pytest.mark.parametrize("url", BAD_URLS.values(), ids=BAD_URLS.keys())
def test_instructor_and_home_survive_a_bad_database(tmp_path, monkeypatch, url):
    use_db(monkeypatch, tmp_path, url)
    monkeypatch.setenv("ADAPTLAB_INSTRUCTOR_PASSCODE", PASSCODE)
    at = open_app("pages/instructor.py")
    unlock(at, PASSCODE)
    assert not at.exception and len(db_errors(at)) == 1 and not at.dataframe
    at.session_state["adaptlab.learner"].display_name = "tester"
    at.switch_page("pages/home.py").run()
    assert not at.exception and not at.error  # Home stays quiet; the Quiz page explains


def test_a_missing_driver_is_named_to_the_instructor_only(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if psycopg were not installed
    use_db(monkeypatch, tmp_path, "postgresql+psycopg://u:p@127.0.0.1:5432/x")
    at = open_app("pages/quiz.py", name="tester")
    (message,) = db_errors(at)  # a learner: no driver, URL, host or path (issue 13)
    assert not any(word in message for word in ("psycopg", "postgresql", "127.0.0.1", "u:"))
    monkeypatch.setenv("ADAPTLAB_INSTRUCTOR_PASSCODE", PASSCODE)
    at = unlock(open_app("pages/instructor.py"), PASSCODE)
    (message,) = db_errors(at)  # the instructor can fix it: the reason, password hidden
    assert "not installed" in message and "psycopg\\[binary\\]" in message
    assert "u:p@" not in message


def test_saved_attempts_survive_an_outage(tmp_path, monkeypatch, db_url):
    store = Store(db_url)
    store.record_attempt("tester", "cls-lialin-lora", "additive", False, 0.0,
                         topic="classification", wrong=["additive"])
    use_db(monkeypatch, tmp_path, BAD_URLS["refused"])
    at = open_app("pages/quiz.py", name="tester")
    at.selectbox(key="quiz.section").select("classification")
    at.radio(key="quiz.mode").set_value("all").run()
    at.radio(key="quiz.cls-lialin-lora.answer").set_value("reparam")
    at.button(key="quiz.cls-lialin-lora.submit").click().run()
    assert "Correct" in texts(at.success) and len(db_errors(at)) == 1

    monkeypatch.setenv("ADAPTLAB_DB_URL", db_url)  # the database is back
    at.run()
    assert not at.exception and not db_errors(at)
    # Nothing lost: the try made during the outage waited in the session and is saved now.
    assert [a.answer for a in store.attempts("tester")] == ["additive", "reparam"]
    assert "saved 1 earlier try" in texts(at.success) and "not saved" not in texts(at.warning)
    assert len(at.dataframe[-1].value) == 2  # the review lists both


@pytest.mark.parametrize("value", ['"><script>alert(1)</script>', "0" * 31, "A" * 32, ""])
def test_a_browser_cookie_that_is_not_ours_is_ignored(monkeypatch, value):
    """The runs' browser id comes from a cookie anyone can edit: only a value AdaptLab could have
    written is taken, and no other value ever reaches the page's script."""
    import ui.browser_id as browser_id

    monkeypatch.setattr(browser_id.st, "context", type("Context", (), {
        "cookies": {browser_id.COOKIE: value}})())
    assert browser_id.browser_cookie() is None
    with pytest.raises(ValueError):
        cookie_script(value)
