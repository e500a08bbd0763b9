"""Hostile and broken question banks: each costs milliseconds and gets one line saying what to fix.

Banks reach the app only from assets/quizzes/ (there is no upload, environment variable or query
parameter for them); `python -m adaptlab quiz validate PATH` checks any file. The app loads with
`bundled_bank()`, which leaves bad questions and files out and lists them in `Bank.problems`;
`load_bank()` and the CLI stay strict. Each test here runs well under a second.
"""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

import pytest

from adaptlab.quiz import bank as bank_module
from adaptlab.quiz import bundled_bank, check
from adaptlab.quiz.bank import MAX_QUESTIONS, Bank

QUESTION = """\
  - id: {qid}
    type: single
    topic: mechanisms
    lab: /methods
    prompt: {prompt}
    hint: Think.
    explanation: Because.
    options:
      - {{id: a, text: A, feedback: right}}
      - {{id: b, text: B, feedback: wrong because}}
    answer: {answer}
"""


def bank_file(tmp_path: Path, name: str, *questions: str, head: str = "") -> Path:
    path = tmp_path / name
    path.write_text(head + "questions:\n" + "".join(questions), encoding="utf-8")
    return path


def good(qid: str = "q1", prompt: str = "Which one?", answer: str = "a") -> str:
    return QUESTION.format(qid=qid, prompt=prompt, answer=answer)


def problems_of(path: Path, budget_s: float = 2.0) -> list[str]:
    start = time.perf_counter()
    questions, problems = check([path])
    assert time.perf_counter() - start < budget_s, "a hostile file must fail fast"
    assert not questions
    assert problems and all(len(p) <= 400 for p in problems), problems
    return problems


# ---- one bad file: a clear line each --------------------------------------------------------

@pytest.mark.parametrize("text,words", [
    ("questions: [\n  - id: x\n", "invalid YAML at line"),
    ("questions:\n\t- id: x\n", "invalid YAML"),
    ("", "got an empty file"),
    ("- a\n- b\n", "must be a mapping with a 'questions' list"),
    ("questions: {}\n", "'questions' must be a non-empty list"),
    ("questions: [1]\n", "must be a mapping of fields, got int"),
    ("---\nquestions: []\n---\nquestions: []\n", "invalid YAML"),
])
def test_broken_files_get_one_line_naming_the_file(tmp_path, text, words):
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.startswith("broken.yaml") and words in problem


def test_python_object_tags_are_refused_and_never_run(tmp_path):
    marker = tmp_path / "pwned"
    for n, tag in enumerate(["!!python/object/apply:os.system", "!!python/object/new:os.system",
                             "!!python/name:os.system", "!!python/object:__main__.X"]):
        path = tmp_path / f"t{n}.yaml"
        path.write_text(f"questions: {tag} ['touch {marker}']\n", encoding="utf-8")
        (problem,) = problems_of(path)
        assert "unsafe or unknown YAML tag" in problem and "plain mappings" in problem
    assert not marker.exists()


