"""The applicant's dossier: create, fill sections, change qualification, submit,
withdraw. Each function works on a session and commits; calls to other services
come in as plain callables, so the rules test without a broker.

Submit, withdraw and change of qualification take an optional idempotency key:
the answer is stored with it in the transaction that makes the change, and a
retry with the key answers it again (``zc_common.idempotency``)."""
import json

from sqlalchemy import delete as sa_delete
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from services.applications import catalog, eligibility, kinds, rules, status, template_store, validation, vocabulary
from services.applications.models import (
    Application,
    CommitteeSettings,
    ContinuingEducation,
    EligibilityException,
    IdempotencyKey,
    NumberSequence,
    OutboxEvent,
    Qualification,
    SubmissionSnapshot,
    Transition,
)
from services.applications.schemas import application_dict
from zc_common import idempotency
from zc_common.clock import iso, now
from zc_common.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from zc_common.outbox import add_event


def _duplicate():
    return Conflict("duplicate_application",
                    "本年度您已申报过该资格（同一资格每年只能申请一次，包括评审、初次确定、授予、"
                    "特殊人才认定、访惠聚三年高定，不论在哪个地区申报）")


def view(session, app, moment=None):
    """The application's own fields, as other services and the gateway get them."""
    qualification = catalog.shown_qualification(session, app.qualification_id)
    settings = catalog.shown_settings(session, app.committee_id)
    history = session.scalars(select(Transition).where(Transition.application_id == app.id)
                              .order_by(Transition.id)).all()
    return application_dict(app, qualification, settings, history, moment or now(),
                            catalog.windows(settings, qualification.specialty))


def own(session, actor, application_id, lock=False):
    """The caller's application; anyone else's answers 404 as if it did not exist."""
    query = select(Application).where(Application.id == application_id)
    if lock:
        # A locked read is the decisive one: the row as the database has it now,
        # never an older copy this session may still hold.
        query = query.with_for_update().execution_options(populate_existing=True)
    app = session.scalars(query).first()
    if app is None or app.applicant_id != actor.get("id"):
        raise NotFound("application_not_found", "申请书不存在")
    return app


def list_own(session, actor):
    rows = session.scalars(select(Application).where(Application.applicant_id == actor.get("id"))
                           .order_by(Application.year.desc(), Application.created_at.desc())).all()
    return [view(session, app) for app in rows]


def _kind(data):
    key = data.get("kind")
    if key is None:
        key = kinds.DEFAULT
    kind = kinds.get(key) if isinstance(key, str) else None
    if kind is None:
        names = "、".join(f"{k['key']}（{k['name']}）" for k in kinds.all_kinds())
        raise Invalid("invalid_field", f"申报类型只能是 {names}", field="kind")
    return kind


def _qualification_for(session, qualification_id, unit, year, kind):
    """The qualification, checked to be available to the unit's region (属地化), to
    accept the kind, and to have a template that year; with its resolved template."""
    qualification = session.get(Qualification, qualification_id) if isinstance(qualification_id, str) else None
    if qualification is None:
        raise Invalid("invalid_field", "资格不存在", field="qualification_id")
    facts = {"region_code": qualification.region_code, "series": qualification.series,
             "specialty": qualification.specialty, "level": qualification.level, "kind": kind["key"]}
    if not rules.available_in(facts, unit["region_code"], catalog.region_triples(session, unit["region_code"])):
        raise Invalid("invalid_field", "该资格不属于您工作单位所在地区的评审范围（属地化）", field="qualification_id")
    refused = kinds.fits(kind, qualification.level, list(qualification.kinds or ["review"]))
    if refused:
        raise Invalid("wrong_kind", refused, field="kind")
    template = template_store.resolve(year, facts, kind["profile"])
    if template is None:
        raise Invalid("invalid_field", f"{year}年度没有该资格的申请书模板", field="year")
    return qualification, template


