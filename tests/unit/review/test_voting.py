"""The experts' side of a panel over a throwaway database: declaring before seeing,
one vote per application (a second is a change), exclusions, closing, and the
count by the 2/3 rule."""
from datetime import date, timedelta

import pytest

from services.review import committee, expert_models, voting
from services.review.expert_models import Exclusion, Panel, Seat, Vote
from services.review.models import Base, IdempotencyKey, Meeting, utcnow
from tests.unit.dbutil import session_for
from zc_common.errors import Conflict, Forbidden, Invalid, NotFound

assert expert_models  # its tables share Base

APPS = [{"id": "a1", "number": "N1", "name": "甲"}, {"id": "a2", "number": "N2", "name": "乙"}]


def expert(i):
    return {"id": f"e{i}", "role": "expert", "name": f"专家{i}"}


@pytest.fixture
def session():
    session = session_for(Base)
    session.add(Panel(id="p1", committee_id="c1", title="会", year=2026, held_on=date(2026, 12, 2),
                      application_ids=["a1", "a2"], applications=APPS, panel_size=3, reserves=1, seed="ab",
                      candidates=[], drawn=["e1", "e2", "e3", "e4"], created_by={}))
    for i in range(1, 5):
        session.add(Seat(panel_id="p1", expert_id=f"e{i}", position=i, role="member" if i < 4 else "reserve"))
    session.commit()
    return session


def declare_all(session, *ids):
    for i in ids:
        voting.declare(session, expert(i), "p1", True)


def test_nothing_before_declaring(session):
    assert voting.expert_panel(session, expert(1), "p1")["applications"] == []
    assert voting.may_read(session, "a1", "e1") is False
    with pytest.raises(Conflict) as refused:
        voting.cast(session, expert(1), "p1", "a1", "for")
    assert refused.value.code == "declaration_required"
    with pytest.raises(Invalid):
        voting.declare(session, expert(1), "p1", False)
    declare_all(session, 1)
    assert voting.may_read(session, "a1", "e1") is True
    assert [a["id"] for a in voting.expert_panel(session, expert(1), "p1")["applications"]] == ["a1", "a2"]


def test_a_reserve_and_a_stranger_see_nothing(session):
    for who in (expert(4), expert(9)):
        with pytest.raises(NotFound):
            voting.expert_panel(session, who, "p1")
    with pytest.raises(Forbidden):
        voting.expert_only({"id": "u1", "role": "applicant"})


def test_a_second_vote_is_a_change(session):
    declare_all(session, 1)
    assert voting.cast(session, expert(1), "p1", "a1", "against")["changed"] is False
    assert voting.cast(session, expert(1), "p1", "a1", "for", score=90)["changed"] is True
    [vote] = session.query(Vote).all()
    assert (vote.choice, vote.score, vote.changes) == ("for", 90, 1)


def test_the_same_vote_sent_twice_is_no_change(session):
    """A double click on 提交表决 is not reported as 已修改表决."""
    declare_all(session, 1)
    assert voting.cast(session, expert(1), "p1", "a1", "for", comment="好")["changed"] is False
    assert voting.cast(session, expert(1), "p1", "a1", "for", comment="好 ")["changed"] is False
    [vote] = session.query(Vote).all()
    assert vote.changes == 0
    assert voting.cast(session, expert(1), "p1", "a1", "abstain")["changed"] is True


def test_bad_votes(session):
    declare_all(session, 1)
    with pytest.raises(Invalid):
        voting.cast(session, expert(1), "p1", "a1", "maybe")
    with pytest.raises(Invalid):
        voting.cast(session, expert(1), "p1", "a1", "for", score=101)
    with pytest.raises(NotFound):
        voting.cast(session, expert(1), "p1", "elsewhere", "for")


def test_excluded_at_the_draw_or_late(session):
    session.add(Exclusion(panel_id="p1", expert_id="e2", application_id="a1", reason="own_unit", detail="",
                          stage="draw"))
    session.commit()
    declare_all(session, 1, 2)
    with pytest.raises(Forbidden) as refused:
        voting.cast(session, expert(2), "p1", "a1", "for")
    assert refused.value.code == "excluded"
    voting.cast(session, expert(1), "p1", "a2", "for")
    voting.declare_conflict(session, expert(1), "p1", "a2", "合作者")
    assert session.query(Vote).count() == 0   # the vote already cast is void
    with pytest.raises(Forbidden):
        voting.cast(session, expert(1), "p1", "a2", "for")
    with pytest.raises(Conflict):
        voting.declare_conflict(session, expert(1), "p1", "a2", "再次")
    assert voting.may_read(session, "a2", "e1") is False and voting.may_read(session, "a1", "e1") is True


