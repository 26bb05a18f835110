"""Who a login token stands for, without asking accounts on every request.

A token is checked here first (its HS256 signature with the platform's secret key,
and its expiry against the platform clock), so garbage never costs an RPC. The
actor accounts answers for a valid token is kept in a per-process cache, bounded in
size and in age (``ZC_ACTOR_CACHE_SECONDS``, 60 by default), and dropped the moment
accounts announces that its session or user changed: accounts broadcasts
``session_changed`` / ``user_changed`` on its events exchange after the commit
(services/accounts/events.py), and every gateway process reads every one of them
from an exclusive queue of its own. When the broker connection drops, events may
be missed: the cache is emptied then and again once the connection is back. A login
answers with the session's actor, and the process that served it keeps that too
(``Actors.prime``): a visit's first page after the login asks accounts nothing.

Why a shared secret and not a key pair: the gateway already holds the platform's
authority — services trust the ``actor`` it passes them — so a verify-only key
would protect nothing more, and the gateway reads the secret the way every
service does (zc_common.config.secret_key)."""
import json
import logging
import os
import time
from collections import OrderedDict
from dataclasses import dataclass

import aio_pika
import jwt

from gateway.broadcast import CacheListener
from zc_common.clock import now
from zc_common.errors import Unauthorized

log = logging.getLogger("gateway.actors")

EVENTS_EXCHANGE = "accounts.events"   # nameko's exchange for the accounts service's events
SESSION_CHANGED = "session_changed"   # services/accounts/events.py
USER_CHANGED = "user_changed"
DEFAULT_SECONDS = 60.0
DEFAULT_ENTRIES = 10_000


def cache_seconds():
    """The longest an actor is served from the cache (``ZC_ACTOR_CACHE_SECONDS``);
    0 turns the cache off (accounts is asked every time)."""
    return float(os.environ.get("ZC_ACTOR_CACHE_SECONDS", str(DEFAULT_SECONDS)))


def _invalid():
    return Unauthorized("not_logged_in", "登录凭证无效，请重新登录")


def claims_of(token, secret):
    """The token's claims if accounts signed it and it has not expired."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"verify_exp": False})
    except (jwt.InvalidTokenError, UnicodeError) as exc:
        raise _invalid() from exc
    if not isinstance(claims.get("sid"), str) or not isinstance(claims.get("exp"), int | float):
        raise _invalid()
    # The platform clock (ZC_FAKE_NOW in tests), as accounts judges expiry.
    if claims["exp"] <= now().timestamp():
        raise Unauthorized("session_expired", "登录已过期，请重新登录")
    return claims


@dataclass
class _Entry:
    actor: dict
    session_id: str
    user_id: str
    expires: float      # the token's own expiry (epoch seconds)
    stored: float       # the cache clock when it was stored


class ActorCache:
    """token → actor, least recently used first out, each entry at most ``seconds``
    old, droppable by session id or user id. ``clock`` is injectable for tests."""

    def __init__(self, seconds=DEFAULT_SECONDS, max_entries=DEFAULT_ENTRIES, clock=time.monotonic):
        self.seconds = seconds
        self.max_entries = max_entries
        self.clock = clock
        self._entries = OrderedDict()
        self._by_session = {}
        self._by_user = {}
        # Bumped by every drop: an answer asked for before a drop is not stored after it.
        self.generation = 0

    def __len__(self):
        return len(self._entries)

    def get(self, token, at_epoch):
        entry = self._entries.get(token)
        if entry is None:
            return None
        if self.clock() - entry.stored >= self.seconds or entry.expires <= at_epoch:
            self._remove(token)
            return None
        self._entries.move_to_end(token)
        return entry.actor

    def put(self, token, claims, actor, generation):
        """Store an answer unless something was dropped since it was asked for
        (``generation`` as it was before the question)."""
        if generation != self.generation or self.seconds <= 0:
            return
        self._remove(token)
        entry = _Entry(actor, claims["sid"], actor.get("id") or claims.get("sub"), claims["exp"], self.clock())
        self._entries[token] = entry
        self._by_session.setdefault(entry.session_id, set()).add(token)
        self._by_user.setdefault(entry.user_id, set()).add(token)
        while len(self._entries) > self.max_entries:
            self._remove(next(iter(self._entries)))

    def forget_session(self, session_id):
        self.generation += 1
        for token in list(self._by_session.get(session_id, ())):
            self._remove(token)

    def forget_user(self, user_id):
        self.generation += 1
        for token in list(self._by_user.get(user_id, ())):
            self._remove(token)

    def clear(self):
        self.generation += 1
        self._entries.clear()
        self._by_session.clear()
        self._by_user.clear()

    def _remove(self, token):
        entry = self._entries.pop(token, None)
        if entry is None:
            return
        for index, key in ((self._by_session, entry.session_id), (self._by_user, entry.user_id)):
            tokens = index.get(key)
            if tokens is not None:
                tokens.discard(token)
                if not tokens:
                    del index[key]

    def on_event(self, event_type, payload):
        """Apply one of accounts' events."""
        if event_type == SESSION_CHANGED and payload.get("session_id"):
            self.forget_session(payload["session_id"])
        elif event_type == USER_CHANGED and payload.get("user_id"):
            self.forget_user(payload["user_id"])