def _writable(app, moment):
    if rules.is_past_year(app.year, moment):
        raise Conflict("read_only_year", f"{app.year}年度的申请书已归档，只能查看")


def create(session, organizations, actor, data):
    if actor.get("role") != "applicant":
        raise Forbidden("forbidden", "只有申请人可以新增申请书")
    moment = now()
    year = data.get("year")
    this_year = moment.year
    if isinstance(year, bool) or not isinstance(year, int) or not this_year <= year <= this_year + 1:
        raise Invalid("invalid_field", f"只能申报{this_year}年度（或下一年度）", field="year")
    kind = _kind(data)
    unit_id = data.get("unit_id")
    unit = organizations([unit_id]).get(unit_id) if isinstance(unit_id, str) else None
    if unit is None or unit.get("kind") != "unit":
        raise Invalid("invalid_field", "基层工作单位不存在", field="unit_id")
    qualification, template = _qualification_for(session, data.get("qualification_id"), unit, year, kind)
    title_key = rules.title_key(qualification.series, qualification.specialty, qualification.level)
    taken = select(Application.id).where(Application.applicant_id == actor["id"],
                                         Application.title_key == title_key,
                                         Application.year == year)
    if session.scalars(taken).first() is not None:
        raise _duplicate()
    sequence = NumberSequence(issued_at=moment)
    session.add(sequence)
    session.flush()  # the autoincrement key is the number: unique without a race
    app = Application(
        number=rules.format_number(sequence.seq), year=year, kind=kind["key"], title_key=title_key,
        status="draft",
        applicant_id=actor["id"], applicant_name=actor.get("name") or actor.get("username") or "",
        qualification_id=qualification.id, unit_id=unit["id"], unit_name=unit["name"],
        unit_code=unit.get("code"), unit_credit_code=unit.get("credit_code"),
        committee_id=qualification.committee_id, template_version=template["version"],
        template=template, sections=prefilled(template, actor), needs_review=[], submissions_used=0, version=1,
        created_at=moment, updated_at=moment)
    session.add(app)
    try:
        session.commit()
    except IntegrityError:  # the unique constraint: a twin request won the race
        session.rollback()
        raise _duplicate() from None
    return view(session, app, moment)


# The form's identity fields and where the registration holds them (#14 item 6): the
# actor carries the account's phone, and birth_date and gender as its ID number encodes
# them (accounts' schemas.actor), so neither prefill nor check asks accounts again.
IDENTITY_SECTION = "basic_info"
PREFILL = {"name": "name", "birth_date": "birth_date", "gender": "gender", "phone": "phone"}
CHECKED = {"birth_date": "出生日期", "gender": "性别"}


def prefilled(template, actor):
    """A new application's sections: the identity fields filled from the registration."""
    section = template_store.section_of(template, IDENTITY_SECTION)
    if section is None:
        return {}
    keys = {f["key"]: f for f in section["fields"]}
    values = {}
    for key, source in PREFILL.items():
        value = actor.get(source)
        field = keys.get(key)
        if field is None or not value:
            continue
        if field["type"] == "choice" and value not in field.get("options", ()):
            continue
        values[key] = value
    return {IDENTITY_SECTION: values} if values else {}


def check_identity(actor, key, data):
    """Birth date and gender must be those of the ID number registered (a form saying
    1988 for an ID number saying 1975 was accepted)."""
    if key != IDENTITY_SECTION or not isinstance(data, dict):
        return
    for field, label in CHECKED.items():
        stated, registered = data.get(field), actor.get(field)
        if stated and registered and stated != registered:
            raise Invalid("identity_mismatch", f"「{label}」与注册的身份证号不符（身份证号所载为 {registered}）",
                          field=field, params={"label": label, "registered": registered})


