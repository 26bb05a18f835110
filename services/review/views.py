"""What reviewers and applicants read: the route with its contacts, comments and
opinions (``review_view``), the task list (申请书审核), the query (申请书查询) and the
detail (办理)."""
from sqlalchemy import func, select

from services.review import routing, rules, search
from services.review.decisions import WAITING, case_for, comment_view, mark_opened, require_reached, waiting_task
from services.review.models import Comment, ReviewCase, Task, Visit
from zc_common.clock import iso, now
from zc_common.errors import Conflict

MAX_PAGE = 100000
MAX_PAGE_SIZE = 100
COUNT_CAP = 1000


def review_view(deps, application):
    """{route, comments, opinions} for the application dict applications holds."""
    session = deps.session
    application_id = application["id"]
    case = case_for(session, application_id)
    # An application review has never met (a draft not yet submitted: most reads on
    # a deadline day) has no tasks or comments to look for.
    tasks = all_tasks(session, application_id) if case is not None else []
    comments = session.scalars(select(Comment).where(Comment.application_id == application_id)
                               .order_by(Comment.round, Comment.at)).all() if case is not None else []
    route = build_route(deps, application, case, deps.orgs, tasks)
    labels = application["status_info"].get("node_labels") or {}
    return {"route": route, "status_info": named_at_node(application["status_info"], route),
            "comments": [comment_view(c) for c in comments],
            "opinions": opinions_of(tasks, route, labels),
            "can_withdraw": can_withdraw(application, case, tasks, comments)}


def can_withdraw(application, case, tasks, comments):
    """收回 can work: submitted, and the base unit has neither decided, opened the
    task (办理) nor commented on this submission (claim_withdraw's own test)."""
    if not application["status_info"].get("withdrawable"):
        return False
    if case is None or (application.get("submissions_used") or 0) > (case.round or 0):
        return True  # the submission has not reached review yet: nobody can have acted
    unit_task = next((t for t in tasks if t.round == case.round and t.position == 1), None)
    return rules.unit_untouched(unit_task, [c for c in comments if c.round == case.round])


def named_at_node(status_info, route):
    """The status as the guides show it while in review: named after the node that
    holds the application (申请人提交到基层工作单位 …). The names are applications'
    (``names_at_node``); which node is current is the route's, that is review's."""
    current = next((step.get("place", step["node"]) for step in route if step["state"] == "current"), None)
    if current is None and status_info["in_review"]:
        # Submitted, and review has not opened the unit's task yet: it is on its way there.
        current = next((step.get("place", step["node"]) for step in route if step["state"] == "pending"), None)
    name = (status_info.get("names_at_node") or {}).get(current)
    return {**status_info, "name": name} if name else status_info


def all_tasks(session, application_id):
    """Every task of the application, by round and position: one query serves the
    route (the current round's) and the opinions (every done one)."""
    return session.scalars(select(Task).where(Task.application_id == application_id)
                           .order_by(Task.round, Task.position)).all()


def opinions_of(tasks, route=(), labels=None):
    """Done tasks' opinions, each labelled as its node is on the route (a department
    no longer on it: the generic department label)."""
    labels = labels or {}
    places = {(step["node"], step.get("org_id")): step["place"] for step in route}
    acted = [t for t in tasks if t.state == "done"]
    out = []
    for t in acted:
        place = places.get((t.node, t.org_id)) or t.node
        out.append({"node": t.node, "place": place, "label": labels.get(place) or labels.get(t.node) or "",
                    "org_id": t.org_id, "by_org": t.org_name, "action": t.action, "text": t.opinion,
                    "round": t.round, "at": iso(t.acted_at)})
    return out


def build_route(deps, application, case, orgs, tasks):
    status = application["status_info"]
    unit_id = (application.get("unit") or {}).get("id")
    committee_id = (application.get("committee") or {}).get("id")
    applicant = application.get("applicant") or {}
    current_round = case.round if case is not None else 0
    tasks = [t for t in tasks
             if current_round and t.round == current_round and t.state not in ("withdrawn", "cancelled")]
    in_review = bool(tasks) and not status["editable"]
    receiving = None

    def receiving_ids():
        nonlocal receiving
        if receiving is None:
            receiving = (deps.settings(committee_id)).get(
                "receiving_department_ids") or []
        return receiving

    steps = []  # (node, org_id, state)
    if in_review:
        for task in tasks:
            steps.append((task.node, task.org_id, "done" if task.state == "done" else "current"))
        last = tasks[-1]
        if last.state in WAITING:
            unit = orgs.get(unit_id) if last.node == "unit" else None
            planned = routing.planned_recommending_unit(unit) if unit else None
            for node, org_id in routing.planned_tail(last.node, last.org_id, receiving_ids(), orgs, planned):
                steps.append((node, org_id, "pending"))
            if last.node != "committee":
                steps.append(("committee", committee_id, "pending"))
        elif not status["formal"] and last.node != "committee":
            steps.append(("committee", committee_id, "pending"))
        first = "done"
    else:
        unit = orgs.get(unit_id)
        steps.append(("unit", unit_id, "pending"))
        planned = routing.planned_recommending_unit(unit, case.recommending_unit_id if case else None)
        for node, org_id in routing.planned_tail("unit", unit_id, receiving_ids(), orgs, planned):
            steps.append((node, org_id, "pending"))
        steps.append(("committee", committee_id, "pending"))
        first = "current" if status["editable"] else "done"
    known = orgs.get_many([org_id for _, org_id, _ in steps])
    labels = status.get("node_labels") or {}
    route = [{"node": "applicant", "place": "applicant", "label": labels.get("applicant", ""), "org_id": None,
              "user_id": applicant.get("id"), "name": applicant.get("name") or "",
              "contact": {"person": applicant.get("name"), "phone": None}, "state": first}]
    places = routing.places([node for node, _, _ in steps])
    for (node, org_id, state), place in zip(steps, places):
        route.append(routing.route_node(node, org_id, state, known.get(org_id), place=place,
                                        label=labels.get(place) or labels.get(node) or ""))
    return route


