"""The rules of an application's life, as plain functions over plain data."""
from services.applications import vocabulary
from zc_common.clock import PLATFORM_TZ

AUTONOMOUS_REGION = "650000"
LEVELS = ("初级", "中级", "副高", "正高")
EDITABLE = vocabulary.keys_where("editable")
NUMBER_PREFIX = "RSSQ"

# action -> (statuses it may start from, status it leads to). DESIGN.md's life cycle;
# ``forward`` moves between review nodes, the status stays ``submitted``.
LIFE_CYCLE = {
    "submit": (("draft", "returned"), "submitted"),
    "withdraw": (("submitted",), "draft"),
    "forward": (("submitted",), "submitted"),
    "return": (("submitted",), "returned"),
    "pass_formal_review": (("submitted",), "formal_review_passed"),
    "fee_paid": (("formal_review_passed",), "ready_for_meeting"),
    # A kind charged no fee goes on at once, in the transaction that passed formal review.
    "fee_waived": (("formal_review_passed",), "ready_for_meeting"),
    "meeting_passed": (("ready_for_meeting",), "passed"),
    "meeting_failed": (("ready_for_meeting",), "failed"),
    # A kind concluded by the committee's confirmation (认定) instead of votes.
    "confirm": (("ready_for_meeting",), "passed"),
    "refuse_confirmation": (("ready_for_meeting",), "failed"),
    "approve": (("passed",), "approved"),
    "result_overturned": (("passed",), "failed"),
}

# Actions other services may ask for through ``transition``; submit and withdraw
# are the applicant's own and go through their own checks here.
EXTERNAL_ACTIONS = frozenset(LIFE_CYCLE) - {"submit", "withdraw", "fee_waived"}

# Actions that only fit one way of concluding (kinds.json ``conclusion``).
CONCLUDED_BY = {"meeting_passed": "meeting", "meeting_failed": "meeting",
                "confirm": "confirm", "refuse_confirmation": "confirm"}

# The event named after each action (besides ``application_status_changed``, which a
# submit's own event stands for: status.apply).
ACTION_EVENTS = {
    "submit": "application_submitted",
    "withdraw": "application_withdrawn",
    "return": "application_returned",
    "forward": "application_forwarded",
    "pass_formal_review": "formal_review_passed",
}

def allowed_transition(action, from_status, to_status):
    """True when DESIGN.md's life cycle allows ``action`` from→to."""
    rule = LIFE_CYCLE.get(action)
    return rule is not None and from_status in rule[0] and to_status == rule[1]


def title_key(series, specialty, level):
    """What a title is, whichever region's qualification row offers it: the key of
    the one-application-per-title-per-year rule."""
    return f"{series}|{specialty}|{level}"


def action_fits_kind(action, conclusion, fee):
    """None when ``action`` may happen to an application of a kind concluded by
    ``conclusion`` and charged (``fee``) or not; else the reason (Chinese)."""
    wanted = CONCLUDED_BY.get(action)
    if wanted is not None and wanted != conclusion:
        return ("该申报类型由评审委员会认定，不经会议表决" if conclusion == "confirm"
                else "该申报类型须经评审会议表决，不能直接认定")
    if action == "fee_paid" and not fee:
        return "该申报类型不收取评审费"
    return None


# 南疆四地州: 喀什地区, 和田地区, 阿克苏地区, 克孜勒苏柯尔克孜自治州 — where titles may be
# reviewed for directed use (定向评价、定向使用) by grassroots staff.
SOUTHERN_PREFECTURES = ("653100", "653200", "652900", "653000")
DIRECTED_NOTE = "南疆四地州定向评价、定向使用"


def may_be_directed(region_code):
    """Only a qualification of one of the 南疆四地州 is reviewed for directed use."""
    return region_code in SOUTHERN_PREFECTURES


def paper_receivable(status):
    """纸质材料 is received once the application was submitted (in review or past formal
    review), never for a draft or one returned to the applicant."""
    return status not in EDITABLE


def can_change_qualification(status):
    """更改资格 works whenever the application is not submitted: a draft (also after
    收回) or returned to the applicant."""
    return status in EDITABLE


def can_delete(status, submissions_used):
    """删除 works on a draft that was never submitted."""
    return status == "draft" and not submissions_used


def format_number(seq):
    """``RSSQ`` + the sequence, zero-padded to eight digits (as the real platform's)."""
    return f"{NUMBER_PREFIX}{seq:08d}"


def window_state(opens_at, closes_at, moment):
    """'open', 'not_yet', 'closed' or 'unset' for a committee's submission window."""
    if opens_at is None or closes_at is None:
        return "unset"
    if moment < opens_at:
        return "not_yet"
    if moment > closes_at:
        return "closed"
    return "open"


def days_to_close(closes_at, moment):
    """Calendar days in platform time until the window closes: 0 on the closing
    day, negative once closed (the UI shows 提交已截止N天; never 0 after closing)."""
    if closes_at is None:
        return None
    days = (closes_at.astimezone(PLATFORM_TZ).date() - moment.astimezone(PLATFORM_TZ).date()).days
    if moment > closes_at:
        return min(days, -1)
    return days


def submissions_left(used, maximum):
    return max(0, maximum - used)


def is_past_year(year, moment):
    """A past year's application is read-only."""
    return year < moment.astimezone(PLATFORM_TZ).year


def localised(qualifications, region_code):
    """属地化: the region's own qualifications, plus the autonomous region's for each
    (series, specialty, level) the region has no committee for."""
    own = [q for q in qualifications if q["region_code"] == region_code]
    if region_code == AUTONOMOUS_REGION:
        return own
    covered = {(q["series"], q["specialty"], q["level"]) for q in own}
    fallback = [q for q in qualifications if q["region_code"] == AUTONOMOUS_REGION
                and (q["series"], q["specialty"], q["level"]) not in covered]
    return own + fallback


def available_in(qualification, region_code, region_triples):
    """May a unit registered in ``region_code`` apply for this qualification?
    ``region_triples``: the (series, specialty, level) the region has committees for."""
    if qualification["region_code"] == region_code:
        return True
    triple = (qualification["series"], qualification["specialty"], qualification["level"])
    return qualification["region_code"] == AUTONOMOUS_REGION and triple not in region_triples
