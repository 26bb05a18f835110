"""Committee-result and timing rules as plain functions over plain data."""
from datetime import date, datetime, timedelta

from zc_common.clock import PLATFORM_TZ
from zc_common.errors import Invalid

DEFAULT_PUBLICITY_MIN_DAYS = 5


def votes_needed(experts_present):
    """⌈2/3 × experts present⌉, in integers (no float rounding at the boundary)."""
    return -(-2 * experts_present // 3)


VOTE_KEYS = ("experts_present", "votes_for", "votes_against", "votes_abstain")


def is_confirmation(result):
    """A result concluding by the committee's confirmation (认定) — ``confirmed``
    with no votes — rather than by a meeting's votes."""
    return result.get("confirmed") is not None and all(result.get(k) is None for k in VOTE_KEYS)


def check_result(result, index):
    """One result of a meeting or confirmation batch: either votes, or a
    confirmation (``confirmed`` true, or false with a reason)."""
    field = f"results.{index}"
    if not isinstance(result, dict) or not isinstance(result.get("application_id"), str):
        raise Invalid("invalid_field", "每条结果须指明申请书", field=f"{field}.application_id")
    if is_confirmation(result):
        if not isinstance(result["confirmed"], bool):
            raise Invalid("invalid_field", "confirmed 应为 true 或 false", field=f"{field}.confirmed")
        reason = result.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise Invalid("invalid_field", "理由应为文本", field=f"{field}.reason")
        if not result["confirmed"] and not (reason or "").strip():
            raise Invalid("reason_required", "不予认定须说明理由", field=f"{field}.reason")
        return
    if result.get("confirmed") is not None:
        raise Invalid("invalid_field", "一条结果只能是表决票数或认定，不能两者都有", field=f"{field}.confirmed")
    if (result.get("reason") or "").strip():
        raise Invalid("invalid_field", "会议表决结果不填写认定理由", field=f"{field}.reason")
    for key in VOTE_KEYS:
        value = result.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid("votes_required", "须录入会议表决票数（出席专家、赞成、反对、弃权）", field=f"{field}.{key}")
    check_votes(result, index)


def check_votes(result, index):
    """The votes of one result must be whole, non-negative and add up."""
    field = f"results.{index}"
    present = result["experts_present"]
    counts = (result["votes_for"], result["votes_against"], result["votes_abstain"])
    if present <= 0:
        raise Invalid("invalid_votes", "出席专家人数必须大于零", field=f"{field}.experts_present")
    if any(c < 0 for c in counts):
        raise Invalid("invalid_votes", "票数不能为负数", field=field)
    if sum(counts) != present:
        raise Invalid("votes_mismatch",
                      f"票数不符：赞成{counts[0]} + 反对{counts[1]} + 弃权{counts[2]} ≠ 出席专家{present}",
                      field=field)


def unit_untouched(unit_task, comments=()):
    """收回 still works: the base unit's task of this submission is open, nobody
    there has opened it (办理) and no comment of theirs exists."""
    return (unit_task is not None and unit_task.state == "open" and unit_task.opened_at is None
            and not any(c.node == "unit" for c in comments))


def meeting_passed(experts_present, votes_for, quorum=None):
    """Passed when the committee's quorum is met and at least ⌈2/3⌉ of the experts
    present voted for."""
    if quorum and experts_present < quorum:
        return False
    return votes_for >= votes_needed(experts_present)


def working_days(starts_at: datetime, ends_at: datetime):
    """Mon–Fri calendar days the window touches, both ends included, in platform
    time — the way a 公示 notice reads (公示期：X月X日至X月X日)."""
    first = starts_at.astimezone(PLATFORM_TZ).date()
    last = ends_at.astimezone(PLATFORM_TZ).date()
    days, day = 0, first
    while day <= last:
        if day.weekday() < 5:
            days += 1
        day += timedelta(days=1)
    return days


PUBLICITY_CLOCK_SKEW = timedelta(minutes=5)


def check_publicity_window(starts_at, ends_at, min_days, now, held_on):
    """A 公示 window lies ahead: it starts no earlier than now (less a little clock
    skew between the committee's browser and the server) and not before the meeting's
    day, ends after it starts, and lasts the committee's minimum working days. A
    back-dated window would let the approval follow at once and skip the very
    objection period the publicity exists for."""
    if starts_at < now - PUBLICITY_CLOCK_SKEW:
        raise Invalid("publicity_backdated", "公示开始时间不能早于当前时间", field="starts_at")
    if starts_at.astimezone(PLATFORM_TZ).date() < held_on:
        raise Invalid("publicity_before_meeting",
                      f"公示开始时间不能早于评审会议日期（{held_on.isoformat()}）", field="starts_at")
    if ends_at <= starts_at:
        raise Invalid("invalid_window", "公示结束时间必须晚于开始时间", field="ends_at")
    min_days = DEFAULT_PUBLICITY_MIN_DAYS if min_days is None else min_days
    if min_days and working_days(starts_at, ends_at) < min_days:
        raise Invalid("publicity_too_short",
                      f"公示期不少于{min_days}个工作日（当前{working_days(starts_at, ends_at)}个）",
                      field="ends_at")


def days_for_node(node_days, node):
    """``node_days`` from committee settings: one number for every node, or a map
    per node kind (unit / department / committee). None: no limit."""
    if node_days is None:
        return None
    if isinstance(node_days, dict):
        value = node_days.get(node)
    else:
        value = node_days
    try:
        value = int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
    return value if value and value > 0 else None


def due_at(arrived_at, node_days, node):
    days = days_for_node(node_days, node)
    return arrived_at + timedelta(days=days) if days else None


def is_overdue(task_due_at, now):
    return task_due_at is not None and task_due_at < now


def parse_held_on(value):
    if isinstance(value, date):
        return value
    return date.fromisoformat(value)


def parse_moment(value, field):
    """ISO 8601 from a request (a naive value is platform time) → aware datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=PLATFORM_TZ)
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise Invalid("invalid_field", "时间格式应为 ISO 8601", field=field) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=PLATFORM_TZ)


def receiving_window(settings, specialty):
    """(opens, closes) of the committee's receiving window that applies to an
    application of ``specialty`` — its own when the committee set one — or (None,
    None) when none is set. ``settings``: applications' committee settings (ISO times)."""
    own = ((settings or {}).get("specialty_windows") or {}).get(specialty or "") or {}
    for source in (own, settings or {}):
        if source.get("receive_opens_at") and source.get("receive_closes_at"):
            return (datetime.fromisoformat(source["receive_opens_at"]),
                    datetime.fromisoformat(source["receive_closes_at"]))
    return None, None


def receiving_refusal(settings, specialty, moment):
    """None while the committee receives material (or has set no window); else why not."""
    opens, closes = receiving_window(settings, specialty)
    if opens is None:
        return None
    if moment < opens:
        return f"评审委员会尚未开始接收材料（接收时间 {_local(opens)} 至 {_local(closes)}）"
    if moment > closes:
        return f"评审委员会接收材料已截止（接收时间 {_local(opens)} 至 {_local(closes)}）"
    return None


def _local(moment):
    return moment.astimezone(PLATFORM_TZ).strftime("%Y-%m-%d %H:%M")