def page_args(page, page_size):
    # Capped: an offset past PostgreSQL's bigint fails the query instead of finding nothing.
    try:
        page = min(max(int(page or 1), 1), MAX_PAGE)
        page_size = min(max(int(page_size or 20), 1), MAX_PAGE_SIZE)
    except (TypeError, ValueError):
        page, page_size = 1, 20
    return page, page_size


def place_finder(deps):
    """``place(node, org_id, committee_id)``: the place on the route of the node
    holding a task — a department by how far below the committee's receiving
    department it sits (routing.places' words), other nodes are their own. The
    lists name a submitted application after it (申请人提交到基层工作单位 …), as
    the application's own page does. Memoised for the call; a broken chain: the
    generic ``department``."""
    known = {}

    def place(node, org_id, committee_id):
        if node != "department":
            return node
        if (org_id, committee_id) not in known:
            receiving = deps.settings(committee_id).get("receiving_department_ids") or []
            try:
                chain = routing.department_chain(org_id, receiving, deps.orgs)
                known[org_id, committee_id] = routing.DEPARTMENT_PLACES[max(0, 3 - len(chain))]
            except Conflict:
                known[org_id, committee_id] = "department"
        return known[org_id, committee_id]
    return place


def task_list(session, actor, page=1, page_size=20, place_of=None):
    """Waiting at the caller's organisation, oldest first, overdue flagged. The
    partial index on (org_id, arrived_at, id) WHERE state IN waiting serves the
    count and the page: the page's ids are found (past the offset) in the index
    alone, and only those 20 rows are read and joined. ``place_of``
    (place_finder): each row says the place of the node holding it."""
    page, page_size = page_args(page, page_size)
    org_id = actor.get("org_id")
    waiting = (Task.org_id == org_id, Task.state.in_(WAITING))
    total, more = capped_count(session, select(Task.id).where(*waiting))
    ids = (select(Task.id).where(*waiting).order_by(Task.arrived_at, Task.id)
           .limit(page_size).offset((page - 1) * page_size).subquery())
    rows = session.execute(
        select(Task, ReviewCase).join(ids, ids.c.id == Task.id)
        .join(ReviewCase, ReviewCase.application_id == Task.application_id)
        .order_by(Task.arrived_at, Task.id)).all()
    moment = now()
    items = [{**case_row(case), "task_id": task.id, "node": task.node, "round": task.round,
              "state": task.state, "arrived_at": iso(task.arrived_at), "due_at": iso(task.due_at),
              "overdue": rules.is_overdue(task.due_at, moment),
              **({"place": place_of(task.node, task.org_id, case.committee_id)} if place_of else {})}
             for task, case in rows]
    return {"items": items, "total": total, "total_is_lower_bound": more, "page": page, "page_size": page_size}


def case_row(case):
    return {"application_id": case.application_id, "number": case.number, "year": case.year,
            "status": case.status, "applicant": {"id": case.applicant_id, "name": case.applicant_name},
            "unit": {"id": case.unit_id, "name": case.unit_name},
            "committee": {"id": case.committee_id, "name": case.committee_name},
            "qualification": {"title": case.title, "level": case.level},
            "kind": case.kind or {"key": "review", "name": "评审", "fee": True, "meeting": True,
                                  "conclusion": "meeting"}}


