"""What crosses RPC: plain dicts built from the models, times as ISO 8601 with
the platform offset (``zc_common.clock.iso``)."""
from services.applications import kinds, rules, vocabulary
from zc_common.clock import iso


def qualification_dict(q):
    return {
        "id": q.id, "region_code": q.region_code, "series": q.series, "specialty": q.specialty,
        "level": q.level, "title": q.title,
        "committee": {"id": q.committee_id, "name": q.committee_name},
        "conditions": q.conditions or "",
        "kinds": list(q.kinds or ["review"]),
        **directed_fields(q),
    }


def directed_fields(q):
    """南疆四地州 定向评价、定向使用, as the qualification and the certificate say it."""
    directed = bool(getattr(q, "directed", False))
    return {"directed": directed, "directed_note": rules.DIRECTED_NOTE if directed else None}


def settings_dict(s):
    return {
        "committee_id": s.committee_id,
        "submit_opens_at": iso(s.submit_opens_at),
        "submit_closes_at": iso(s.submit_closes_at),
        "max_submissions": s.max_submissions,
        "fee_fen": s.fee_fen,
        "receiving_department_ids": list(s.receiving_department_ids or []),
        "meeting_quorum": s.meeting_quorum,
        "publicity_min_days": s.publicity_min_days,
        "node_days": dict(s.node_days or {}),
        "receive_opens_at": iso(s.receive_opens_at),
        "receive_closes_at": iso(s.receive_closes_at),
        "specialty_windows": dict(s.specialty_windows or {}),
    }


def transition_dict(t):
    return {
        "action": t.action, "from": t.from_status, "to": t.to_status, "opinion": t.opinion,
        "by": {"user_id": t.by_user_id, "name": t.by_name, "org_id": t.org_id,
               "org_name": t.org_name, "node": t.node},
        "impersonated_by": t.impersonated_by, "at": iso(t.at), "request_id": t.request_id,
    }


def application_dict(app, qualification, settings, history, moment, windows=None):
    """The API.md application object's own fields (route, attachments, comments and
    opinions come from review and documents; the gateway merges them). ``windows``:
    the submission and receiving windows that apply to it (its specialty's, else
    the committee's — catalog.windows)."""
    windows = windows or {}
    closes_at = windows.get("submit_closes_at", settings.submit_closes_at if settings else None)
    opens_at = windows.get("submit_opens_at", settings.submit_opens_at if settings else None)
    receive_closes_at = windows.get("receive_closes_at")
    read_only = rules.is_past_year(app.year, moment)
    return {
        "id": app.id,
        "number": app.number,
        "year": app.year,
        "kind": kinds.ref(app.kind),
        "status": app.status,
        "status_info": vocabulary.status_info(app.status, app.kind),
        "version": app.version,
        "read_only": read_only,
        "applicant": {"id": app.applicant_id, "name": app.applicant_name},
        "qualification": {
            "id": qualification.id, "region_code": qualification.region_code,
            "series": qualification.series, "specialty": qualification.specialty,
            "level": qualification.level, "title": qualification.title,
            "conditions": qualification.conditions or "",
            **directed_fields(qualification),
        },
        "unit": {"id": app.unit_id, "name": app.unit_name, "code": getattr(app, "unit_code", None),
                 "credit_code": getattr(app, "unit_credit_code", None)},
        "paper_received": ({"at": iso(app.paper_received_at), "by": (app.paper_received_by or {}).get("name")}
                           if app.paper_received_at else None),
        "committee": {"id": qualification.committee_id, "name": qualification.committee_name},
        "submissions_used": app.submissions_used,
        "submissions_max": settings.max_submissions if settings else None,
        "submit_opens_at": iso(opens_at),
        "submit_closes_at": iso(closes_at),
        # The countdown to the submission deadline matters until formal review has
        # passed; after it (paid, passed, approved) no submission is left to make.
        "days_to_close": (None if vocabulary.STATUSES[app.status]["formal"]
                          else rules.days_to_close(closes_at, moment)),
        # when the committee receives material from the departments (null: not set)
        "receive_opens_at": iso(windows.get("receive_opens_at")),
        "receive_closes_at": iso(receive_closes_at),
        "receive_days_to_close": rules.days_to_close(receive_closes_at, moment),
        "template": {"version": app.template_version, "profile": app.template.get("profile"),
                     "sections": app.template["sections"]},
        "sections": dict(app.sections or {}),
        "needs_review": list(app.needs_review or []),
        "history": [transition_dict(t) for t in history],
        # What the applicant's buttons may offer (the same rules the calls enforce).
        "can_delete": not read_only and rules.can_delete(app.status, app.submissions_used),
        "can_change_qualification": not read_only and rules.can_change_qualification(app.status),
        "created_at": iso(app.created_at),
        "updated_at": iso(app.updated_at),
    }