def save_section(session, actor, application_id, key, data):
    moment = now()
    app = own(session, actor, application_id, lock=True)
    _writable(app, moment)
    if app.status not in rules.EDITABLE:
        raise Conflict("not_editable", "申请书已提交，只有草稿或被退回的申请书可以修改")
    section = template_store.section_of(app.template, key)
    if section is None:
        raise NotFound("section_not_found", "申请书模板中没有该栏目")
    cleaned = validation.check_section(section, data)
    check_identity(actor, key, cleaned)
    app.sections = {**(app.sections or {}), key: cleaned}  # a new dict: JSON columns track assignment
    app.needs_review = [k for k in (app.needs_review or []) if k != key]
    app.version += 1
    app.updated_at = moment
    session.commit()
    return view(session, app, moment)


def change_qualification(session, organizations, actor, application_id, qualification_id, idempotency_key=None):
    """更改资格: whenever the application is not submitted (草稿, after 收回 or a
    return too — the guide: 申报材料未提交状态下). Sections whose key the new template
    also has are carried over; the new template's other sections, and carried ones
    that no longer fit, are flagged ``needs_review`` for the applicant."""
    moment = now()
    key = idempotency.check_key(idempotency_key)
    answered = _answered(session, actor, key, "change_qualification", application_id)
    if answered is not None:
        return answered
    app = own(session, actor, application_id)
    # Ask accounts before locking the row: a worker must not wait on another
    # service while holding a lock its siblings in this process may be queued on.
    unit = organizations([app.unit_id]).get(app.unit_id) or {"id": app.unit_id, "region_code": None}
    session.rollback()
    app = own(session, actor, application_id, lock=True)
    answered = _answered(session, actor, key, "change_qualification", application_id)
    if answered is not None:  # a twin with this key changed it while we waited for the lock
        session.rollback()
        return answered
    _writable(app, moment)
    if not rules.can_change_qualification(app.status):
        raise Conflict("already_submitted", "申请书已提交，收回或被退回后才能更改资格")
    if qualification_id == app.qualification_id:
        return view(session, app, moment)
    qualification, template = _qualification_for(session, qualification_id, unit, app.year,
                                                  kinds.get(app.kind) or _kind({}))
    carried, flagged = {}, []
    for section in template["sections"]:
        key = section["key"]
        if key not in (app.sections or {}):
            flagged.append(key)
            continue
        try:
            carried[key] = validation.check_section(section, app.sections[key])
        except Invalid:
            flagged.append(key)
            continue
        if key in (app.needs_review or []):
            flagged.append(key)
    old_title = session.get(Qualification, app.qualification_id).title
    app.qualification_id = qualification.id
    app.title_key = rules.title_key(qualification.series, qualification.specialty, qualification.level)
    app.committee_id = qualification.committee_id
    app.template, app.template_version = template, template["version"]
    app.sections, app.needs_review = carried, flagged
    app.version += 1
    app.updated_at = moment
    session.add(Transition(application_id=app.id, action="change_qualification", from_status=app.status,
                           to_status=app.status, opinion=f"{old_title} → {qualification.title}",
                           **_by_columns(status.applicant_by(actor)), at=moment))
    return _commit_answer(session, actor, key, "change_qualification", app, moment, conflict=_duplicate)


def _answered(session, actor, key, operation, application_id):
    """The answer stored for this key (a retry), or None; Invalid when the key
    was used for another operation or application."""
    row = idempotency.recall(session, IdempotencyKey, actor.get("id"), key, operation, application_id)
    return None if row is None else row.response


def _commit_answer(session, actor, key, operation, app, moment, conflict=None):
    """Commit the change with the answer stored under the key; the answer. A
    unique-constraint failure is the key used at once for another application
    (refused as reused), else ``conflict()`` when given."""
    try:
        session.flush()  # the change first: its own constraints fail here, not inside the view
        answer = view(session, app, moment)
        idempotency.remember(session, IdempotencyKey, actor.get("id"), key, operation, app.id, response=answer)
        session.commit()
    except IntegrityError:
        session.rollback()
        answered = _answered(session, actor, key, operation, app.id)
        if answered is not None:
            return answered
        if conflict is None:
            raise
        raise conflict() from None
    return answer


