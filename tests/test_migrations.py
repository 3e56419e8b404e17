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


def test_migrations_step_all_the_way_down_and_up_with_the_demo_data_present():
    from inhabithon import create_app
    from tests.conftest import app_config

    url = fresh_database_url("migrations_data")
    upgrade(url)
    app = create_app(app_config(url))
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    app.extensions["inhabithon_db"].engine.dispose()
    downgrade(url, "base")
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM ideas")) == 0
    finally:
        engine.dispose()
