"""Delivering the callbacks the sandbox owes the platform: each attempt freshly
signed (new timestamp and nonce, as real providers do), retried with exponential
back-off until the platform acknowledges (2xx) or refuses (4xx), and given up after
``MAX_ATTEMPTS`` so a broken platform cannot make the sandbox retry forever."""
import asyncio
import logging
import time

import aiohttp

from services.payments import signing

log = logging.getLogger("sandbox")

MAX_ATTEMPTS = 12
FIRST_DELAY = 0.5      # seconds; doubles each attempt
MAX_DELAY = 300.0   # 12 attempts span about 13 minutes


def backoff(attempts):
    return min(MAX_DELAY, FIRST_DELAY * 2 ** (attempts - 1))


def verdict(status):
    """What an HTTP answer means for a callback: acknowledged, refused (do not retry) or retry."""
    if 200 <= status < 300:
        return "acknowledged"
    if 400 <= status < 500 and status not in (408, 429):
        return "refused"
    return "retry"


class Notifier:
    def __init__(self, store, secret_source, session: aiohttp.ClientSession):
        self.store = store
        self.secret_source = secret_source
        self.session = session
        self.wake = asyncio.Event()
        self.running = {}

    async def deliver(self, notification_id):
        """One attempt; returns the notification's state afterwards."""
        if notification_id in self.running:  # the loop and the page raced: share the attempt
            return await asyncio.shield(self.running[notification_id])
        task = asyncio.ensure_future(self._attempt(notification_id))
        self.running[notification_id] = task
        try:
            return await asyncio.shield(task)
        finally:
            self.running.pop(notification_id, None)

    async def _attempt(self, notification_id):
        row = self.store.notification(notification_id)
        if row is None or row["state"] != "pending":
            return row["state"] if row is not None else None
        body = row["body"].encode()
        headers = {"Content-Type": "application/json",
                   **signing.signed_headers(self.secret_source(), body)}
        attempts = row["attempts"] + 1
        status, answer = None, ""
        try:
            async with self.session.post(row["notify_url"], data=body, headers=headers,
                                         timeout=aiohttp.ClientTimeout(total=15)) as response:
                status, answer = response.status, await response.text()
            state = verdict(status)
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            state, answer = "retry", f"{type(error).__name__}: {error}"
        if state == "retry":
            state = "gave_up" if attempts >= MAX_ATTEMPTS else "pending"
        next_at = time.time() + backoff(attempts)
        self.store.record_attempt(notification_id, state, attempts, next_at, status, answer)
        if state != "acknowledged":
            log.info("callback %s for %s: attempt %d → %s (%s)", notification_id, row["txn_id"], attempts,
                     state, status)
        return state

    async def run(self):
        """The retry loop: deliver what is due, then sleep until the next is due."""
        while True:
            try:
                for row in self.store.due(time.time()):
                    await self.deliver(row["id"])
                next_at = self.store.next_due_at()
            except Exception:  # keep the loop alive; the books are in SQLite
                log.exception("sandbox notifier")
                next_at = None
            delay = 1.0 if next_at is None else max(0.05, min(1.0, next_at - time.time()))
            self.wake.clear()
            try:
                await asyncio.wait_for(self.wake.wait(), delay)
            except TimeoutError:
                pass
