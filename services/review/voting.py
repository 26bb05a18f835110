"""The drawn experts' side of a panel: the no-conflict declaration (signed before
any dossier is shown), declining (a reserve takes the seat), a conflict declared
late (the expert leaves that application's vote), and the secret vote — one per
expert and application, changeable until the secretary closes voting. Closing
counts the votes by the committee's 2/3 rule and records the meeting exactly as a
typed-in meeting is recorded (committee.record_meeting), so publicity and approval
go on as before."""
from datetime import timedelta

from sqlalchemy import and_, or_, select, update

from services.review import committee, panels
from services.review.expert_models import Exclusion, Panel, Seat, Vote
from services.review.models import IdempotencyKey, Meeting, utcnow
from services.review.remote import log
from zc_common.clock import iso
from zc_common.errors import Conflict, Forbidden, Invalid, NotFound

CHOICES = {"for": "赞成", "against": "反对", "abstain": "弃权"}
MAX_SCORE = 100
CLOSING_STALE = timedelta(minutes=5)


def expert_only(actor):
    if (actor or {}).get("role") != "expert" or not actor.get("id"):
        raise Forbidden("forbidden", "仅评审专家可进行此操作")
    return actor


def my_seat(session, actor, panel_id):
    """The caller's seat on the panel as a member; a reserve not (yet) called and
    anyone not drawn see nothing of it."""
    seat = session.scalar(select(Seat).where(Seat.panel_id == (panel_id or ""), Seat.expert_id == actor["id"]))
    panel = session.get(Panel, panel_id) if seat is not None else None
    if seat is None or panel is None or seat.role != "member" or seat.state == "declined":
        raise NotFound("panel_not_found", "未找到该评审会议")
    return panel, seat


def _open(panel):
    if panel.state != "voting":
        raise Conflict("voting_closed", "表决已结束")


def my_panels(session, actor):
    seats = session.scalars(select(Seat).where(Seat.expert_id == actor["id"], Seat.role == "member",
                                               Seat.state != "declined")).all()
    found = {p.id: p for p in session.scalars(select(Panel).where(Panel.id.in_([s.panel_id for s in seats])))}
    return [{"id": p.id, "title": p.title, "committee_name": p.committee_name, "held_on": p.held_on.isoformat(),
             "state": p.state, "declared": s.state == "declared", "applications": len(p.application_ids)}
            for s in seats for p in [found.get(s.panel_id)] if p is not None]


def expert_panel(session, actor, panel_id):
    """The panel as the expert sees it: the applications (only once declared), the
    expert's own votes and exclusions — never anyone else's."""
    panel, seat = my_seat(session, actor, panel_id)
    view = {"id": panel.id, "title": panel.title, "committee_name": panel.committee_name,
            "held_on": panel.held_on.isoformat(), "state": panel.state, "declared": seat.state == "declared",
            "declared_at": iso(seat.declared_at), "applications_count": len(panel.application_ids),
            "applications": [],
            # Who the applicants are (no dossier): what the expert needs to know to
            # declare a conflict before signing.
            "roster": [{k: app.get(k) for k in ("id", "number", "name", "unit", "title")}
                       for app in panel.applications]}
    if seat.state != "declared":
        return view
    excluded = {x.application_id: x for x in session.scalars(select(Exclusion).where(
        Exclusion.panel_id == panel.id, Exclusion.expert_id == actor["id"]))}
    votes = {v.application_id: v for v in session.scalars(select(Vote).where(
        Vote.panel_id == panel.id, Vote.expert_id == actor["id"]))}
    for app in panel.applications:
        vote = votes.get(app["id"])
        view["applications"].append({
            **app, "excluded": app["id"] in excluded,
            "exclusion": excluded[app["id"]].detail if app["id"] in excluded else None,
            "vote": ({"choice": vote.choice, "score": vote.score, "comment": vote.comment,
                      "changed_at": iso(vote.changed_at)} if vote and app["id"] not in excluded else None)})
    return view


def _conflicts(panel, conflicts):
    if conflicts is None:
        return []
    if not isinstance(conflicts, list):
        raise Invalid("invalid_field", "利益冲突应为列表", field="conflicts")
    checked = []
    for index, item in enumerate(conflicts):
        if not isinstance(item, dict) or item.get("application_id") not in panel.application_ids:
            raise Invalid("unknown_application", "该申请书不在本次评审会议中", field=f"conflicts.{index}")
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip() or len(reason) > 500:
            raise Invalid("invalid_field", "请说明利益冲突的情况（500字以内）", field=f"conflicts.{index}.reason")
        checked.append((item["application_id"], reason.strip()))
    return checked