def test_not_utf8_is_named(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("questions:\n  - id: caf\xe9\n".encode("latin-1"))
    (problem,) = problems_of(path)
    assert "not UTF-8" in problem and "save the file as UTF-8" in problem


def test_a_huge_file_is_refused_before_it_is_parsed(tmp_path):
    path = bank_file(tmp_path, "huge.yaml", good(), head="# " + "x" * 2_000_000 + "\n")
    (problem,) = problems_of(path, budget_s=0.5)
    assert "over the 1 MB limit" in problem and "split it" in problem


def test_a_fifo_or_missing_path_is_a_message_not_a_hang(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")  # reading it would block for ever
    (problem,) = problems_of(tmp_path / "pipe.yaml")
    assert "not a regular file" in problem
    (problem,) = problems_of(tmp_path / "nope.yaml")
    assert "no such file" in problem


def test_deep_nesting_is_a_message_not_a_recursion_error(tmp_path):
    for name, text in [("lists.yaml", "questions: " + "[" * 60_000 + "]" * 60_000),
                       ("maps.yaml", "questions: " + "{a: " * 100_000 + "1" + "}" * 100_000)]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        (problem,) = problems_of(path, budget_s=5.0)
        assert "nested too deeply" in problem


BOMB = "".join(
    f"x{n}: &x{n} [{', '.join([f'*x{n - 1}'] * 9) if n else ', '.join(['lol'] * 9)}]\n"
    for n in range(9)
)  # x8 stands for 9**9 (387 million) strings, in 1 KB


def test_an_alias_bomb_is_cheap_everywhere_it_can_land(tmp_path):
    # Aliases share one object, so safe_load builds this at once; only repr() or a walk would
    # expand it. Each place a value is quoted in an error message must not do that.
    for field in ("answer: *x8", "prompt: *x8", "options: *x8", "id: *x8"):
        question = good().replace("    answer: a\n", "").replace("    prompt: Which one?\n", "")
        question = question.replace("  - id: q1\n", "  - id: q1\n" if field != "id: *x8" else "  -\n")
        text = "topic: mechanisms\nquestions:\n" + question + f"    {field}\n"
        path = tmp_path / "bomb.yaml"
        path.write_text(BOMB.replace("x", "b") + text.replace("*x8", "*b8"), encoding="utf-8")
        problems = problems_of(path, budget_s=1.0)
        assert any("q1" in p or "question #1" in p for p in problems), problems


def test_alias_bomb_as_the_question_list(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB + "questions: *x8\n", encoding="utf-8")
    problems = problems_of(path, budget_s=1.0)
    assert any("must be a mapping of fields, got list" in p for p in problems)


def test_too_many_questions_in_one_file(tmp_path):
    path = tmp_path / "many.yaml"
    path.write_text("q: &q {id: same}\nquestions: [" + ", ".join(["*q"] * (MAX_QUESTIONS + 1))
                    + "]\n", encoding="utf-8")
    problems = problems_of(path)
    assert any(f"over the {MAX_QUESTIONS} limit" in p for p in problems)


# ---- bad questions: named by file, id and field --------------------------------------------

def test_answer_key_pointing_nowhere(tmp_path):
    (problem,) = problems_of(bank_file(tmp_path, "k.yaml", good(answer="z")))
    assert problem == ("k.yaml: question 'q1': field 'answer': 'z' is not among the options "
                       "(a, b)")


def test_wrong_schema_names_the_field(tmp_path):
    body = good().replace("type: single", "type: essay")
    (problem,) = problems_of(bank_file(tmp_path, "s.yaml", body))
    assert "field 'type'" in problem and "unknown type 'essay'" in problem and "use one of" in problem


def test_long_values_are_cut_in_messages_and_refused_as_text(tmp_path):
    long_id = "i" * 5000
    (problem,) = problems_of(bank_file(tmp_path, "l.yaml", good(qid=long_id)))
    assert "longer than 100 characters" in problem and len(problem) < 200
    (problem,) = problems_of(bank_file(tmp_path, "p.yaml", good(prompt="w" * 50_000)))
    assert "field 'prompt'" in problem and "over the 4,000 limit" in problem
    (problem,) = problems_of(bank_file(tmp_path, "a.yaml", good(answer="z" * 50_000)))
    assert "field 'answer'" in problem and "is not among the options" in problem


def test_duplicate_ids_keep_the_first_and_name_both_files(tmp_path):
    bank_file(tmp_path, "a.yaml", good("dup"))
    bank_file(tmp_path, "b.yaml", good("dup"), good("other"))
    questions, problems = check([tmp_path])
    assert [q.id for q in questions] == ["dup", "other"] and questions[0].file == "a.yaml"
    assert problems == ["b.yaml: question 'dup': field 'id': duplicate id, already used in "
                        "a.yaml; rename one of them"]


def test_html_in_text_is_kept_verbatim_for_plain_rendering(tmp_path):
    # The loader neither strips nor renders markup; pages show it with st.markdown, which
    # escapes HTML (no unsafe_allow_html anywhere): tests/app/test_hostile_links_and_faults.py.
    script = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    questions, problems = check([bank_file(tmp_path, "h.yaml", good(prompt=f"'{script}'"))])
    assert not problems and questions[0].prompt == script


# ---- the app's loader: one bad file does not take the others down -------------------------

def test_bundled_bank_leaves_bad_parts_out_and_says_so(tmp_path, monkeypatch):
    bank_file(tmp_path, "good.yaml", good("keep-1"), good("keep-2"), good("bad-key", answer="z"))
    (tmp_path / "broken.yaml").write_text("questions: [\n", encoding="utf-8")
    (tmp_path / "evil.yaml").write_text("questions: !!python/object/apply:os.system [id]\n",
                                        encoding="utf-8")
    monkeypatch.setattr(bank_module, "BUNDLED_DIR", tmp_path)
    bank = bundled_bank()
    assert isinstance(bank, Bank)
    assert [q.id for q in bank.questions] == ["keep-1", "keep-2"]
    assert len(bank.problems) == 3
    assert {p.split(":")[0] for p in bank.problems} == {"good.yaml", "broken.yaml", "evil.yaml"}


def test_bundled_bank_of_an_empty_folder_is_empty_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setattr(bank_module, "BUNDLED_DIR", tmp_path)
    bank = bundled_bank()
    assert bank.questions == () and "no .yaml files found" in bank.problems[0]


@pytest.mark.parametrize("qid", ["no-such-question", "gen:count:x:y:z", "gen:", "x" * 10_000])
def test_unknown_ids_from_the_database_are_key_errors(qid):
    with pytest.raises(KeyError):
        bundled_bank().get(qid)


def test_cli_validate_is_strict_and_never_a_traceback(tmp_path, capsys):
    from adaptlab.cli import main  # in-process: `python -m adaptlab` runs exactly this

    bank_file(tmp_path, "good.yaml", good("keep-1"))
    path = tmp_path / "evil.yaml"
    path.write_text(BOMB + textwrap.dedent("""\
        questions:
          - id: q1
            type: numeric
            topic: counting
            prompt: p
            hint: h
            explanation: e
            lab: /parameters
            answer: *x8
        """), encoding="utf-8")
    assert main(["quiz", "validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert ("evil.yaml: question 'q1': field 'answer': must be a finite number, got a list; "
            "write e.g. 393216") in err.splitlines()
    assert main(["quiz", "validate", str(tmp_path / "good.yaml")]) == 0
    assert "ok: 1 questions valid" in capsys.readouterr().out
