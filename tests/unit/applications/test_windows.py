"""Stage windows owned by applications: the committee's receiving window beside the
applicant's submission window, and both set per specialty (每个专业的申报时间)."""
import pytest

from tests.unit.applications.conftest import ADMIN, COMMITTEE
from tests.unit.applications.helpers import enough_attachments, fill
from tests.unit.applications.test_dossier import ME, new
from zc_common.errors import Conflict, Invalid

BASE = {"submit_opens_at": "2026-06-01T00:00:00+08:00", "submit_closes_at": "2026-06-30T23:59:59+08:00",
        "max_submissions": 2, "fee_fen": 0, "receiving_department_ids": []}


def put(service, **extra):
    return service.put_committee_settings(ADMIN, COMMITTEE, {**BASE, **extra})


def test_receiving_and_specialty_windows_round_trip(service):
    saved = put(service, receive_opens_at="2026-07-01T00:00:00+08:00", receive_closes_at="2026-07-31T00:00:00+08:00",
                specialty_windows={"机械电子": {"submit_opens_at": "2026-06-01T00:00:00+08:00",
                                                "submit_closes_at": "2026-06-10T00:00:00+08:00"}})
    assert saved["receive_closes_at"].startswith("2026-07-31")
    assert saved["specialty_windows"]["机械电子"]["submit_closes_at"].startswith("2026-06-10")
    assert "receive_opens_at" not in saved["specialty_windows"]["机械电子"]


@pytest.mark.parametrize("extra, field", [
    ({"receive_opens_at": "2026-07-01T00:00:00+08:00"}, "receive_closes_at"),
    ({"receive_opens_at": "2026-07-02T00:00:00+08:00", "receive_closes_at": "2026-07-01T00:00:00+08:00"},
     "receive_closes_at"),
    ({"specialty_windows": {"机械电子": {}}}, "specialty_windows.机械电子"),
    ({"specialty_windows": {"机械电子": {"submit_opens_at": "2026-06-01T00:00:00+08:00"}}},
     "specialty_windows.机械电子.submit_closes_at"),
    ({"specialty_windows": {"机械电子": {"colour": "red"}}}, "specialty_windows.机械电子"),
    ({"specialty_windows": ["机械电子"]}, "specialty_windows"),
])
def test_bad_windows_are_refused(service, extra, field):
    with pytest.raises(Invalid) as caught:
        put(service, **extra)
    assert caught.value.field == field
    assert service.get_committee_settings(COMMITTEE) is None


def test_the_specialtys_own_window_decides_submission_and_the_countdown(service):
    # 2026-06-15 now: the committee's window is open, 机械电子's own closed on the 10th
    put(service, specialty_windows={"机械电子": {"submit_opens_at": "2026-06-01T00:00:00+08:00",
                                                 "submit_closes_at": "2026-06-10T00:00:00+08:00"},
                                    "电气": {"receive_opens_at": "2026-07-01T00:00:00+08:00",
                                             "receive_closes_at": "2026-07-05T00:00:00+08:00"}},
        receive_opens_at="2026-07-01T00:00:00+08:00", receive_closes_at="2026-07-31T00:00:00+08:00")
    app = new(service)
    assert app["submit_closes_at"].startswith("2026-06-10") and app["days_to_close"] == -5
    assert app["receive_closes_at"].startswith("2026-07-31") and app["receive_days_to_close"] == 46
    fill(service, ME, app)
    service.documents.list_attachments.return_value = enough_attachments(app)
    with pytest.raises(Conflict) as caught:
        service.submit(ME, app["id"])
    assert caught.value.code == "window_closed"
    assert service.get_application(ME, app["id"])["status"] == "draft"
