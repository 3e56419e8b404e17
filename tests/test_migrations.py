"""Migrations: from empty to the newest, one step down and up again, on the
suite's database (SQLite or PostgreSQL), with demo-like data present."""

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from inhabithon.db import make_engine
from inhabithon.migrate import alembic_config, downgrade, upgrade
from inhabithon.models import Base
from tests.conftest import fresh_database_url


def test_migrations_upgrade_from_empty_step_down_and_up_again_and_match_the_models():
    url = fresh_database_url("migrations")
    script = ScriptDirectory.from_config(alembic_config(url))
    heads = script.get_heads()
    assert len(heads) == 1, f"one head expected, found {heads}"
    upgrade(url)
    downgrade(url, "-1")
    upgrade(url)
    engine = make_engine(url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT version_num FROM alembic_version")) == heads[0]
    finally:
        engine.dispose()
