"""The databases the live class unit tests run on: a temp SQLite file always, and PostgreSQL
when $ADAPTLAB_TEST_POSTGRES_URL names one (.ci/run sets it; the tests then drop and recreate
every AdaptLab table in it, so point it at a throwaway database)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import MetaData, create_engine

DATABASES = ["sqlite", "postgresql"]


def database_url(kind: str, tmp_path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'live.db'}"
    url = os.environ.get("ADAPTLAB_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("ADAPTLAB_REQUIRE_DEPLOY_TESTS") == "1":
            pytest.fail("ADAPTLAB_TEST_POSTGRES_URL is not set")
        pytest.skip("ADAPTLAB_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)")
    engine = create_engine(url)
    found = MetaData()
    found.reflect(engine)  # every table, also other features' (in the order their keys need)
    found.drop_all(engine)  # every test starts from an empty database, as with SQLite
    engine.dispose()
    return url
