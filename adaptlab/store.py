"""Quiz attempts, stored through SQLAlchemy: a SQLite file by default, any database URL by config.

URL precedence: the `url` argument (the app passes one from Streamlit secrets), then the
ADAPTLAB_DB_URL environment variable, then sqlite:///<repo>/data/adaptlab.db. PostgreSQL URLs
(postgresql+psycopg://...) work unchanged. Each attempt is committed on its own, so a crash or a
`kill -9` loses at most the attempt being written, never one already reported as saved.
Every database failure surfaces as a StoreError whose message a page can show as it is.
Live class sessions (adaptlab.live) keep their tables in the same database and metadata.
Marks and statistics (adaptlab.quiz.stats) are computed from the stored tries, so a database
written before try numbers and contexts were stored still reads: Store adds the two columns.
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
    inspect,
    select,
    text,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError

from adaptlab.quiz import stats
from adaptlab.spreadsheet import to_safe_csv

ENV_VAR = "ADAPTLAB_DB_URL"
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "adaptlab.db"
# Short on purpose: a page waits for the database, so a stuck one must fail in seconds, with a
# message, rather than freeze every learner's page (issue 13 measured 20-30 s per answer).
BUSY_TIMEOUT_MS = 3_000  # SQLite: a writer waits this long for another writer's lock
CONNECT_TIMEOUT_S = 2  # PostgreSQL (libpq minimum): a silent host fails after 2 x 2 s (SSL, then plain)
STATEMENT_TIMEOUT_MS = 5_000  # PostgreSQL: the server cancels a statement running longer
POOL_TIMEOUT_S = 3  # a free pooled connection must turn up within this

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
    # Where the try was made: "" (topic sections, practice) or "path:<path>:<quiz>".
    Column("context", String(100), nullable=False, default="", server_default=""),
    Column("try_number", Integer, nullable=True),  # 1, 2, 3 within a sequence of tries
)
# A learner's proof of identity when the app has no login (adaptlab.identity): the scrypt hash
# of the secret they chose at first use, never the secret itself.
learner_secrets_table = Table(
    "learner_secrets", metadata,
    Column("learner", String(200), primary_key=True),
    Column("salt", String(64), nullable=False),  # hex
    Column("digest", String(128), nullable=False),  # hex
    Column("created_at", DateTime(timezone=True), nullable=False),
)
# Columns added after the first release: (name, DDL valid in SQLite and PostgreSQL alike).
ADDED_COLUMNS = (("context", "VARCHAR(100) NOT NULL DEFAULT ''"), ("try_number", "INTEGER"))


class _Taken(Exception):
    """An insert met its unique key (Store.insert_once): rolls the transaction back."""


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
    context: str = ""
    try_number: int | None = None


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


def _postgres_args(url: URL) -> dict[str, Any]:
    """libpq settings unless the URL sets its own: connect and statement timeouts."""
    args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        # An unreachable host must cost a page seconds, not the OS's minutes-long TCP timeout.
        args["connect_timeout"] = CONNECT_TIMEOUT_S
    if "options" not in url.query:
        args["options"] = f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
    return args


def _make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, pool_timeout=POOL_TIMEOUT_S,
                             connect_args=_postgres_args(url))
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_timeout=POOL_TIMEOUT_S)
    if url.database and url.database != ":memory:":
        folder = Path(url.database).expanduser().resolve().parent
        if folder == DEFAULT_PATH.parent:
            folder.mkdir(exist_ok=True)  # data/ is not in the repository
        elif not folder.is_dir():  # a typo in a configured path must not create folders
            raise FileNotFoundError(f"the folder {folder} does not exist; create it first")
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def attempt_row(learner: str, question_id: str, answer: Any, correct: bool, score: float,
                topic: str = "", wrong: list[str] | tuple[str, ...] = (), context: str = "",
                try_number: int | None = None, created_at: datetime | None = None) -> dict:
    """The quiz_attempts row of one try (Store.record_attempt's arguments), ready to insert."""
    if not learner.strip():
        raise StoreError("A learner name or id is needed to save an attempt.")
    return {"learner": learner.strip(), "question_id": question_id, "topic": topic,
            "answer": json.dumps(answer), "correct": bool(correct), "score": float(score),
            "wrong": json.dumps(list(wrong)), "created_at": created_at or datetime.now(UTC),
            "context": context, "try_number": try_number}


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
        import adaptlab.live.tables  # noqa: F401  (puts the live class tables on `metadata`)

        # Another process may create a table between create_all's check and its CREATE. Each
        # such race means one more table exists, which the next pass skips: with several tables
        # and many processes starting at once (replicas, a test's 20), one retry was not always
        # enough. Any other error (an unreachable server) is raised at once, not retried.
        passes = len(metadata.tables) + 1
        for attempt in range(passes):
            try:
                metadata.create_all(self.engine)
                break
            except SQLAlchemyError as exc:
                raced = any(words in str(exc) for words in ("already exists", "duplicate key"))
                if not raced or attempt == passes - 1:
                    raise
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """Upgrade a table made by an older release; old rows get context '' and no number."""
        for name, ddl in ADDED_COLUMNS:
            if name in self._columns():
                continue
            try:
                with self.engine.begin() as conn:
                    conn.execute(text(f"ALTER TABLE quiz_attempts ADD COLUMN {name} {ddl}"))
            except SQLAlchemyError:
                if name not in self._columns():  # not a race with another process: a failure
                    raise

    def _columns(self) -> set[str]:
        return {c["name"] for c in inspect(self.engine).get_columns("quiz_attempts")}

    def close(self) -> None:
        self.engine.dispose()

    def record_attempt(self, learner: str, question_id: str, answer: Any, correct: bool,
                       score: float, topic: str = "", wrong: list[str] | tuple[str, ...] = (),
                       context: str = "", try_number: int | None = None,
                       created_at: datetime | None = None) -> int:
        """Save one attempt in its own transaction; return its id once it is committed.

        `created_at` (default now) lets a try that waited out an outage keep its own time.
        """
        row = attempt_row(learner, question_id, answer, correct, score, topic, wrong, context,
                          try_number, created_at)
        with self.transaction("save an attempt to") as conn:
            return conn.execute(insert(attempts_table).values(row)).inserted_primary_key[0]

    @contextmanager
    def transaction(self, action: str) -> Iterator[Connection]:
        """One transaction, committed when the block ends; a failure is a StoreError saying
        "Could not {action} the quiz results database ...". Catch an IntegrityError you expect
        inside the block and raise your own exception instead: it rolls back the same way."""
        with self._errors(action), self.engine.begin() as conn:
            yield conn

    def insert_once(self, table: Table, row: dict[str, Any], action: str) -> bool:
        """Insert `row` into `table`; False (nothing written) when its unique key is taken
        already, e.g. by another tab or replica that got there first."""
        try:
            with self.transaction(action) as conn:
                try:
                    conn.execute(insert(table).values(row))
                except IntegrityError:
                    raise _Taken from None
        except _Taken:
            return False
        return True

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for reads; a failure is a StoreError like every other read."""
        with self._errors("read"), self.engine.connect() as conn:
            yield conn

    def learner_secret(self, learner: str) -> tuple[str, str] | None:
        """(salt, digest) of the secret `learner` chose at first use; None if not claimed yet."""
        query = select(learner_secrets_table.c.salt, learner_secrets_table.c.digest).where(
            learner_secrets_table.c.learner == learner)
        with self._errors("read"), self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else (row.salt, row.digest)

    def claim_learner(self, learner: str, salt: str, digest: str) -> bool:
        """Keep the first secret for `learner`; False when the name was claimed already."""
        row = {"learner": learner, "salt": salt, "digest": digest,
               "created_at": datetime.now(UTC)}
        with self._errors("save a learner to"):
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(learner_secrets_table).values(row))
            except IntegrityError:  # claimed by someone else first (two tabs, same moment)
                return False
        return True

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
                        bool(r.correct), float(r.score), tuple(json.loads(r.wrong)), r.created_at,
                        r.context or "", r.try_number)
                for r in rows]

    def attempts_frame(self, learner: str | None = None) -> pd.DataFrame:
        """All attempt rows as a DataFrame (answer and wrong stay JSON text)."""
        return self._frame(learner)

    def progress(self, learner: str) -> pd.DataFrame:
        """Per topic: questions tried, got right, tries, mean mark (adaptlab.quiz.stats)."""
        return stats.progress(self._frame(learner))

    def question_stats(self) -> pd.DataFrame:
        """Per question: learners, tries, mean mark, % right first try, most chosen wrong."""
        return stats.question_stats(self._frame())

    def learner_progress(self) -> pd.DataFrame:
        """Per learner: tries, questions tried and got right, percent right, mean mark, last try."""
        return stats.learner_progress(self._frame())

    def results_csv(self) -> str:
        """Per-question stats and per-learner progress as one CSV (column `table` tells which)."""
        q = self.question_stats().assign(table="question")
        lp = self.learner_progress().assign(table="learner")
        both = pd.concat([q, lp], ignore_index=True).convert_dtypes()  # ints stay ints
        columns = ["table", *[c for c in both.columns if c != "table"]]
        return to_safe_csv(both[columns], index=False)  # learner names are typed text

    def export_csv(self, path: str | Path) -> Path:
        """Write results_csv() to `path`; return the path."""
        out = Path(path)
        out.write_text(self.results_csv(), encoding="utf-8")
        return out

