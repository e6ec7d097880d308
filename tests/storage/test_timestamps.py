"""Timestamps: the spec's ISO 8601 style, MongoDB's precision, and creation order preserved."""

from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise

from virtool_api.utils import as_utc, iso_timestamp, utc_now


def test_timestamps_look_like_the_spec():
    assert iso_timestamp(datetime(2018, 2, 7, 0, 25, 53, 786000, tzinfo=UTC)) == "2018-02-07T00:25:53.786000Z"
    assert iso_timestamp(datetime(2018, 2, 7, 0, 25, 53)) == "2018-02-07T00:25:53.000000Z"


def test_timestamps_in_other_zones_and_early_years_are_written_as_strftime_writes_them():
    """`isoformat` writes them (faster), except where it differs from `strftime`: years before 1000."""
    eastern = timezone(timedelta(hours=-5))
    for value in (
        datetime(2018, 2, 7, 20, 25, 53, 1, tzinfo=eastern),
        datetime(2018, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-1))),
        datetime(999, 1, 2, 3, 4, 5),
        datetime(5, 1, 2, 3, 4, 5, tzinfo=UTC),
    ):
        assert iso_timestamp(value) == as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert iso_timestamp(datetime(2018, 2, 7, 20, 25, 53, 1, tzinfo=eastern)) == "2018-02-08T01:25:53.000001Z"


def test_timestamps_are_written_as_strftime_writes_them_at_every_field_boundary():
    """`iso_timestamp` puts the text together from pieces; `strftime` is the reference."""
    start = datetime(1999, 12, 31, 23, 59, 58)
    steps = (timedelta(microseconds=999), timedelta(milliseconds=1), timedelta(seconds=59, microseconds=7))
    for step in steps:
        for n in range(0, 3000, 37):
            value = start + step * n
            assert iso_timestamp(value) == value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            aware = value.replace(tzinfo=UTC)
            assert iso_timestamp(aware) == value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    for value in (datetime(1000, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999), datetime(2024, 2, 29)):
        assert iso_timestamp(value) == value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_naive_datetimes_from_the_stores_are_utc():
    assert as_utc(datetime(2018, 2, 7, 1, 2, 3)) == datetime(2018, 2, 7, 1, 2, 3, tzinfo=UTC)


def test_every_datetime_comes_back_in_utc_with_its_instant_and_microseconds():
    eastern = timezone(timedelta(hours=-5))
    for value in (
        datetime.min,
        datetime.max,
        datetime(2018, 2, 7, 1, 2, 3, 999999),
        datetime(2018, 2, 7, 20, 25, 53, 1, tzinfo=eastern),
        datetime(2018, 2, 7, 1, 2, 3, tzinfo=UTC),
    ):
        converted = as_utc(value)
        assert converted.tzinfo is UTC
        assert converted == (value.replace(tzinfo=UTC) if value.tzinfo is None else value)
        assert iso_timestamp(value) == converted.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_now_keeps_milliseconds_and_strictly_increases():
    stamps = [utc_now() for _ in range(200)]
    assert all(stamp.microsecond % 1000 == 0 for stamp in stamps)
    assert all(earlier < later for earlier, later in pairwise(stamps))
