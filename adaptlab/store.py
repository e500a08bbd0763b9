"""Quiz attempts, stored through SQLAlchemy: a SQLite file by default, any database URL by config.

URL precedence: the `url` argument (the app passes one from Streamlit secrets), then the
ADAPTLAB_DB_URL environment variable, then sqlite:///<repo>/data/adaptlab.db. PostgreSQL URLs
(postgresql+psycopg://...) work unchanged. Each attempt is committed on its own, so a crash or a
`kill -9` loses at most the attempt being written, never one already reported as saved.
Every database failure surfaces as a StoreError whose message a page can show as it is.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
)
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

ENV_VAR = "ADAPTLAB_DB_URL"
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "adaptlab.db"
BUSY_TIMEOUT_MS = 30_000  # writers wait for the SQLite lock instead of failing at once
CONNECT_TIMEOUT_S = 5

metadata = MetaData()
attempts_table = Table(
    "quiz_attempts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("learner", String(200), nullable=False, index=True),
    Column("question_id", String(300), nullable=False, index=True),
    Column("topic", String(100), nullable=False, default=""),
    Column("answer", Text, nullable=False),  # JSON text
    Column("correct", Boolean, nullable=False),
    Column("score", Float, nullable=False),
    Column("wrong", Text, nullable=False, default="[]"),  # JSON list of wrong choices
    Column("created_at", DateTime(timezone=True), nullable=False),
)


class StoreError(RuntimeError):
    """The attempts database could not be opened, read or written. The message says why."""


@dataclass(frozen=True)
class Attempt:
    """One stored attempt, with the answer decoded from JSON."""

    id: int
    learner: str
    question_id: str
    topic: str
    answer: Any
    correct: bool
    score: float
    wrong: tuple[str, ...]
    created_at: datetime


def default_url() -> str:
    """ADAPTLAB_DB_URL if set, else the SQLite file data/adaptlab.db under the repo root."""
    return os.environ.get(ENV_VAR) or f"sqlite:///{DEFAULT_PATH}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # busy_timeout first: switching to WAL itself needs the lock when another process holds it.
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")  # readers never block the writer
    cur.execute("PRAGMA synchronous = FULL")  # a commit is on disk before it is reported
    cur.close()


def _make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        # An unreachable host must cost a page seconds, not the OS's minutes-long TCP timeout.
        return create_engine(url, pool_pre_ping=True,
                             connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if url.database and url.database != ":memory:":
        folder = Path(url.database).expanduser().resolve().parent
        if folder == DEFAULT_PATH.parent:
            folder.mkdir(exist_ok=True)  # data/ is not in the repository
        elif not folder.is_dir():  # a typo in a configured path must not create folders
            raise FileNotFoundError(f"the folder {folder} does not exist; create it first")
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


class Store:
    """Attempts database. `Store()` uses default_url(); pass `url` to override."""

    def __init__(self, url: str | None = None) -> None:
        raw = url or default_url()
        try:
            self.url = make_url(raw)
        except ArgumentError:
            raise StoreError(f"Bad database URL {raw!r}: use e.g. sqlite:///data/adaptlab.db or "
                             "postgresql+psycopg://user:pw@host/db") from None
        with self._errors("open"):
            self.engine = _make_engine(self.url)
            self._create_schema()

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except ImportError as exc:  # the URL names a driver that is not installed
            shown = self.url.render_as_string(hide_password=True)
            driver = exc.name or "its driver"
            package = '"psycopg[binary]"' if driver == "psycopg" else driver
            raise StoreError(f"Could not {action} the quiz results database {shown}: its driver "
                             f"({driver}) is not installed. Run pip install {package}, or use "
                             "postgresql+psycopg:// or sqlite:/// (both come with AdaptLab's "
                             "requirements).") from exc
        except (SQLAlchemyError, OSError) as exc:
            shown = self.url.render_as_string(hide_password=True)
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise StoreError(f"Could not {action} the quiz results database {shown}: {reason}. "
                             f"Check the URL ({ENV_VAR} or secrets) and that the database "
                             "is reachable and writable.") from exc

    def _create_schema(self) -> None:
        try:
            metadata.create_all(self.engine)
        except SQLAlchemyError:
            # Another process may have created the table between the check and the CREATE.
            metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def record_attempt(self, learner: str, question_id: str, answer: Any, correct: bool,
                       score: float, topic: str = "", wrong: list[str] | tuple[str, ...] = ()
                       ) -> int:
        """Save one attempt in its own transaction; return its id once it is committed."""
        if not learner.strip():
            raise StoreError("A learner name or id is needed to save an attempt.")
        row = {"learner": learner.strip(), "question_id": question_id, "topic": topic,
               "answer": json.dumps(answer), "correct": bool(correct), "score": float(score),
               "wrong": json.dumps(list(wrong)), "created_at": datetime.now(UTC)}
        with self._errors("save an attempt to"), self.engine.begin() as conn:
            return conn.execute(insert(attempts_table).values(row)).inserted_primary_key[0]

    def _frame(self, learner: str | None = None) -> pd.DataFrame:
        query = select(attempts_table).order_by(attempts_table.c.id)
        if learner is not None:
            query = query.where(attempts_table.c.learner == learner)
        with self._errors("read"), self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        columns = [c.name for c in attempts_table.columns]
        return pd.DataFrame([dict(r) for r in rows], columns=columns)

    def attempts(self, learner: str | None = None) -> list[Attempt]:
        """Attempts, oldest first; one learner's when `learner` is given."""
        query = select(attempts_table).order_by(attempts_table.c.id)
        if learner is not None:
            query = query.where(attempts_table.c.learner == learner)
        with self._errors("read"), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [Attempt(r.id, r.learner, r.question_id, r.topic, json.loads(r.answer),
                        bool(r.correct), float(r.score), tuple(json.loads(r.wrong)), r.created_at)
                for r in rows]

    def attempts_frame(self, learner: str | None = None) -> pd.DataFrame:
        """All attempt rows as a DataFrame (answer and wrong stay JSON text)."""
        return self._frame(learner)

    def progress(self, learner: str) -> pd.DataFrame:
        """Per topic: questions tried, questions got right (at any try), attempts, best scores."""
        return _progress(self._frame(learner))

    def question_stats(self) -> pd.DataFrame:
        """Per question: attempts, learners, percent correct, mean score, most chosen wrong option."""
        return _question_stats(self._frame())

    def learner_progress(self) -> pd.DataFrame:
        """Per learner: attempts, questions tried and got right, percent correct, last attempt."""
        return _learner_progress(self._frame())

    def results_csv(self) -> str:
        """Per-question stats and per-learner progress as one CSV (column `table` tells which)."""
        q = self.question_stats().assign(table="question")
        lp = self.learner_progress().assign(table="learner")
        both = pd.concat([q, lp], ignore_index=True).convert_dtypes()  # ints stay ints
        return both[["table", *[c for c in both.columns if c != "table"]]].to_csv(index=False)

    def export_csv(self, path: str | Path) -> Path:
        """Write results_csv() to `path`; return the path."""
        out = Path(path)
        out.write_text(self.results_csv(), encoding="utf-8")
        return out


