"""A per-process memo of what changes a few times a year but is read on every call
(organisations, committee settings, qualifications): kept for a few seconds, so a
deadline day's thousands of reads of the same few rows cost one query each per
process and interval, not one per call.

The owner of the data drops an entry right after committing a change, so the
process that made (or heard of) the change reads it on the very next call;
another replica's entry lives out its seconds. Use it for what is shown and
routed, never for a decision's own checks, which read the row under a lock."""
import threading
import time

MEMO_SECONDS = 5.0
MEMO_ENTRIES = 20_000


class Recent:
    """Values put in the last ``seconds``, at most ``entries`` of them (past that the
    memo starts afresh: it only saves queries). ``None`` is never remembered."""

    def __init__(self, seconds=MEMO_SECONDS, entries=MEMO_ENTRIES, clock=time.monotonic):
        self.seconds, self.entries, self.clock = seconds, entries, clock
        self.kept = {}
        self.lock = threading.Lock()

    def get(self, key):
        entry = self.kept.get(key)
        if entry is None or self.clock() - entry[1] >= self.seconds:
            return None
        return entry[0]

    def put(self, key, value):
        if value is None:
            return
        with self.lock:
            if len(self.kept) >= self.entries:
                self.kept.clear()
            self.kept[key] = (value, self.clock())

    def drop(self, key):
        self.kept.pop(key, None)

    def clear(self):
        self.kept.clear()