def test_conflicts_named_when_signing(session):
    view = voting.declare(session, expert(3), "p1", True, [{"application_id": "a1", "reason": "亲属"}])
    assert [a["excluded"] for a in view["applications"]] == [True, False]
    with pytest.raises(Invalid):
        voting.declare(session, expert(2), "p1", True, [{"application_id": "zz", "reason": "x"}])


def test_no_vote_after_closing(session):
    declare_all(session, 1)
    session.get(Panel, "p1").state = "closed"
    session.commit()
    with pytest.raises(Conflict) as refused:
        voting.cast(session, expert(1), "p1", "a1", "for")
    assert refused.value.code == "voting_closed"
    assert voting.may_read(session, "a1", "e1") is False


def test_the_tally_counts_the_declared_members_who_voted(session):
    declare_all(session, 1, 2, 3)
    for i, choice in ((1, "for"), (2, "for"), (3, "against")):
        voting.cast(session, expert(i), "p1", "a1", choice)
    voting.declare_conflict(session, expert(3), "p1", "a2", "回避")
    panel = session.get(Panel, "p1")
    seats = session.query(Seat).all()
    excluded = {(x.expert_id, x.application_id) for x in session.query(Exclusion).all()}
    results, missing = voting.tally(panel, seats, excluded, session.query(Vote).all())
    assert results == [{"application_id": "a1", "experts_present": 3, "votes_for": 2, "votes_against": 1,
                        "votes_abstain": 0}]
    assert missing == ["N2"]


class Deps:
    def __init__(self, session):
        self.session = session


SECRETARY = {"id": "s1", "role": "committee_staff", "org_id": "c1"}


def recorded(session, calls):
    def record_meeting(deps, actor, year, held_on, results, idempotency_key=None):
        calls.append((results, idempotency_key))
        session.add(Meeting(id="m1", committee_id="c1", year=year, held_on=date.fromisoformat(held_on),
                            recorded_by={}))
        session.add(IdempotencyKey(actor_id=actor["id"], key=idempotency_key, operation="record_meeting",
                                   target="c1", meeting_id="m1"))
        session.commit()
        return {"id": "m1", "results": []}
    return record_meeting


def test_closing_without_a_vote_on_each_application_changes_nothing(session):
    declare_all(session, 1)
    voting.cast(session, expert(1), "p1", "a1", "for")
    with pytest.raises(Conflict) as refused:
        voting.close(Deps(session), SECRETARY, "p1")
    assert refused.value.code == "no_votes" and "N2" in refused.value.message
    assert session.get(Panel, "p1", populate_existing=True).state == "voting"
    voting.cast(session, expert(1), "p1", "a2", "for")   # still open


def test_closing_records_the_meeting_once_and_a_stale_close_finishes_it(session, monkeypatch):
    calls, again = [], []
    monkeypatch.setattr(committee, "record_meeting", recorded(session, calls))
    monkeypatch.setattr(committee, "meeting_again", lambda deps, meeting_id: again.append(meeting_id) or {
        "id": meeting_id, "results": []})
    declare_all(session, 1, 2)
    for i in (1, 2):
        voting.cast(session, expert(i), "p1", "a1", "for")
        voting.cast(session, expert(i), "p1", "a2", "against")
    closed = voting.close(Deps(session), SECRETARY, "p1")
    assert closed["mode"] == "online" and session.get(Meeting, "m1").mode == "online"
    [(results, key)] = calls
    assert key == "panel-p1" and [r["votes_for"] for r in results] == [2, 0]
    with pytest.raises(Conflict):
        voting.close(Deps(session), SECRETARY, "p1")
    # A close that died after recording: once stale, claimed again, the same meeting finished.
    panel = session.get(Panel, "p1")
    panel.state, panel.closed_at = "closing", utcnow() - timedelta(minutes=10)
    session.commit()
    assert voting.close(Deps(session), {**SECRETARY, "id": "s2"}, "p1")["id"] == "m1"
    assert again == ["m1"] and len(calls) == 1


def test_a_fresh_close_in_progress_is_not_claimed_twice(session):
    panel = session.get(Panel, "p1")
    panel.state, panel.closed_at = "closing", utcnow()
    session.commit()
    with pytest.raises(Conflict):
        voting.close(Deps(session), SECRETARY, "p1")