class Actors:
    """``await actors.actor_for(token)``: the cache in front of ``accounts.authenticate``.
    Without a cache (``cache=None``: an injected RPC client in tests, or the cache
    turned off) accounts is asked every time."""

    def __init__(self, rpc, secret=None, cache=None):
        self.rpc = rpc
        self.secret = secret
        self.cache = cache

    async def actor_for(self, token):
        if self.cache is None:
            return await self.rpc.accounts.authenticate(token)
        at = now().timestamp()
        actor = self.cache.get(token, at)
        if actor is not None:
            return actor
        claims = claims_of(token, self.secret)
        generation = self.cache.generation
        actor = await self.rpc.accounts.authenticate(token)
        self.cache.put(token, claims, actor, generation)
        return actor

    def generation(self):
        """Taken before asking accounts for a token's actor some other way (a login):
        ``prime`` stores the answer only if nothing was dropped since."""
        return self.cache.generation if self.cache is not None else None

    def prime(self, token, actor, generation):
        """A login answered with the session's actor: store it, so the session's first
        request (on this process) needs no ``authenticate``. Every real visit starts
        with a login, and its next request is the application page."""
        if self.cache is None or not isinstance(actor, dict):
            return
        try:
            claims = claims_of(token, self.secret)
        except Unauthorized:
            return
        self.cache.put(token, claims, actor, generation)

    def forget_session_of(self, token):
        """This process ended or changed the token's session itself: drop it now, not
        when its own copy of the event arrives."""
        if self.cache is None:
            return
        try:
            claims = jwt.decode(token, self.secret, algorithms=["HS256"], options={"verify_exp": False})
        except (jwt.InvalidTokenError, UnicodeError):
            return
        if isinstance(claims.get("sid"), str):
            self.cache.forget_session(claims["sid"])

    def forget_user(self, user_id):
        if self.cache is not None:
            self.cache.forget_user(user_id)


class RevocationListener(CacheListener):
    """accounts' events exchange, bound for the session and user changes: each gateway
    process sees every one (gateway/broadcast.py)."""

    what = "actor cache"

    def __init__(self, connection, cache, name=None):
        super().__init__(connection, cache, name or f"gateway-actors-{os.getpid()}-{id(self):x}")

    async def bind(self, channel, queue):
        exchange = await channel.declare_exchange(
            EVENTS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True)  # as nameko declares it
        for event_type in (SESSION_CHANGED, USER_CHANGED):
            await queue.bind(exchange, routing_key=event_type)

    async def on_message(self, message):
        try:
            payload = json.loads(message.body)
        except ValueError:
            log.warning("unreadable accounts event %r", message.routing_key)
            self.cache.clear()  # something changed; we cannot tell what
            return
        self.cache.on_event(message.routing_key, payload if isinstance(payload, dict) else {})


async def start_actors(rpc, secret, seconds=None, max_entries=DEFAULT_ENTRIES):
    """The actors of a gateway that owns its RPC client: cache and listener."""
    seconds = cache_seconds() if seconds is None else seconds
    if seconds <= 0:
        return Actors(rpc), None
    cache = ActorCache(seconds, max_entries)
    listener = RevocationListener(rpc.connection, cache)
    await listener.start()
    return Actors(rpc, secret, cache), listener

