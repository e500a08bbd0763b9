"""The Instructor page under AppTest: the passcode gate, class results, CSV, presets, exports.

The passcode comes from ADAPTLAB_INSTRUCTOR_PASSCODE or at.secrets; the store from a per-test
SQLite file. No test touches data/adaptlab.db or .streamlit/secrets.toml.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from adaptlab.presets import lesson_presets
from adaptlab.store import Store
from tests.app.conftest import open_how_to_set, open_instructor, texts, unlock

PASSCODE = "correct horse battery staple"


@pytest.fixture
def db_url(db_url, monkeypatch):
    """The conftest's empty database, seeded with a few attempts (one a spreadsheet formula)."""
    monkeypatch.delenv("ADAPTLAB_INSTRUCTOR_PASSCODE", raising=False)
    store = Store(db_url)
    store.record_attempt("amy", "cls-lialin-lora", "additive", False, 0.0,
                         topic="classification", wrong=["additive"])
    store.record_attempt("amy", "cls-lialin-lora", "reparam", True, 1.0, topic="classification")
    store.record_attempt("=cmd|'/c calc'!A1", "cls-lialin-lora", "additive", False, 0.0,
                         topic="classification", wrong=["additive"])
    store.close()
    return db_url


@pytest.fixture
def passcode(monkeypatch):
    monkeypatch.setenv("ADAPTLAB_INSTRUCTOR_PASSCODE", PASSCODE)
    return PASSCODE



def shows_results(at: AppTest) -> bool:
    return bool(at.dataframe) or bool(at.get("download_button"))


def test_without_a_passcode_the_page_only_says_how_to_set_one(db_url):
    at = open_how_to_set(open_instructor())
    assert "No instructor passcode is configured" in texts(at.info)
    assert "ADAPTLAB_INSTRUCTOR_PASSCODE" in texts(at.info)
    assert not at.main.text_input and not shows_results(at)


def test_a_wrong_passcode_is_refused(db_url, passcode):
    at = unlock(open_instructor(), "guess")
    assert "Wrong passcode" in texts(at.error)
    assert not shows_results(at)
    assert at.text_input(key="instructor.passcode").value == ""  # not kept in session state


@pytest.mark.parametrize("query", [
    {"instructor": "1"}, {"unlock": "true"}, {"passcode": PASSCODE}, {"admin": "1", "lock": "0"},
])
def test_query_parameters_never_unlock(db_url, passcode, query):
    at = open_instructor(query=query)
    assert at.text_input(key="instructor.passcode")
    assert not shows_results(at)


def test_the_right_passcode_shows_stats_and_a_csv_download(db_url, passcode):
    at = unlock(open_instructor(), passcode)
    assert not at.error
    stats = at.dataframe[0].value.set_index("question_id").loc["cls-lialin-lora"]
    assert (stats["attempts"], stats["learners"]) == (3, 2)
    # Marks under the stated policy: amy right at the 2nd try (1 - 1/3), the other learner 0.
    assert stats["mean_mark"] == pytest.approx((2 / 3 + 0) / 2, abs=1e-3)
    assert stats["percent_right_first_try"] == 0
    # The option as learners read it, not its id ("additive"), on screen and in the CSV.
    assert stats["most_chosen_wrong"] == "Additive: it adds new trainable matrices A and B next to frozen weights"
    assert stats["question"].startswith("According to Lialin")  # full text, never cut with "…"
    assert "…" not in "".join(at.dataframe[0].value["question"])
    assert "Up to 3 tries per question" in texts(at.caption)
    assert set(at.dataframe[1].value["learner"]) == {"amy", "=cmd|'/c calc'!A1"}
    downloads = at.get("download_button")
    assert [d.proto.label for d in downloads] == ["Download per-question statistics (CSV)",
                                                  "Download per-learner progress (CSV)"]


