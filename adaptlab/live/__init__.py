"""Live class sessions (issue 15): an instructor opens a session, learners join with a code, the
instructor pushes bank questions, the room's answers are charted without names.

All state is in the quiz database (adaptlab.store: SQLite by default, PostgreSQL for replicas),
in tables on `adaptlab.store.metadata`, so an instructor on one replica and learners on another
see the same session, and a restart loses nothing committed. Nothing here imports Streamlit.

How a session is identified
    `ClassSession.id` (int, primary key of `live_sessions`) is THE id: store it, key data by it.
    `ClassSession.code` is the join code people type: 6 characters from CODE_ALPHABET (no 0, 1,
    I, L, O), unique over all sessions ever opened, so an old code says "ended", not "unknown".
    A session is open while `closed_at` is None and `now < expires_at` (default DEFAULT_HOURS).
    Closed and expired sessions are never returned by the "current/open" functions below.

Sessions (adaptlab.live.sessions); `store` is an adaptlab.store.Store, `now` defaults to UTC now:
    open_session(store, title="", instructor=INSTRUCTOR, hours=DEFAULT_HOURS) -> ClassSession
    open_session_of_instructor(store, instructor=INSTRUCTOR) -> ClassSession | None
    end_session(store, session_id) -> None                  # idempotent
    get_session(store, session_id) -> ClassSession | None   # open or not
    join_session(store, code, learner) -> ClassSession      # LiveError: bad/unknown/ended code
    leave_session(store, session_id, learner) -> None
    current_session_for_learner(store, learner) -> ClassSession | None   # newest open joined
    members(store, session_id) -> list[Member]              # who joined, oldest first
    normalise_code(text) -> str                             # LiveError with a clear message
`instructor` is a label: the app has one passcode, so the Instructor pages use INSTRUCTOR.

Live questions (adaptlab.live.questions):
    push_question(store, session_id, question_id) -> Push   # the session's current question
    current_push(store, session_id) -> Push | None          # newest push of the session
    reveal(store, push_id) -> None                          # key shown; answers close
    submit_answer(store, push, learner, question, answer) -> Grade
        # one answer per learner per push; saved in ONE transaction with its quiz attempt
        # (context live_context(push)), so it counts in progress like any attempt
    answer_of(store, push_id, learner) -> LiveAnswer | None
    push_answers(store, push_id) -> list[LiveAnswer]       # for charts; never shown with names
    live_status(store, session_id) -> LiveStatus            # session + current push, one query
    ClassSession.is_open(now) / .ended_why(now); LiveStatus.is_open(now); Push.revealed
Projector helpers (import the submodule; they pull in pandas, plotly or segno):
    adaptlab.live.tally   tally(question, answers) -> DataFrame (counts, never names),
                          answer_chart(frame, revealed, total) -> Figure, results(answers),
                          key_lines(question) -> the key in words
    adaptlab.live.links   join_link(origin, code) -> ".../?join=CODE", qr_png(text) -> PNG bytes
    adaptlab.live.cache   TTLCache: the app's process-wide cache of live_status for polling

The class lab board: adaptlab.live.assignments (who trains which method), adaptlab.live.board
(the session's finished runs), adaptlab.live.gains (the room's before/after on the lesson path).
All tables: adaptlab.live.tables, created with the quiz tables by Store().
Errors: LiveError (a ValueError) carries a message to show as it is; database failures raise
adaptlab.store.StoreError like every other store call.
"""

from adaptlab.live.questions import (
    LiveAnswer,
    LiveStatus,
    Push,
    answer_of,
    current_push,
    live_context,
    live_status,
    push_answers,
    push_question,
    reveal,
    submit_answer,
)
from adaptlab.live.sessions import (
    CODE_ALPHABET,
    CODE_LENGTH,
    DEFAULT_HOURS,
    INSTRUCTOR,
    ClassSession,
    LiveError,
    Member,
    current_session_for_learner,
    end_session,
    get_session,
    join_session,
    leave_session,
    members,
    normalise_code,
    open_session,
    open_session_of_instructor,
)

__all__ = [
    "CODE_ALPHABET", "CODE_LENGTH", "DEFAULT_HOURS", "INSTRUCTOR", "ClassSession", "LiveAnswer",
    "LiveError", "LiveStatus", "Member", "Push", "answer_of", "current_push",
    "current_session_for_learner", "end_session", "get_session",
    "join_session", "leave_session", "live_context", "live_status", "members",
    "normalise_code", "open_session", "open_session_of_instructor", "push_answers",
    "push_question", "reveal", "submit_answer",
]
