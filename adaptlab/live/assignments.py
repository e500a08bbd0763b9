"""Who trains what in a live class (issue 15, item 3): the instructor assigns methods across the
session's learners on one task, round robin over the registry's order (or a chosen subset). A
learner who joins later gets the next method of the rotation the first time they look. Stored in
the database (adaptlab.live.tables), so every replica hands out the same assignment.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, select

from adaptlab.errors import UserInputError
from adaptlab.live.tables import assignments_table, plans_table
from adaptlab.methods import REGISTRY
from adaptlab.store import Store


@dataclass(frozen=True)
class Plan:
    task: str
    methods: tuple[str, ...]


def ordered_methods(methods: Iterable[str] | None = None) -> tuple[str, ...]:
    """`methods` (all by default) in the registry's order; unknown names are refused."""
    chosen = list(REGISTRY) if methods is None else list(dict.fromkeys(methods))
    unknown = [m for m in chosen if m not in REGISTRY]
    if unknown or not chosen:
        wrong = f" ({', '.join(map(repr, unknown))} is not one)" if unknown else ""
        raise UserInputError(f"choose one or more methods from {', '.join(REGISTRY)}{wrong}")
    return tuple(m for m in REGISTRY if m in chosen)


def round_robin(learners: Sequence[str], methods: Sequence[str], start: int = 0) -> dict[str, str]:
    """Learner -> method: the i-th learner gets methods[(start + i) % len(methods)]."""
    return {who: methods[(start + i) % len(methods)] for i, who in enumerate(learners)}


def assign(store: Store, session_id: int, learners: Sequence[str], task: str,
           methods: Iterable[str] | None = None) -> dict[str, str]:
    """Replace the session's plan and give each learner (in the order given) a method."""
    from adaptlab.data import list_tasks

    if task not in {t.name for t in list_tasks()}:
        raise UserInputError(f"{task!r} is not a bundled task")
    order = ordered_methods(methods)
    given = round_robin(list(dict.fromkeys(learners)), order)
    now, sid = datetime.now(UTC), int(session_id)
    with store.transaction("save the assignment to") as conn:
        conn.execute(delete(assignments_table).where(assignments_table.c.session_id == sid))
        conn.execute(delete(plans_table).where(plans_table.c.session_id == sid))
        conn.execute(insert(plans_table).values(session_id=sid, task=task,
                                                methods=json.dumps(order), created_at=now))
        if given:
            conn.execute(insert(assignments_table), [
                {"session_id": sid, "learner": who, "method": m, "task": task, "assigned_at": now}
                for who, m in given.items()])
    return given


def plan(store: Store, session_id: int) -> Plan | None:
    query = select(plans_table).where(plans_table.c.session_id == int(session_id))
    with store.reading() as conn:
        row = conn.execute(query).first()
    return None if row is None else Plan(row.task, tuple(json.loads(row.methods)))


def assignments(store: Store, session_id: int) -> dict[str, str]:
    """Learner -> assigned method, in the order they were assigned."""
    query = (select(assignments_table.c.learner, assignments_table.c.method)
             .where(assignments_table.c.session_id == int(session_id))
             .order_by(assignments_table.c.assigned_at, assignments_table.c.learner))
    with store.reading() as conn:
        return {r.learner: r.method for r in conn.execute(query)}


def assignment_for(store: Store, session_id: int, learner: str) -> tuple[str, str] | None:
    """(method, task) assigned to `learner`; a learner who joined after the instructor assigned
    gets the next method of the rotation now. None while the session has no plan."""
    sid = int(session_id)
    mine = select(assignments_table.c.method, assignments_table.c.task).where(
        assignments_table.c.session_id == sid, assignments_table.c.learner == learner)
    with store.reading() as conn:
        row = conn.execute(mine).first()
    if row is not None:
        return row.method, row.task
    current = plan(store, sid)
    if current is None:
        return None
    # Two learners joining in the same instant may get the same method: harmless for a board.
    with store.reading() as conn:
        count = conn.execute(select(func.count()).select_from(assignments_table).where(
            assignments_table.c.session_id == sid)).scalar_one()
    method = current.methods[count % len(current.methods)]
    row = {"session_id": sid, "learner": learner, "method": method, "task": current.task,
           "assigned_at": datetime.now(UTC)}
    if not store.insert_once(assignments_table, row, "save the assignment to"):
        return assignment_for(store, sid, learner)  # another tab of theirs was first: it stands
    return method, current.task