def _by_columns(by):
    return {"by_user_id": by["user_id"], "by_name": by["name"], "org_id": by["org_id"],
            "org_name": by["org_name"], "node": by["node"], "impersonated_by": by["impersonated_by"]}


def _check_submittable(session, app, moment):
    """Status, year, window and limit — refused in that order."""
    _writable(app, moment)
    if app.status not in rules.EDITABLE:
        raise Conflict("not_editable", "申请书已提交，不能重复提交")
    settings = session.get(CommitteeSettings, app.committee_id)
    # the specialty's own window where the committee set one (每个专业的申报时间)
    specialty = app.title_key.split("|")[1] if app.title_key and app.title_key.count("|") == 2 else None
    applies = catalog.windows(settings, specialty)
    state = rules.window_state(applies["submit_opens_at"], applies["submit_closes_at"], moment)
    if state != "open":
        reason = {"unset": "评审委员会尚未设置提交时间", "not_yet": "提交尚未开始",
                  "closed": "提交已截止"}[state]
        raise Conflict("window_closed", f"不在提交时间内：{reason}")
    if app.submissions_used >= settings.max_submissions:
        raise Conflict("submission_limit",
                       f"提交次数已用完（评审委员会规定最多 {settings.max_submissions} 次），本年度不能再提交")
    return settings


def counts_by_section(attachments):
    """documents' attachment list → {section: n}, what the completeness check reads."""
    counts = {}
    for item in attachments:
        counts[item["section"]] = counts.get(item["section"], 0) + 1
    return counts