def test_csv_downloads_quote_formula_like_names(db_url, passcode):
    from ui.instructor_auth import spreadsheet_safe

    frame = Store(db_url).learner_progress()
    csv = spreadsheet_safe(frame).to_csv(index=False)
    assert "'=cmd|" in csv and "\n=cmd" not in csv


def test_the_passcode_from_secrets_works_and_unlock_survives_reruns(db_url):
    at = open_instructor(secrets={"instructor": {"passcode": "from-secrets"}})
    unlock(at, "from-secrets")
    at.run()
    assert not at.exception and shows_results(at)
    at.button(key="instructor.lock").click().run()
    assert not at.exception
    assert at.text_input(key="instructor.passcode") and not shows_results(at)


def test_demo_preset_builds_a_link(db_url, passcode):
    at = unlock(open_instructor(), passcode)
    at.radio(key="instructor.section").set_value("presets").run(timeout=120)
    assert not at.exception
    at.selectbox(key="instructor.preset_page").select("train")
    at.selectbox(key="instructor.preset_method").select("lora")
    at.text_area(key="instructor.preset_settings").input("r=4")
    at.selectbox(key="instructor.preset_task").select("sentiment")
    at.number_input(key="instructor.preset_steps").set_value(30)
    at.number_input(key="instructor.preset_seed").set_value(0)
    at.checkbox(key="instructor.preset_lock").check()
    next(b for b in at.button if b.label == "Build the link").click().run(timeout=60)
    assert not at.exception and not at.error
    assert at.code[-1].value == "/train?method=lora&r=4&task=sentiment&steps=30&seed=0&lock=1"


def test_demo_preset_rejects_a_bad_setting(db_url, passcode):
    at = unlock(open_instructor(), passcode)
    at.radio(key="instructor.section").set_value("presets").run(timeout=120)
    at.selectbox(key="instructor.preset_method").select("lora")
    at.text_area(key="instructor.preset_settings").input("r=banana")
    next(b for b in at.button if b.label == "Build the link").click().run(timeout=60)
    assert not at.exception
    assert "not valid" in texts(at.error)
    assert len(at.code) == len(lesson_presets())  # the ready-made links only: no link built


def test_bank_exports_are_offered(db_url, passcode):
    at = unlock(open_instructor(), passcode)
    at.radio(key="instructor.section").set_value("export").run()
    assert not at.exception
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == ["Download Moodle XML", "Download GIFT", "Download CSV"]


def test_a_database_failure_is_a_message(passcode, monkeypatch):
    monkeypatch.setenv("ADAPTLAB_DB_URL", "sqlite:////proc/adaptlab-denied/quiz.db")
    at = unlock(open_instructor(), passcode)
    assert "cannot be saved or read" in texts(at.error)
    assert not at.dataframe


def seed_path(url: str):
    """Two learners through the classification path: before-quiz wrong, after-quiz right,
    except ann's first after-quiz answer (0.5). ann and bob take the forms in opposite order."""
    from adaptlab.quiz import bundled_bank
    from adaptlab.quiz.paths import bundled_paths

    path = next(p for p in bundled_paths() if p.id == "classification")
    bank, store = bundled_bank(), Store(url)
    for name in ("ann", "bob"):
        for quiz in ("before", "after"):
            for n, (_topic, qid) in enumerate(path.questions(name, quiz)):
                score = 0.0 if quiz == "before" else (0.5 if name == "ann" and n == 0 else 1.0)
                store.record_attempt(name, qid, "x", score >= 1, score, topic=bank.get(qid).topic,
                                     context=path.context(quiz), try_number=1)
    store.close()
    return path


