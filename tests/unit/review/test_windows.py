"""Stage windows: a department forwards to the committee only while the committee
receives material — the committee's window, or its specialty's own."""
from datetime import timedelta

import pytest

from services.review import rules
from tests.unit.review.standins import ADMIN, staff
from tests.unit.review.test_service import submitted
from zc_common.clock import now
from zc_common.errors import Conflict


def window(days_from, days_to):
    moment = now()
    return {"receive_opens_at": (moment + timedelta(days=days_from)).isoformat(),
            "receive_closes_at": (moment + timedelta(days=days_to)).isoformat()}


def test_the_receiving_window_that_applies():
    settings = {**window(-1, 1), "specialty_windows": {"机械": window(-10, -5)}}
    assert rules.receiving_refusal(settings, "电气", now()) is None
    assert "已截止" in rules.receiving_refusal(settings, "机械", now())
    assert "尚未开始" in rules.receiving_refusal(window(2, 5), "", now())
    assert rules.receiving_refusal({}, "机械", now()) is None   # none set: no limit


def at_last_department(service, settings):
    service.applications.settings.update(settings)
    service.applications.add("a1")
    service.applications.apps["a1"]["qualification"]["specialty"] = "机械"   # copied at submission
    submitted(service)
    service.forward_application(ADMIN, "a1", "同意推荐")
    service.forward_application(staff("d1"), "a1", "同意")


@pytest.mark.parametrize("settings", [window(-10, -1), window(1, 10),
                                      {**window(-1, 10), "specialty_windows": {"机械": window(-10, -1)}}])
def test_forwarding_to_the_committee_outside_its_receiving_window_is_refused(service, settings):
    at_last_department(service, settings)
    with pytest.raises(Conflict) as caught:
        service.forward_application(staff("d2"), "a1", "同意")
    assert caught.value.code == "window_closed"
    assert service.applications.apps["a1"]["status"] == "submitted"
    assert [a for _, a, _ in service.applications.requests] == ["forward", "forward"]


def test_inside_the_window_it_reaches_the_committee(service):
    at_last_department(service, {**window(-10, -1), "specialty_windows": {"机械": window(-1, 3)}})
    assert service.forward_application(staff("d2"), "a1", "同意")["next"]["node"] == "committee"