def _best_per_question(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return df.groupby([*by, "question_id"], as_index=False).agg(
        best=("score", "max"), ever_correct=("correct", "max"), attempts=("id", "count"))


def _progress(df: pd.DataFrame) -> pd.DataFrame:
    cols = ["topic", "questions_attempted", "questions_correct", "attempts", "mean_best_score"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    best = _best_per_question(df, ["topic"])
    out = best.groupby("topic", as_index=False).agg(
        questions_attempted=("question_id", "count"), questions_correct=("ever_correct", "sum"),
        attempts=("attempts", "sum"), mean_best_score=("best", "mean"))
    out["questions_correct"] = out["questions_correct"].astype(int)
    return out[cols]


def _most_wrong(wrong_json: pd.Series) -> tuple[str, int]:
    counts = pd.Series([w for text in wrong_json for w in json.loads(text)], dtype=object)
    if counts.empty:
        return "", 0
    top = counts.value_counts()
    return str(top.index[0]), int(top.iloc[0])


def _question_stats(df: pd.DataFrame) -> pd.DataFrame:
    cols = ["question_id", "topic", "attempts", "learners", "percent_correct", "mean_score",
            "most_chosen_wrong", "most_chosen_wrong_count"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for qid, g in df.groupby("question_id", sort=True):
        wrong, count = _most_wrong(g["wrong"])
        rows.append({"question_id": qid, "topic": g["topic"].iloc[-1], "attempts": len(g),
                     "learners": g["learner"].nunique(),
                     "percent_correct": round(100 * g["correct"].mean(), 1),
                     "mean_score": round(g["score"].mean(), 3),
                     "most_chosen_wrong": wrong, "most_chosen_wrong_count": count})
    return pd.DataFrame(rows, columns=cols)


def _learner_progress(df: pd.DataFrame) -> pd.DataFrame:
    cols = ["learner", "attempts", "questions_attempted", "questions_correct",
            "percent_correct", "mean_best_score", "last_attempt"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    best = _best_per_question(df, ["learner"])
    out = best.groupby("learner", as_index=False).agg(
        attempts=("attempts", "sum"), questions_attempted=("question_id", "count"),
        questions_correct=("ever_correct", "sum"), mean_best_score=("best", "mean"))
    out["questions_correct"] = out["questions_correct"].astype(int)
    out["percent_correct"] = (100 * out["questions_correct"] / out["questions_attempted"]).round(1)
    out["mean_best_score"] = out["mean_best_score"].round(3)
    last = df.groupby("learner")["created_at"].max()
    out["last_attempt"] = out["learner"].map(last)
    return out[cols]