def test_lesson_path_gains_per_topic_and_per_question(db_url, passcode):
    path = seed_path(db_url)
    at = unlock(open_instructor(), passcode)
    at.radio(key="instructor.section").set_value("gains").run()
    assert not at.exception
    assert path.title in texts(at.subheader)
    topics = at.dataframe[0].value.set_index("topic")
    assert set(topics.index) == {t.id for t in path.topics}
    assert (topics["learners"] == 2).all() and (topics["mean_before"] == 0).all()
    first_after = path.questions("ann", "after")[0][0].id  # ann's half-right topic
    assert topics.loc[first_after, "class_normalised_gain"] < 1
    assert (topics.drop(first_after)["class_normalised_gain"] == 1).all()
    questions = at.dataframe[1].value.set_index("question_id")
    every = {qid for t in path.topics for f in t.forms.values() for qid in f}
    assert set(questions.index) == every
    # Counterbalanced forms: every question was met before the lab by one learner, after by one.
    assert (questions["learners_before"] == 1).all() and (questions["learners_after"] == 1).all()
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == ["Download gains per question (CSV)"]


def test_the_builder_shows_learners_names_and_the_lessons_are_ready_made_links(db_url, passcode):
    at = unlock(open_instructor(), passcode)
    at.radio(key="instructor.section").set_value("presets").run(timeout=120)
    assert not at.exception
    method = at.selectbox(key="instructor.preset_method")
    assert "LoRA (low-rank adaptation)" in method.options and "Full fine-tuning" in method.options
    assert not {"lora", "full", "top-k"} & set(method.options)  # ids stay inside the link
    assert "Train" in at.selectbox(key="instructor.preset_page").options
    assert "Sentiment of a review" in at.selectbox(key="instructor.preset_task").options
    shown = texts(at.markdown) + texts(at.caption)
    codes = [c.value for c in at.code]
    for preset in lesson_presets():
        assert preset.title in shown and preset.description[:60] in shown, preset.id
        assert "\n".join(link.url() for link in preset.links) in codes, preset.id
    buttons = [b.proto.label for b in at.get("link_button")]
    assert buttons.count("Full fine-tuning") == 2  # LoRA-vs-full and the prompt-tuning lesson
    assert not any("projector=" in b.proto.url for b in at.get("link_button"))


def test_in_projector_mode_the_buttons_open_their_pages_in_projector_mode(db_url, passcode):
    at = unlock(open_instructor(), passcode)
    at.toggle(key="sidebar.projector").set_value(True).run()
    at.radio(key="instructor.section").set_value("presets").run(timeout=120)
    assert not at.exception
    urls = [b.proto.url for b in at.get("link_button")]
    links = [link.url() for preset in lesson_presets() for link in preset.links]
    assert urls == [url + ("&" if "?" in url else "?") + "projector=1" for url in links]
    assert not any("projector" in c.value for c in at.code)  # copied for laptops: as they were


def test_a_built_train_link_can_set_the_learning_rate(db_url, passcode):
    at = unlock(open_instructor(), passcode)
    at.radio(key="instructor.section").set_value("presets").run(timeout=120)
    at.selectbox(key="instructor.preset_page").select("train")
    at.selectbox(key="instructor.preset_method").select("full")
    at.number_input(key="instructor.preset_lr").set_value(1.0)
    at.checkbox(key="instructor.preset_lock").check()
    next(b for b in at.button if b.label == "Build the link").click().run(timeout=60)
    assert not at.exception and not at.error
    assert at.code[-1].value == "/train?method=full&lr=1&lock=1"


def test_a_stored_wrong_answer_reads_as_the_learner_saw_it():
    """The most chosen wrong answer: option text, not an id ("hybrid"); a match's pair and an
    order's steps in words; a number as typed."""
    from ui.progress import describe_wrong

    assert describe_wrong("cls-lialin-lora", "additive").startswith("Additive: it adds new")
    pair = describe_wrong("card-two-way-sort", "bitfit->add")
    assert pair == "BitFit → Add new trainable parameters"
    order = describe_wrong("ord-step-basic", "loss > forward")
    assert order == "loss = cross_entropy(logits, labels) → logits = model(x)"
    assert describe_wrong("cnt-lora-pct", "0.00236") == "0.00236"
