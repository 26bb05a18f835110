"""zc_common.recent: the per-process memo of slow-changing rows."""
from zc_common.recent import Recent


def test_the_memo_forgets_after_its_seconds_and_starts_afresh_past_its_size():
    moment = [0.0]
    recent = Recent(seconds=5, entries=2, clock=lambda: moment[0])
    recent.put("u1", {"id": "u1"})
    assert recent.get("u1") == {"id": "u1"}
    moment[0] = 5.0
    assert recent.get("u1") is None
    recent.put("a", 1)
    recent.put("b", 2)
    recent.put("c", 3)
    assert (recent.get("a"), recent.get("c")) == (None, 3)


def test_none_is_not_remembered_and_a_dropped_key_is_gone():
    recent = Recent()
    recent.put("missing", None)
    recent.put("k", {})
    assert "missing" not in recent.kept and recent.get("k") == {}
    recent.drop("k")
    assert recent.get("k") is None
