"""Local wall-clock times in forms, UTC in the database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from inhabithon.timeutil import app_timezone, local_to_utc, utc_to_local


def local_time(text):
    """A naive wall-clock time, as a datetime-local input sends it."""
    return dt.datetime.fromisoformat(text)


def test_the_app_timezone_comes_from_the_config(app):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Helsinki"
    with app.app_context():
        assert app_timezone().key == "Europe/Helsinki"


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        (local_time("2025-01-15T12:00"), dt.datetime(2025, 1, 15, 11, 0, tzinfo=dt.UTC)),
        (local_time("2025-07-15T12:00"), dt.datetime(2025, 7, 15, 10, 0, tzinfo=dt.UTC)),
        # The hour that happens twice when clocks go back: the first (summer) one.
        (local_time("2025-10-26T02:30"), dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC)),
    ],
)
def test_local_times_convert_to_utc_and_back(app, local, utc):
    with app.app_context():
        assert local_to_utc(local) == utc
        assert utc_to_local(utc) == local


def test_none_stays_none_and_aware_values_are_only_converted(app):
    stockholm = dt.datetime(2025, 7, 15, 12, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
    with app.app_context():
        assert local_to_utc(None) is None
        assert utc_to_local(None) is None
        assert local_to_utc(stockholm) == dt.datetime(2025, 7, 15, 10, 0, tzinfo=dt.UTC)
        with pytest.raises(ValueError, match="aware"):
            utc_to_local(local_time("2025-07-15T12:00"))
