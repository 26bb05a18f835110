"""Platform time: UTC+08:00. One place to read the clock, so tests can move it."""
import os
from datetime import datetime, timedelta, timezone

PLATFORM_TZ = timezone(timedelta(hours=8), "UTC+08:00")


def now():
    """Aware 'now' in the platform zone. ``ZC_FAKE_NOW`` (ISO 8601) pins it for tests."""
    fake = os.environ.get("ZC_FAKE_NOW")
    if fake:
        return datetime.fromisoformat(fake).astimezone(PLATFORM_TZ)
    return datetime.now(PLATFORM_TZ)


def iso(moment):
    """ISO 8601 with the platform offset; naive datetimes are taken as UTC (as stored)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(PLATFORM_TZ).isoformat()


def parse(text):
    """ISO 8601 → aware datetime (a naive value is read as platform time)."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=PLATFORM_TZ)
    return value


def utc(moment):
    """Aware → naive UTC, the form stored in the databases."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)
