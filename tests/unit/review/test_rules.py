"""The committee-result and timing rules, as plain functions."""
from datetime import datetime, timedelta

import pytest

from services.review import rules
from zc_common.clock import PLATFORM_TZ
from zc_common.errors import Invalid


@pytest.mark.parametrize("present,needed", [(9, 6), (7, 5), (5, 4), (3, 2), (1, 1), (10, 7), (6, 4)])
def test_votes_needed_is_the_ceiling_of_two_thirds(present, needed):
    assert rules.votes_needed(present) == needed


def test_two_thirds_boundary_with_nine_present():
    assert rules.meeting_passed(9, 6) is True
    assert rules.meeting_passed(9, 5) is False


def test_quorum_must_be_met():
    assert rules.meeting_passed(4, 4, quorum=5) is False
    assert rules.meeting_passed(5, 4, quorum=5) is True
    assert rules.meeting_passed(4, 4, quorum=None) is True


def test_votes_must_add_up():
    rules.check_votes({"experts_present": 9, "votes_for": 6, "votes_against": 2, "votes_abstain": 1}, 0)
    with pytest.raises(Invalid) as refused:
        rules.check_votes({"experts_present": 9, "votes_for": 6, "votes_against": 2, "votes_abstain": 0}, 3)
    assert refused.value.code == "votes_mismatch" and refused.value.field == "results.3"
    with pytest.raises(Invalid):
        rules.check_votes({"experts_present": 0, "votes_for": 0, "votes_against": 0, "votes_abstain": 0}, 0)


def at(day, hour=9):
    return datetime(2026, 11, day, hour, tzinfo=PLATFORM_TZ)


def test_working_days_count_weekdays_both_ends_included():
    # 2026-11-23 is a Monday.
    assert rules.working_days(at(23), at(27, 18)) == 5          # Mon–Fri
    assert rules.working_days(at(27), at(30)) == 2              # Fri, (Sat, Sun), Mon
    assert rules.working_days(at(28), at(29)) == 0              # a weekend


MEETING_DAY = at(20).date()


def window(starts, ends, min_days, now=None, held_on=MEETING_DAY):
    rules.check_publicity_window(starts, ends, min_days, now or at(20, 8), held_on)


def test_publicity_window_rules():
    window(at(23), at(27, 18), 5)
    with pytest.raises(Invalid) as short:
        window(at(27), at(30), 5)
    assert short.value.code == "publicity_too_short"
    with pytest.raises(Invalid) as backwards:
        window(at(27), at(23), 0)
    assert backwards.value.code == "invalid_window"
    window(at(28), at(29), 0)             # 0 allows any window ahead
    with pytest.raises(Invalid):
        window(at(27), at(30), None)      # default: 5 working days


def test_publicity_cannot_be_backdated():
    now = at(25, 10)
    with pytest.raises(Invalid) as past:          # a window wholly in the past
        window(at(23), at(24), 0, now=now)
    assert past.value.code == "publicity_backdated" and past.value.field == "starts_at"
    with pytest.raises(Invalid) as earlier:       # started an hour ago, ends far ahead
        window(now - timedelta(hours=1), at(30, 18), 0, now=now)
    assert earlier.value.code == "publicity_backdated"
    window(now - timedelta(minutes=4), now + timedelta(seconds=25), 0, now=now)   # clock skew allowed
    window(now, now + timedelta(days=7), 5, now=now)


def test_publicity_cannot_start_before_the_meeting():
    with pytest.raises(Invalid) as early:          # a meeting set for the 25th, publicity from the 23rd
        window(at(23), at(30, 18), 5, now=at(20, 8), held_on=at(25).date())
    assert early.value.code == "publicity_before_meeting" and early.value.field == "starts_at"
    window(at(25, 0), at(25, 0) + timedelta(days=7), 5, now=at(20, 8), held_on=at(25).date())


def test_node_days_per_node_or_for_all():
    arrived = at(23)
    assert rules.due_at(arrived, {"unit": 3}, "unit") == arrived + timedelta(days=3)
    assert rules.due_at(arrived, {"unit": 3}, "department") is None
    assert rules.due_at(arrived, 2, "committee") == arrived + timedelta(days=2)
    assert rules.due_at(arrived, None, "unit") is None
    assert rules.is_overdue(arrived, arrived + timedelta(seconds=1)) is True
    assert rules.is_overdue(None, arrived) is False