def query(session, actor, status=None, year=None, name=None, number=None, page=1, page_size=20,
          place_of=None):
    """Everything that has reached the caller's organisation, newest arrival first.
    Organisation, status and year are on the visit row, each combination served by
    an index that also gives the order, read without the table; only the page is
    joined to its rows. Name and number filter on the case (search.py: the name's
    index on PostgreSQL)."""
    page, page_size = page_args(page, page_size)
    wanted = search.filters(status, year, name, number)
    on_visit = [Visit.org_id == actor.get("org_id")]
    if wanted["status"]:
        on_visit.append(Visit.status == wanted["status"])
    if wanted["year"]:
        on_visit.append(Visit.year == wanted["year"])
    on_case = []
    if wanted["name"]:
        on_case.extend(search.name_conditions(session.get_bind().dialect.name, wanted["name"]))
    if wanted["number"]:
        on_case.append(ReviewCase.number == wanted["number"])
    keys = select(Visit.org_id, Visit.application_id, Visit.first_arrived_at).where(*on_visit)
    if on_case:
        keys = keys.join(ReviewCase, ReviewCase.application_id == Visit.application_id).where(*on_case)
    rows, total, more = visits_page(session, keys, page, page_size, once=bool(on_case))
    items = [{**case_row(case), "reached_at": iso(visit.first_arrived_at)} for visit, case in rows]
    if place_of is not None:
        holders = waiting_places(session, [case for _, case in rows], place_of)
        for item in items:
            if item["application_id"] in holders:
                item["place"] = holders[item["application_id"]]
    return {"items": items, "total": total, "total_is_lower_bound": more, "page": page, "page_size": page_size}


def waiting_places(session, cases, place_of):
    """{application_id: place of the node holding it} for the submitted ones among
    ``cases`` (one query for the page's waiting tasks)."""
    submitted = {case.application_id: case for case in cases if case.status == "submitted"}
    if not submitted:
        return {}
    waiting = session.execute(select(Task.application_id, Task.node, Task.org_id)
                              .where(Task.application_id.in_(list(submitted)), Task.state.in_(WAITING))).all()
    return {app_id: place_of(node, org_id, submitted[app_id].committee_id) for app_id, node, org_id in waiting}


def unit_places(session, actor, application_ids, place_of):
    """waiting_places for the caller's own unit's applications among the ids."""
    ids = [i for i in (application_ids or [])[:MAX_PAGE_SIZE] if isinstance(i, str)]
    if not ids:
        return {}
    cases = session.scalars(select(ReviewCase).where(ReviewCase.application_id.in_(ids),
                                                     ReviewCase.unit_id == actor.get("org_id"))).all()
    return waiting_places(session, cases, place_of)


def visits_page(session, keys, page, page_size, once):
    """(visit, case) rows of one page of ``keys`` (org_id, application_id,
    first_arrived_at), newest first, and the capped count. ``once`` (filters on the
    case, whose candidates cost a lookup each): a page within the first COUNT_CAP
    matches is cut from them in the statement that counts them, so the candidates
    are found once. Otherwise the count and the page each read the index alone,
    cheaper than numbering COUNT_CAP rows in a window."""
    offset = (page - 1) * page_size
    ordered = keys.order_by(Visit.first_arrived_at.desc(), Visit.application_id.desc())
    within = once and offset + page_size <= COUNT_CAP
    if within:
        capped = ordered.limit(COUNT_CAP + 1).subquery()
        page_keys = (select(capped.c.org_id, capped.c.application_id, func.count().over().label("matched"))
                     .order_by(capped.c.first_arrived_at.desc(), capped.c.application_id.desc())
                     .limit(page_size).offset(offset).subquery())
        counted = [page_keys.c.matched]
    else:   # deeper than the cap: the page is found past the offset, the count is "the cap or more"
        page_keys = ordered.limit(page_size).offset(offset).subquery()
        counted = []
    found = session.execute(
        select(Visit, ReviewCase, *counted)
        .join(page_keys, (page_keys.c.org_id == Visit.org_id) & (page_keys.c.application_id == Visit.application_id))
        .join(ReviewCase, ReviewCase.application_id == Visit.application_id)
        .order_by(Visit.first_arrived_at.desc(), Visit.application_id.desc())).all()
    if found and within:
        matched = found[0].matched
        total, more = min(matched, COUNT_CAP), matched > COUNT_CAP
    elif within and offset == 0:
        total, more = 0, False
    else:
        total, more = capped_count(session, keys)
    return [(row[0], row[1]) for row in found], total, more


def capped_count(session, ids):
    """Counting 60,000 waiting rows costs more than the page itself: count up to
    COUNT_CAP (an index-only scan that stops) and say when there are more. 1,000
    (fifty pages): counting 10,000 took about as long as the rest of the request."""
    n = session.scalar(select(func.count()).select_from(ids.limit(COUNT_CAP + 1).subquery()))
    return min(n, COUNT_CAP), n > COUNT_CAP


def detail(deps, actor, application_id):
    """办理: the application (all sections), its attachments, route, comments, opinions
    and history — only for an organisation it has reached."""
    session = deps.session
    require_reached(session, actor, application_id)
    application = deps.applications.get_application_internal(application_id)
    attachments = deps.documents.list_attachments(application_id) if deps.documents is not None else []
    task = waiting_task(session, application_id)
    mine = task is not None and task.org_id == actor.get("org_id")
    if mine and task.node == "unit":
        mark_opened(session, task)  # the unit opened it (办理): 收回 no longer works
    view = review_view(deps, application)
    return {**application, **view, "attachments": attachments,
            "task": ({"id": task.id, "node": task.node, "state": task.state, "arrived_at": iso(task.arrived_at),
                      "due_at": iso(task.due_at), "overdue": rules.is_overdue(task.due_at, now())}
                     if mine else None),
            "can_act": bool(mine and task.state == "open")}