def declare(session, actor, panel_id, confirm, conflicts=None):
    """承诺: no conflict with any application of the meeting, except those named
    (the expert then does not vote on them)."""
    panel, seat = my_seat(session, actor, panel_id)
    _open(panel)
    if confirm is not True:
        raise Invalid("declaration_required", "请确认并签署无利益冲突声明", field="confirm")
    if seat.state == "declared":
        raise Conflict("already_declared", "已签署声明")
    named = _conflicts(panel, conflicts)
    seat.state, seat.declared_at = "declared", utcnow()
    seat.declaration = "本人承诺与本次评审会议的申请人不存在需要回避的关系，如有隐瞒愿承担相应责任。"
    for application_id, reason in named:
        _exclude(session, panel, actor["id"], application_id, reason)
    session.commit()
    return expert_panel(session, actor, panel_id)


def _exclude(session, panel, expert_id, application_id, reason):
    session.add(Exclusion(panel_id=panel.id, expert_id=expert_id, application_id=application_id,
                          reason="declared", detail=reason, stage="declared"))
    session.execute(Vote.__table__.delete().where(Vote.panel_id == panel.id, Vote.expert_id == expert_id,
                                                  Vote.application_id == application_id))


def declare_conflict(session, actor, panel_id, application_id, reason):
    """A conflict found after signing: the expert leaves that application's vote
    (a vote already cast is void)."""
    panel, seat = my_seat(session, actor, panel_id)
    _open(panel)
    [(application_id, reason)] = _conflicts(panel, [{"application_id": application_id, "reason": reason}])
    if seat.state != "declared":
        raise Conflict("declaration_required", "请先签署无利益冲突声明")
    if session.scalar(select(Exclusion.id).where(Exclusion.panel_id == panel.id, Exclusion.expert_id == actor["id"],
                                                 Exclusion.application_id == application_id)):
        raise Conflict("already_excluded", "已回避该申请书")
    _exclude(session, panel, actor["id"], application_id, reason)
    session.commit()
    return expert_panel(session, actor, panel_id)


def decline(deps, actor, panel_id, reason):
    """A member who cannot serve declines before signing; the first reserve not yet
    called takes the seat and is told."""
    session = deps.session
    panel, seat = my_seat(session, actor, panel_id)
    _open(panel)
    if seat.state != "invited":
        raise Conflict("already_declared", "已签署声明，不能再拒绝；如有利益冲突请申报回避")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 500:
        raise Invalid("invalid_field", "请说明不能参加的原因（500字以内）", field="reason")
    claimed = session.execute(update(Seat).where(Seat.id == seat.id, Seat.state == "invited")
                              .values(state="declined", declined_reason=reason.strip(), declined_at=utcnow()))
    if claimed.rowcount != 1:
        session.rollback()
        raise Conflict("already_declared", "已签署声明")
    reserve = session.scalar(select(Seat).where(Seat.panel_id == panel.id, Seat.role == "reserve",
                                                Seat.state == "invited").order_by(Seat.position).limit(1))
    if reserve is not None:
        reserve.role = "member"
    session.commit()
    if reserve is not None:
        panels.invite(deps, panel, [reserve.expert_id])
    return {"panel_id": panel.id, "declined": True, "replaced": reserve is not None}


def cast(session, actor, panel_id, application_id, choice, score=None, comment=""):
    """Vote (or change one's vote) while voting is open; only after declaring, and
    never on an application one is excluded from."""
    panel, seat = my_seat(session, actor, panel_id)
    if application_id not in panel.application_ids:
        raise NotFound("application_not_found", "该申请书不在本次评审会议中")
    _open(panel)
    if seat.state != "declared":
        raise Conflict("declaration_required", "请先签署无利益冲突声明")
    if choice not in CHOICES:
        raise Invalid("invalid_choice", "表决意见应为赞成、反对或弃权", field="choice")
    if score is not None and (not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= MAX_SCORE):
        raise Invalid("invalid_field", f"评分应为0至{MAX_SCORE}的整数", field="score")
    comment = comment if isinstance(comment, str) else ""
    if len(comment) > 2000:
        raise Invalid("invalid_field", "评审意见过长（最多2000字）", field="comment")
    if session.scalar(select(Exclusion.id).where(Exclusion.panel_id == panel.id, Exclusion.expert_id == actor["id"],
                                                 Exclusion.application_id == application_id)):
        raise Forbidden("excluded", "您已回避该申请书，不能参与表决")
    vote = session.scalar(select(Vote).where(Vote.panel_id == panel.id, Vote.expert_id == actor["id"],
                                             Vote.application_id == application_id).with_for_update())
    moment = utcnow()
    # The very same vote sent again (a double click, a retry) changes nothing: it is
    # neither counted as a change nor reported to the expert as 已修改.
    same = vote is not None and (vote.choice, vote.score, vote.comment) == (choice, score, comment.strip())
    if vote is None:
        session.add(Vote(panel_id=panel.id, expert_id=actor["id"], application_id=application_id, choice=choice,
                         score=score, comment=comment.strip(), cast_at=moment, changed_at=moment))
    elif not same:
        vote.choice, vote.score, vote.comment, vote.changed_at = choice, score, comment.strip(), moment
        vote.changes += 1
    # Closing flips the state under the same row: a vote racing the close either
    # lands before it (and is counted) or is refused.
    still_open = session.execute(update(Panel).where(Panel.id == panel.id, Panel.state == "voting")
                                 .values(state="voting"))
    if still_open.rowcount != 1:
        session.rollback()
        raise Conflict("voting_closed", "表决已结束")
    session.commit()
    return {"application_id": application_id, "choice": choice, "score": score,
            "changed": vote is not None and not same}