def submit(session, actor, application_id, count_attachments, idempotency_key=None, listed=None):
    """Submit (or resubmit after a return). Every submit counts. The count is
    raised by a conditional UPDATE on the locked row, so racing submits cannot
    both pass the limit. An application that does not meet its conditions
    (eligibility.py) is refused naming the first failing one, unless the committee
    allowed an exception. ``listed()``: the attachments the count came from, kept
    with the snapshot of the sections this submit makes."""
    moment = now()
    key = idempotency.check_key(idempotency_key)
    # documents' list (and its check of each file in the store) first, before this
    # service reads anything: no transaction of ours stays open across the call, and
    # the application is read once, locked, where every check is decisive. A caller
    # who does not own the application learns nothing from the list: own() refuses
    # first, and documents' refusal (a damaged file, named) waits for the status and
    # window checks, as when it was asked after them.
    try:
        counts, refused = count_attachments(application_id) or {}, None
    except DomainError as exc:
        counts, refused = {}, exc
    app = own(session, actor, application_id, lock=True)
    answered = _answered(session, actor, key, "submit", application_id)
    if answered is not None:  # a retry, or a twin with this key that submitted first
        session.rollback()
        return answered
    settings = _check_submittable(session, app, moment)
    if refused is not None:
        session.rollback()
        raise refused
    try:  # saved before the registration could be compared, or the number was corrected since
        check_identity(actor, IDENTITY_SECTION, (app.sections or {}).get(IDENTITY_SECTION))
    except Invalid:
        session.rollback()
        raise
    missing = validation.missing_items(app.template, app.sections or {}, counts, app.needs_review or [])
    if missing:
        session.rollback()
        raise Invalid("incomplete_application", "申请书尚未填写完整或附件不足，不能提交", missing=missing)
    checked = checklist(session, app, counts, moment)
    if not checked["may_submit"]:
        session.rollback()
        failed = eligibility.failing(checked)
        first = failed[0]
        raise Invalid("not_eligible", f"不符合申报条件「{first['label']}」：{first['reason']}",
                      condition=first["key"],
                      failed=[{"key": i["key"], "label": i["label"], "reason": i["reason"]} for i in failed])
    # On PostgreSQL the row is ours since own(lock=True) and the checks above read it
    # afresh, so they are decisive. SQLite locks no row: there the conditional UPDATE
    # is the claim, and of racing submits only one passes it.
    claimed = 1 if session.get_bind().dialect.name == "postgresql" else session.execute(
        update(Application)
        .where(Application.id == app.id, Application.status.in_(rules.EDITABLE),
               Application.submissions_used < settings.max_submissions,
               Application.version == app.version)
        .values(version=Application.version)  # touches the row: the claim itself
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.rollback()
        raise Conflict("submission_limit", "提交次数已用完或申请书已提交")
    status.apply(session, app, "submit", status.applicant_by(actor))
    items = (listed() if listed else None) or []
    session.add(SubmissionSnapshot(
        application_id=app.id, submission_no=app.submissions_used, sections=dict(app.sections or {}),
        attachments=[{k: item.get(k) for k in ("id", "name", "section", "sha256")} for item in items], at=moment))
    return _commit_answer(session, actor, key, "submit", app, moment)


def withdraw(session, actor, application_id, claim_withdraw, idempotency_key=None):
    """收回: only while the base unit has not acted — review decides that, and
    closes the unit's task of this submission atomically, before the status goes
    back to draft. The withdraw itself is claimed like a submit: on the locked row,
    by a conditional UPDATE naming the submission it withdraws, so of racing
    withdraws one wins, and none can withdraw a later submission than the one
    review closed."""
    moment = now()
    key = idempotency.check_key(idempotency_key)
    answered = _answered(session, actor, key, "withdraw", application_id)
    if answered is not None:
        return answered
    app = own(session, actor, application_id)
    _writable(app, moment)
    if not vocabulary.STATUSES[app.status]["withdrawable"]:
        raise Conflict("cannot_withdraw", "只有已提交、基层单位尚未审核的申请书可以收回")
    submission_no = app.submissions_used
    session.rollback()
    # Review closes the unit's task of this submission (or refuses: cannot_withdraw).
    # The submission number lets it refuse or pre-empt a submission it has not seen yet.
    claim_withdraw(app.id, submission_no=submission_no)
    app = own(session, actor, application_id, lock=True)
    answered = _answered(session, actor, key, "withdraw", application_id)
    if answered is not None:  # a twin with this key withdrew while we waited for the lock
        session.rollback()
        return answered
    claimed = session.execute(
        update(Application)
        .where(Application.id == app.id, Application.status.in_(vocabulary.keys_where("withdrawable")),
               Application.submissions_used == submission_no)
        .values(version=Application.version)  # touches the row: the claim itself
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.rollback()
        raise Conflict("cannot_withdraw", "申请书状态已变化，不能收回")
    status.apply(session, app, "withdraw", status.applicant_by(actor))
    return _commit_answer(session, actor, key, "withdraw", app, moment)


def delete(session, actor, application_id):
    """删除: a draft never submitted disappears with its history; anything once
    submitted stays (its route, opinions and submission count are on record).
    ``application_deleted`` tells documents to drop its files."""
    moment = now()
    app = own(session, actor, application_id, lock=True)
    _writable(app, moment)
    if not rules.can_delete(app.status, app.submissions_used):
        session.rollback()
        raise Conflict("already_submitted", "申请书已提交过，不能删除")
    payload = status.event_payload(app)
    session.execute(sa_delete(Transition).where(Transition.application_id == app.id))
    session.delete(app)
    add_event(session, OutboxEvent, "application_deleted", payload)
    session.commit()
    return {"id": application_id, "deleted": True}


def record_paper(session, actor, application_id, received):
    """纸质材料报送: the committee the application belongs to records that its paper
    material arrived (or undoes a mistaken record). Another committee, or anyone
    else, is told the application does not exist."""
    if (actor or {}).get("role") != "committee_staff" or not actor.get("org_id"):
        raise Forbidden("forbidden", "只有评审委员会工作人员可以登记纸质材料")
    if not isinstance(received, bool):
        raise Invalid("invalid_field", "received 应为 true 或 false", field="received")
    app = status.locked(session, application_id) if isinstance(application_id, str) else None
    if app is None or app.committee_id != actor["org_id"]:
        session.rollback()
        raise NotFound("application_not_found", "申请书不存在")
    if received and not rules.paper_receivable(app.status):
        session.rollback()
        raise Conflict("not_submitted", "申请书尚未提交，不能登记纸质材料")
    moment = now()
    if received and app.paper_received_at is None:
        app.paper_received_at = moment
        app.paper_received_by = {"id": actor["id"], "name": actor.get("name") or "", "org_id": actor["org_id"]}
    elif not received:
        app.paper_received_at, app.paper_received_by = None, None
    app.updated_at = moment
    session.commit()
    return view(session, app, moment)


UNIT_PAGE_MAX = 100


def unit_list(session, actor, status=None, year=None, name=None, number=None, page=1, page_size=20):
    """申请书查询 at the base unit: every application of its applicants, drafts
    included, as the guide says (各个状态的材料都在列表中); only those it has
    received (``reached``) can be opened."""
    if (actor or {}).get("role") != "unit_admin" or not actor.get("org_id"):
        raise Forbidden("forbidden", "只有基层单位管理员可以查询本单位的申请书")
    try:
        page = min(max(int(page or 1), 1), 100000)
        page_size = min(max(int(page_size or 20), 1), UNIT_PAGE_MAX)
    except (TypeError, ValueError):
        page, page_size = 1, 20
    where = [Application.unit_id == actor["org_id"]]
    if status:
        if status not in vocabulary.STATUSES:
            raise Invalid("invalid_field", "状态不存在", field="status")
        where.append(Application.status == status)
    if year:
        where.append(Application.year == int(year))
    if name:
        where.append(Application.applicant_name.contains(str(name).strip()))
    if number:
        where.append(Application.number == str(number).strip())
    total = session.scalar(select(func.count()).select_from(Application).where(*where))
    rows = session.scalars(select(Application).where(*where)
                           .order_by(Application.updated_at.desc(), Application.id)
                           .limit(page_size).offset((page - 1) * page_size)).all()
    items = []
    for app in rows:
        qualification = catalog.shown_qualification(session, app.qualification_id)
        items.append({
            "application_id": app.id, "number": app.number, "year": app.year, "status": app.status,
            # the kind, and the status as the kind words it (every row read 评审 without it)
            "kind": kinds.ref(app.kind), "status_info": vocabulary.status_info(app.status, app.kind),
            "applicant": {"id": app.applicant_id, "name": app.applicant_name},
            "unit": {"id": app.unit_id, "name": app.unit_name},
            "qualification": {"title": qualification.title, "level": qualification.level,
                              "region_code": qualification.region_code},
            "committee": {"id": app.committee_id, "name": qualification.committee_name},
            "submissions_used": app.submissions_used,
            # the unit has received it once submitted (review's visit): only then can it open it
            "reached": app.submissions_used > 0, "updated_at": iso(app.updated_at)})
    return {"items": items, "total": total, "total_is_lower_bound": False, "page": page, "page_size": page_size}


REPORT_TEXT_MAX = 500


def report_route_step(session, actor, application_id, data):
    """如果此步骤有错，请单击这里: the applicant says a step of the route is wrong (the
    wrong department, say). The platform administrators and the base unit are told
    (accounts' notifications, from the outbox); nothing about the route changes."""
    app = own(session, actor, application_id)
    data = data if isinstance(data, dict) else {}
    place = data.get("place")
    if place not in vocabulary.NODE_LABELS or place in ("applicant", "passed"):
        raise Invalid("invalid_field", "请选择有误的审核节点", field="place")
    step_name = data.get("name") if isinstance(data.get("name"), str) else ""
    step_name = step_name.strip()[:200]
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise Invalid("invalid_field", "请说明此步骤哪里有误", field="text")
    text = text.strip()
    if len(text) > REPORT_TEXT_MAX:
        raise Invalid("invalid_field", f"说明不能超过 {REPORT_TEXT_MAX} 字", field="text")
    label = vocabulary.node_label(place)
    where = f"{label}「{step_name}」" if step_name else label
    add_event(session, OutboxEvent, "notice_requested", {
        "user_ids": [], "org_ids": [app.unit_id], "roles": ["platform_admin"], "kind": "route_report",
        "subject": f"审核流程有误：申请书 {app.number}",
        "body": f"申请人{app.applicant_name}报告申请书 {app.number} 的审核节点{where}有误：{text}"})
    session.commit()
    return {"application_id": app.id, "reported": True, "place": place, "label": label}


def get_internal(session, application_id):
    app = session.get(Application, application_id)
    if app is None:
        raise NotFound("application_not_found", "申请书不存在")
    return view(session, app)


# -- 申报条件自查 (eligibility) ------------------------------------------------------------

def _exception_dict(row):
    return None if row is None else {"reason": row.reason, "by": {"user_id": row.by_user_id, "name": row.by_name,
                                                                  "org_id": row.org_id}, "at": iso(row.at)}


def checklist(session, app, attachment_counts, moment=None):
    """The application's checklist, from its own sections, its applicant's
    继续教育 records and the attachment counts given."""
    qualification = catalog.shown_qualification(session, app.qualification_id)
    ce = session.execute(select(ContinuingEducation.year, ContinuingEducation.course, ContinuingEducation.hours)
                         .where(ContinuingEducation.applicant_id == app.applicant_id)).all()
    exception = _exception_dict(session.get(EligibilityException, app.id))
    facts = {"series": qualification.series, "level": qualification.level,
             "region_code": qualification.region_code}
    today = (moment or now()).astimezone(eligibility.PLATFORM_TZ).date()
    return {"application_id": app.id,
            **eligibility.checklist(facts, app.kind, app.sections, [tuple(r) for r in ce],
                                    attachment_counts, app.year, exception=exception, today=today)}


def for_committee(session, actor, number):
    """An application of the caller's committee found by its number, with its
    checklist (attachment counts as stored at the last look: none asked here), so
    the committee can weigh an exception before the application was ever submitted."""
    if actor.get("role") != "committee_staff":
        raise Forbidden("forbidden", "只有评审委员会可以查看")
    app = session.scalars(select(Application).where(Application.number == number)).first() \
        if isinstance(number, str) else None
    if app is None or app.committee_id != actor.get("org_id"):
        raise NotFound("application_not_found", "本评审委员会没有该编号的申请书")
    return app


def allow_exception(session, actor, application_id, reason):
    """破格: the committee the application goes to allows it to be submitted
    although it does not meet the listed conditions; the reason is required and
    recorded (also in the history). Anyone else: the application does not exist."""
    if actor.get("role") != "committee_staff":
        raise Forbidden("forbidden", "只有评审委员会可以批准破格申报")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 2000:
        raise Invalid("invalid_field", "请填写破格理由（不超过 2000 字）", field="reason")
    app = session.scalars(select(Application).where(Application.id == application_id)
                          .with_for_update()).first() if isinstance(application_id, str) else None
    if app is None or app.committee_id != actor.get("org_id"):
        raise NotFound("application_not_found", "申请书不存在")
    moment = now()
    row = session.get(EligibilityException, app.id) or EligibilityException(application_id=app.id)
    row.reason, row.at = reason.strip(), moment
    row.by_user_id, row.by_name, row.org_id = actor["id"], actor.get("name") or actor.get("username") or "", \
        actor["org_id"]
    session.add(row)
    session.add(Transition(application_id=app.id, action="eligibility_exception", from_status=app.status,
                           to_status=app.status, opinion=f"破格申报：{row.reason}", by_user_id=actor["id"],
                           by_name=row.by_name, org_id=actor["org_id"], org_name=None, node="committee",
                           impersonated_by=actor.get("impersonated_by"), at=moment))
    session.commit()
    return _exception_dict(row)


# -- what changed since a return -------------------------------------------------------------

def _rows_key(row):
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


def section_diff(template, before, after):
    """Per section: fields changed (old → new), table rows added and removed."""
    out = []
    titles = {s["key"]: s for s in template["sections"]}
    keys = list(titles) + sorted(k for k in set(before) | set(after) if k not in titles)
    for key in keys:
        old, new = before.get(key) or {}, after.get(key) or {}
        if old == new:
            continue
        section = titles.get(key) or {"title": key, "fields": []}
        labels = {f["key"]: f for f in section["fields"]}
        fields, rows_added, rows_removed = [], [], []
        for name in list(labels) + sorted(k for k in set(old) | set(new) if k not in labels):
            a, b = old.get(name), new.get(name)
            if a == b:
                continue
            field = labels.get(name) or {"label": name, "type": "text"}
            if field.get("type") == "table" or isinstance(a, list) or isinstance(b, list):
                a_rows, b_rows = list(a or []), list(b or [])
                a_keys, b_keys = [_rows_key(r) for r in a_rows], [_rows_key(r) for r in b_rows]
                rows_added += [{"field": name, "label": field["label"], "row": r}
                               for r, k in zip(b_rows, b_keys) if k not in a_keys]
                rows_removed += [{"field": name, "label": field["label"], "row": r}
                                 for r, k in zip(a_rows, a_keys) if k not in b_keys]
            else:
                fields.append({"field": name, "label": field["label"], "before": a, "after": b})
        out.append({"section": key, "title": section["title"], "fields": fields,
                    "rows_added": rows_added, "rows_removed": rows_removed})
    return out


def attachment_diff(before, after):
    def keyed(items):
        return {(i.get("sha256") or i.get("id")): i for i in items}
    old, new = keyed(before), keyed(after)
    return {"added": [new[k] for k in new if k not in old], "removed": [old[k] for k in old if k not in new]}


def changes(session, app, current_attachments=None):
    """What changed between the version last returned (or withdrawn) and the one
    after it: the latest submission against the one before; while the applicant
    is editing (draft or returned), the sections now against the last submission."""
    snapshots = session.scalars(select(SubmissionSnapshot).where(SubmissionSnapshot.application_id == app.id)
                                .order_by(SubmissionSnapshot.submission_no)).all()
    editing = app.status in rules.EDITABLE
    if editing:
        if not snapshots:
            return {"application_id": app.id, "from_submission": None, "to_submission": None, "sections": [],
                    "attachments": {"added": [], "removed": []}, "changed_sections": []}
        base = snapshots[-1]
        after_sections = dict(app.sections or {})
        after_files = current_attachments if current_attachments is not None else base.attachments
        to_no = None
    else:
        if len(snapshots) < 2:
            return {"application_id": app.id, "from_submission": None,
                    "to_submission": snapshots[-1].submission_no if snapshots else None, "sections": [],
                    "attachments": {"added": [], "removed": []}, "changed_sections": []}
        base, latest = snapshots[-2], snapshots[-1]
        after_sections, after_files, to_no = latest.sections, latest.attachments, latest.submission_no
    after_files = [{k: i.get(k) for k in ("id", "name", "section", "sha256")} for i in after_files]
    sections = section_diff(app.template, base.sections or {}, after_sections)
    files = attachment_diff(base.attachments or [], after_files)
    changed = sorted({s["section"] for s in sections} | {f["section"] for f in files["added"] + files["removed"]})
    return {"application_id": app.id, "from_submission": base.submission_no, "to_submission": to_no,
            "from_at": iso(base.at), "sections": sections, "attachments": files, "changed_sections": changed}
