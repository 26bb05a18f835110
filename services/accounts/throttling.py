"""Throttling of repeated failures, kept as rows of ``Attempt`` per (kind, key).

Two shapes:
- a fixed allowance per window (recovery requests, appeals): ``check_limit``;
- exponential back-off (logins, re-authentication): ``check_backoff``. After a few
  free failures each further attempt must wait a delay that doubles with every
  failure, up to a cap. Nothing is ever "locked": the owner of an account waits
  seconds, not a quarter of an hour, and a guesser's rate falls off quickly.

Every refusal carries ``retry_after`` (whole seconds), which the gateway turns into
the ``Retry-After`` header."""
import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select

from services.accounts.models import Attempt
from zc_common.clock import now
from zc_common.errors import TooManyAttempts

FAILURE_WINDOW = timedelta(minutes=15)   # fixed-window allowances
BACKOFF_WINDOW = timedelta(hours=1)      # failures older than this no longer add delay
MAX_FAILURES = 5


@dataclass(frozen=True)
class Backoff:
    """``free`` failures cost nothing; the next waits ``base``, then twice that, …,
    never more than ``cap``."""

    free: int
    base: timedelta
    cap: timedelta

    def delay(self, failures):
        if failures < self.free:
            return timedelta(0)
        doublings = min(failures - self.free, 32)  # 2**32 * base is far past any cap
        return min(self.cap, self.base * (2 ** doublings))


# One account: its owner rarely mistypes more than a few times, so five free tries;
# after that 30 s, 1 min, 2 min, … up to 15 min between guesses.
ACCOUNT = Backoff(free=5, base=timedelta(seconds=30), cap=timedelta(minutes=15))
# One device on one account (the known-device cookie): the same as an account, so a
# stolen device cookie, which skips the account's back-off, still cannot guess quickly.
DEVICE = ACCOUNT
# One address: an address is shared by everyone behind an office or hospital NAT,
# a campus or a carrier's CGNAT, each of whom makes typos in their own accounts, so
# its allowance is several accounts' worth (20 per hour), not one account's. That
# costs little: each account keeps its own back-off after 5 failures, whatever the
# address, so a guesser spraying many accounts from one address gets 20 free
# guesses an hour in total before this back-off slows it too — and people who log
# in from a device they used before only need the address not to be backed off.
ADDRESS = Backoff(free=20, base=timedelta(seconds=30), cap=timedelta(minutes=15))


def retry_seconds(wait):
    return max(1, math.ceil(wait.total_seconds()))


def wait_phrase(seconds):
    if seconds < 60:
        return f"{seconds}秒"
    return f"{math.ceil(seconds / 60)}分钟"


def recent_failures(db, kind, key, at, window=FAILURE_WINDOW):
    """Failure times for ``key`` in the window, not counting those before its last success."""
    since = at - window
    last_ok = db.scalar(select(func.max(Attempt.at)).where(
        Attempt.kind == kind, Attempt.key == key, Attempt.ok.is_(True), Attempt.at > since))
    query = select(Attempt.at).where(Attempt.kind == kind, Attempt.key == key,
                                     Attempt.ok.is_(False), Attempt.at > (last_ok or since))
    return sorted(db.scalars(query).all())


def backoff_wait(db, kind, key, policy, at):
    """How long ``key`` must still wait before its next attempt (zero: go ahead)."""
    failures = recent_failures(db, kind, key, at, BACKOFF_WINDOW)
    if not failures:
        return timedelta(0)
    return max(timedelta(0), failures[-1] + policy.delay(len(failures)) - at)


def check_backoff(db, checks, at, message="尝试次数过多"):
    """429 while any of ``checks`` — (kind, key, Backoff) — is still waiting; the
    longest wait is the one reported."""
    wait = max((backoff_wait(db, kind, key, policy, at) for kind, key, policy in checks if key),
               default=timedelta(0))
    if wait > timedelta(0):
        seconds = retry_seconds(wait)
        raise TooManyAttempts("too_many_attempts", f"{message}，请{wait_phrase(seconds)}后再试",
                              retry_after=seconds)


def check_limit(db, keys, at, message="尝试次数过多", limit=MAX_FAILURES):
    """429 while any (kind, key) has ``limit`` failures in the window; the cool-down
    ends when the oldest of them leaves the window."""
    for kind, key in keys:
        if not key:
            continue
        failures = recent_failures(db, kind, key, at)
        if len(failures) >= limit:
            seconds = retry_seconds(failures[-limit] + FAILURE_WINDOW - at)
            raise TooManyAttempts("too_many_attempts", f"{message}，请{wait_phrase(seconds)}后再试",
                                  retry_after=seconds)


def record_attempts(db, keys, ok, at):
    for kind, key in keys:
        if key:
            db.add(Attempt(kind=kind, key=key, ok=ok, at=at))


def purge_attempts(db, keep=timedelta(days=1)):
    """Attempts only matter inside the throttling windows; keep a day, drop the rest."""
    deleted = db.execute(delete(Attempt).where(Attempt.at < now() - keep)).rowcount
    db.commit()
    return deleted