# -- closing -----------------------------------------------------------------------

def tally(panel, seats, excluded, votes):
    """Each application's count: the experts present are the declared members who
    voted on it (an excluded expert's vote never counts)."""
    results, missing = [], []
    for app in panel.applications:
        allowed = set(panels.voters(seats, excluded, app["id"]))
        cast = [v for v in votes if v.application_id == app["id"] and v.expert_id in allowed]
        if not cast:
            missing.append(app.get("number") or app["id"])
            continue
        results.append({"application_id": app["id"], "experts_present": len(cast),
                        "votes_for": sum(v.choice == "for" for v in cast),
                        "votes_against": sum(v.choice == "against" for v in cast),
                        "votes_abstain": sum(v.choice == "abstain" for v in cast)})
    return results, missing


def close(deps, actor, panel_id):
    """Claim the panel (voting → closing) first, so no vote lands after the count;
    then count and record the meeting. A refusal puts the panel back to voting."""
    session = deps.session
    panel = panels.own_panel(session, actor, panel_id)
    moment = utcnow()
    # A close that died half-way (its process killed) leaves the panel "closing";
    # after CLOSING_STALE it may be claimed again (the meeting it may have recorded
    # answers the retry through the idempotency key when the same secretary retries).
    claimable = or_(Panel.state == "voting",
                    and_(Panel.state == "closing", Panel.closed_at < moment - CLOSING_STALE))
    claimed = session.execute(update(Panel).where(Panel.id == panel.id, claimable)
                              .values(state="closing", closed_at=moment))
    session.commit()
    if claimed.rowcount != 1:
        raise Conflict("voting_closed", "表决已结束或正在结束")
    key = f"panel-{panel.id}"
    try:
        # A meeting an earlier attempt recorded (whoever made it) is finished, not made again.
        earlier = session.scalar(select(IdempotencyKey.meeting_id).where(
            IdempotencyKey.key == key, IdempotencyKey.operation == "record_meeting",
            IdempotencyKey.meeting_id.is_not(None)).limit(1))
        if earlier:
            meeting = committee.meeting_again(deps, earlier)
        else:
            seats = panels.seats_of(session, panel.id)
            votes = session.scalars(select(Vote).where(Vote.panel_id == panel.id)).all()
            results, missing = tally(panel, seats, panels.excluded_pairs(session, panel.id), votes)
            if missing:
                raise Conflict("no_votes", f"以下申请书尚无专家投票，不能结束表决：{'、'.join(missing)}")
            meeting = committee.record_meeting(deps, actor, panel.year, panel.held_on.isoformat(), results,
                                               idempotency_key=key)
    except Exception:
        session.rollback()
        session.execute(update(Panel).where(Panel.id == panel.id, Panel.state == "closing")
                        .values(state="voting", closed_at=None))
        session.commit()
        log.info("review: panel %s not closed; voting stays open", panel.id)
        raise
    session.get(Meeting, meeting["id"]).mode = "online"
    panel = session.get(Panel, panel.id, populate_existing=True)
    panel.state, panel.meeting_id, panel.closed_at = "closed", meeting["id"], utcnow()
    session.commit()
    return {**meeting, "mode": "online", "panel_id": panel.id}


def may_read(session, application_id, expert_id):
    """documents asks before showing an expert a dossier: drawn on an open panel
    with the application, declared, and not excluded from it."""
    seats = session.scalars(select(Seat).where(Seat.expert_id == expert_id, Seat.role == "member",
                                               Seat.state == "declared")).all()
    for seat in seats:
        panel = session.get(Panel, seat.panel_id)
        if panel is None or panel.state == "closed" or application_id not in panel.application_ids:
            continue
        if not session.scalar(select(Exclusion.id).where(Exclusion.panel_id == panel.id,
                                                         Exclusion.expert_id == expert_id,
                                                         Exclusion.application_id == application_id)):
            return True
    return False
