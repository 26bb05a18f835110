"""在线问答: an applicant or a base unit asks a committee or a department a
question (title, text, an optional scan); that organisation's staff answer it and
may publish the answer in the organisation's public FAQ (常见问题). Each side is
told through accounts' notifications (a ``notice_requested`` event queued in the
same transaction as the change — the outbox).

Who sees what: the asker sees their own questions (a unit's administrators see
the unit's), the staff of the organisation asked see those addressed to it;
anyone else is told the question does not exist (404) — also when answering."""
from sqlalchemy import select

from services.applications.models import OutboxEvent, Question
from zc_common.clock import iso, now
from zc_common.errors import Conflict, Forbidden, Invalid, NotFound
from zc_common.outbox import add_event

ASKERS = ("applicant", "unit_admin")
ANSWERERS = ("department_staff", "committee_staff")
ASKED_KINDS = ("committee", "department")
TITLE_MAX, BODY_MAX, ANSWER_MAX = 100, 2000, 4000
SCAN_KIND = "question_scan"
NOTICE = "notice_requested"   # accounts.service.on_notice_requested


def _text(data, key, name, maximum):
    value = (data or {}).get(key)
    if not isinstance(value, str) or not value.strip():
        raise Invalid("invalid_field", f"{name}必填", field=key)
    value = value.strip()
    if len(value) > maximum:
        raise Invalid("invalid_field", f"{name}不能超过 {maximum} 字", field=key)
    return value


def question_dict(q, public=False):
    out = {"id": q.id, "title": q.title, "body": q.body,
           "to": {"id": q.to_org_id, "name": q.to_org_name, "kind": q.to_org_kind},
           "answer": q.answer, "answered_at": iso(q.answered_at), "published": bool(q.published),
           "created_at": iso(q.created_at)}
    if public:
        return out
    return {**out, "asker": {"id": q.asker_id, "name": q.asker_name, "role": q.asker_role,
                             "org_id": q.asker_org_id, "org_name": q.asker_org_name},
            "answered_by": ({"id": q.answered_by_id, "name": q.answered_by_name} if q.answered_by_id else None),
            "scan": ({"file_id": q.scan_file_id, "name": q.scan_name, "sha256": q.scan_sha256}
                     if q.scan_file_id else None),
            "state": "answered" if q.answer else "waiting"}


def _notify(session, subject, body, user_ids=(), org_ids=()):
    add_event(session, OutboxEvent, NOTICE, {"user_ids": list(user_ids), "org_ids": list(org_ids),
                                             "subject": subject, "body": body, "kind": "question"})


def ask(session, organizations, actor, data):
    role = (actor or {}).get("role")
    if role not in ASKERS:
        raise Forbidden("forbidden", "只有申请人或基层单位可以提问")
    if role == "unit_admin" and not actor.get("org_id"):
        raise Forbidden("forbidden", "基层单位账号未关联单位")
    title = _text(data, "title", "问题标题", TITLE_MAX)
    body = _text(data, "body", "问题内容", BODY_MAX)
    to_id = (data or {}).get("to_org_id")
    asked = organizations([to_id]).get(to_id) if isinstance(to_id, str) and to_id else None
    if asked is None or asked.get("kind") not in ASKED_KINDS:
        raise Invalid("invalid_field", "请选择要咨询的评审委员会或主管部门", field="to_org_id")
    unit = None
    if role == "unit_admin":
        unit = organizations([actor["org_id"]]).get(actor["org_id"]) or {}
    moment = now()
    q = Question(asker_id=actor["id"], asker_name=actor.get("name") or actor.get("username") or "",
                 asker_role=role, asker_org_id=actor.get("org_id") if unit is not None else None,
                 asker_org_name=(unit or {}).get("name"), to_org_id=asked["id"], to_org_name=asked.get("name") or "",
                 to_org_kind=asked["kind"], title=title, body=body, published=False, created_at=moment,
                 updated_at=moment)
    session.add(q)
    session.flush()
    _notify(session, "在线问答：收到新的咨询", f"{q.asker_name}咨询「{title}」，请登录平台答复。",
            org_ids=[asked["id"]])
    session.commit()
    return question_dict(q)


def _may_read(q, actor):
    role = (actor or {}).get("role")
    if role in ANSWERERS:
        return actor.get("org_id") == q.to_org_id
    if role == "unit_admin":
        return q.asker_id == actor.get("id") or (q.asker_org_id and q.asker_org_id == actor.get("org_id"))
    return q.asker_id == (actor or {}).get("id")


