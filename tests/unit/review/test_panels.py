"""What a draw accepts: the committee's own applications, waiting for the meeting,
of a kind decided by votes; and the request's shape."""
import pytest

from services.review import panels
from zc_common.errors import Conflict, Invalid, NotFound


class Applications:
    def __init__(self, found):
        self.found = found

    def get_applications_internal(self, ids):
        return {i: self.found[i] for i in ids if i in self.found}


class Deps:
    def __init__(self, found):
        self.applications = Applications(found)


def application(i, **overrides):
    return {"id": i, "number": f"N{i}", "status": "ready_for_meeting", "committee": {"id": "c1"},
            "kind": {"key": "review", "name": "评审", "meeting": True}, **overrides}


def test_the_committees_waiting_applications_are_taken():
    deps = Deps({"a": application("a"), "b": application("b")})
    assert [a["id"] for a in panels.meeting_applications(deps, "c1", ["a", "b"])] == ["a", "b"]


def test_refusals():
    deps = Deps({"other": application("other", committee={"id": "c2"}),
                 "early": application("early", status="formal_review_passed"),
                 "confirmed": application("confirmed", kind={"key": "grant", "name": "授予", "meeting": False})})
    with pytest.raises(NotFound):
        panels.meeting_applications(deps, "c1", ["other"])
    with pytest.raises(NotFound):
        panels.meeting_applications(deps, "c1", ["missing"])
    with pytest.raises(Conflict) as refused:
        panels.meeting_applications(deps, "c1", ["early"])
    assert refused.value.code == "not_ready_for_meeting"
    with pytest.raises(Invalid) as refused:
        panels.meeting_applications(deps, "c1", ["confirmed"])
    assert refused.value.code == "confirmation_required" and "授予" in refused.value.message


@pytest.mark.parametrize("change, field", [
    ({"application_ids": []}, "application_ids"),
    ({"application_ids": ["a", "a"]}, "application_ids"),
    ({"panel_size": 0}, "panel_size"),
    ({"panel_size": True}, "panel_size"),
    ({"reserves": 21}, "reserves"),
    ({"held_on": "2026-13-01"}, "held_on"),
])
def test_bad_requests(change, field):
    with pytest.raises(Invalid) as refused:
        panels.checked_request({"application_ids": ["a"], "panel_size": 7, "held_on": "2026-12-02", **change})
    assert refused.value.extra["field"] == field


def test_a_request_with_defaults():
    request = panels.checked_request({"application_ids": ["a"], "panel_size": 7, "held_on": "2026-12-02",
                                      "specialties": [" 内科 ", ""]})
    assert request["year"] == 2026 and request["reserves"] == 0 and request["specialties"] == ["内科"]
    assert request["title"] == "2026-12-02 评审会议"