def _found(session, actor, question_id, lock=False):
    query = select(Question).where(Question.id == question_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    q = session.scalars(query).first() if isinstance(question_id, str) else None
    if q is None or not _may_read(q, actor):
        raise NotFound("question_not_found", "问题不存在")
    return q


def get(session, actor, question_id):
    return question_dict(_found(session, actor, question_id))


def list_for(session, actor, state=None):
    """The asker's own questions, or those addressed to the staff member's
    organisation; newest first, ``state`` 'waiting' or 'answered' to narrow."""
    role = (actor or {}).get("role")
    query = select(Question)
    if role in ANSWERERS:
        query = query.where(Question.to_org_id == actor.get("org_id"))
    elif role == "unit_admin":
        query = query.where((Question.asker_id == actor.get("id")) | (Question.asker_org_id == actor.get("org_id")))
    elif role == "applicant":
        query = query.where(Question.asker_id == actor.get("id"))
    else:
        raise Forbidden("forbidden", "在线问答仅对申请人、基层单位和审核单位开放")
    if state == "waiting":
        query = query.where(Question.answer.is_(None))
    elif state == "answered":
        query = query.where(Question.answer.is_not(None))
    elif state not in (None, ""):
        raise Invalid("invalid_field", "state 只能是 waiting 或 answered", field="state")
    rows = session.scalars(query.order_by(Question.created_at.desc(), Question.id).limit(500)).all()
    return [question_dict(q) for q in rows]


def _answerer(actor):
    if (actor or {}).get("role") not in ANSWERERS or not actor.get("org_id"):
        raise Forbidden("forbidden", "只有被咨询单位的工作人员可以答复")


def answer(session, actor, question_id, data):
    """The staff of the organisation asked answer (an answer may be corrected);
    ``publish`` puts it in the organisation's public FAQ."""
    _answerer(actor)
    text = _text(data, "answer", "答复内容", ANSWER_MAX)
    publish = (data or {}).get("publish", False)
    if not isinstance(publish, bool):
        raise Invalid("invalid_field", "publish 应为 true 或 false", field="publish")
    q = _found(session, actor, question_id, lock=True)
    moment = now()
    first = q.answer is None
    q.answer, q.answered_at = text, moment
    q.answered_by_id, q.answered_by_name = actor["id"], actor.get("name") or actor.get("username") or ""
    q.published = publish
    q.updated_at = moment
    _notify(session, "在线问答：您的咨询已答复" if first else "在线问答：答复已更新",
            f"您咨询的「{q.title}」已由{q.to_org_name}答复，请登录平台查看。",
            user_ids=[q.asker_id], org_ids=[q.asker_org_id] if q.asker_org_id else [])
    session.commit()
    return question_dict(q)


def publish(session, actor, question_id, published):
    _answerer(actor)
    if not isinstance(published, bool):
        raise Invalid("invalid_field", "published 应为 true 或 false", field="published")
    q = _found(session, actor, question_id, lock=True)
    if published and q.answer is None:
        session.rollback()
        raise Conflict("not_answered", "问题尚未答复，不能公开")
    q.published = published
    q.updated_at = now()
    session.commit()
    return question_dict(q)


def attach_scan(session, actor, question_id, filename, content_b64, store_file):
    """The asker adds a scan (one; a new one replaces it) while unanswered."""
    q = _found(session, actor, question_id)
    if q.asker_id != actor.get("id"):
        raise NotFound("question_not_found", "问题不存在")
    if q.answer is not None:
        raise Conflict("already_answered", "问题已答复，不能再添加附件")
    session.rollback()
    stored = store_file(kind=SCAN_KIND, owner_ref=q.id, filename=filename, content_b64=content_b64)
    q = _found(session, actor, question_id, lock=True)
    q.scan_file_id, q.scan_name, q.scan_sha256 = stored["id"], stored.get("name") or "附件", stored.get("sha256")
    q.updated_at = now()
    session.commit()
    return question_dict(q)


def scan(session, actor, question_id, read_file):
    q = _found(session, actor, question_id)
    if not q.scan_file_id:
        raise NotFound("scan_not_found", "该问题没有附件")
    return read_file(file_id=q.scan_file_id)


def faq(session, org_id):
    """The organisation's public FAQ: its published answers, newest first, without
    who asked."""
    if not isinstance(org_id, str) or not org_id:
        raise Invalid("invalid_field", "请指定评审委员会或部门", field="org_id")
    rows = session.scalars(select(Question).where(Question.to_org_id == org_id, Question.published.is_(True))
                           .order_by(Question.answered_at.desc(), Question.id).limit(200)).all()
    return [question_dict(q, public=True) for q in rows]
