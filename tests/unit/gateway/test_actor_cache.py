"""The gateway's actor cache (gateway/actors.py) with a fake clock: how long an
actor is served, how many are kept, and what accounts' events drop."""
import asyncio
import time

import jwt
import pytest

from gateway.actors import ActorCache, Actors, RevocationListener, claims_of
from zc_common.errors import Unauthorized

SECRET = "unit-test-secret-of-at-least-32-bytes-long"


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def token(sid, sub, exp=None, secret=SECRET):
    return jwt.encode({"sid": sid, "sub": sub, "exp": int(exp or time.time() + 3600)}, secret, algorithm="HS256")


def stored(cache, tok, actor=None):
    claims = claims_of(tok, SECRET)
    cache.put(tok, claims, actor or {"id": claims["sub"]}, cache.generation)
    return tok


def test_an_actor_is_served_until_its_upper_age():
    clock = Clock()
    cache = ActorCache(seconds=60, clock=clock)
    tok = stored(cache, token("s1", "u1"))
    clock.t += 59.9
    assert cache.get(tok, time.time()) == {"id": "u1"}
    clock.t += 0.1
    assert cache.get(tok, time.time()) is None
    assert len(cache) == 0


def test_an_actor_is_not_served_past_its_tokens_expiry():
    cache = ActorCache(seconds=60, clock=Clock())
    tok = stored(cache, token("s1", "u1", exp=time.time() + 5))
    assert cache.get(tok, time.time()) is not None
    assert cache.get(tok, time.time() + 5) is None


def test_the_cache_is_bounded_least_recently_used_out():
    cache = ActorCache(seconds=60, max_entries=2, clock=Clock())
    first, second = stored(cache, token("s1", "u1")), stored(cache, token("s2", "u2"))
    assert cache.get(first, time.time())  # first is now the most recently used
    third = stored(cache, token("s3", "u3"))
    assert len(cache) == 2
    assert cache.get(second, time.time()) is None
    assert cache.get(first, time.time()) and cache.get(third, time.time())


def test_session_event_drops_that_session_only():
    cache = ActorCache(clock=Clock())
    a, b = stored(cache, token("s1", "u1")), stored(cache, token("s2", "u1"))
    cache.on_event("session_changed", {"session_id": "s1", "user_id": "u1", "reason": "logout"})
    assert cache.get(a, time.time()) is None
    assert cache.get(b, time.time()) == {"id": "u1"}


def test_user_event_drops_every_session_of_the_user():
    cache = ActorCache(clock=Clock())
    a, b = stored(cache, token("s1", "u1")), stored(cache, token("s2", "u1"))
    other = stored(cache, token("s3", "u2"))
    cache.on_event("user_changed", {"user_id": "u1", "reason": "account_disabled"})
    assert cache.get(a, time.time()) is None and cache.get(b, time.time()) is None
    assert cache.get(other, time.time()) == {"id": "u2"}


def test_an_answer_asked_for_before_a_drop_is_not_stored():
    cache = ActorCache(clock=Clock())
    tok = token("s1", "u1")
    before = cache.generation
    cache.forget_user("u1")  # the event arrived while accounts was being asked
    cache.put(tok, claims_of(tok, SECRET), {"id": "u1"}, before)
    assert cache.get(tok, time.time()) is None


def test_connection_loss_and_reconnection_clear_the_cache():
    cache = ActorCache(clock=Clock())
    listener = RevocationListener(connection=None, cache=cache)
    stored(cache, token("s1", "u1"))
    listener._on_connection_lost(None, ConnectionError())
    assert len(cache) == 0
    stored(cache, token("s2", "u2"))
    listener._on_reconnected(None)
    assert len(cache) == 0


class CountingAccounts:
    def __init__(self):
        self.calls = 0

    async def authenticate(self, tok):
        self.calls += 1
        return {"id": jwt.decode(tok, options={"verify_signature": False})["sub"], "role": "applicant"}


class FakeRpc:
    def __init__(self):
        self.accounts = CountingAccounts()


def test_accounts_is_asked_once_then_again_after_an_event():
    rpc = FakeRpc()
    actors = Actors(rpc, SECRET, ActorCache(clock=Clock()))
    tok = token("s1", "u1")

    async def run():
        for _ in range(3):
            assert (await actors.actor_for(tok))["id"] == "u1"
        assert rpc.accounts.calls == 1
        actors.cache.on_event("session_changed", {"session_id": "s1"})
        await actors.actor_for(tok)
        assert rpc.accounts.calls == 2

    asyncio.run(run())


def test_forged_or_expired_tokens_cost_no_rpc():
    rpc = FakeRpc()
    actors = Actors(rpc, SECRET, ActorCache(clock=Clock()))

    async def refused(tok):
        with pytest.raises(Unauthorized) as caught:
            await actors.actor_for(tok)
        return caught.value.code

    assert asyncio.run(refused(token("s1", "u1", secret="another-secret-of-at-least-32-bytes!"))) == "not_logged_in"
    assert asyncio.run(refused("not-a-jwt")) == "not_logged_in"
    assert asyncio.run(refused(token("s1", "u1", exp=time.time() - 1))) == "session_expired"
    assert rpc.accounts.calls == 0


def test_without_events_a_revoked_session_would_be_served():
    """Why the events matter: accounts revoked the session, but a cache nobody tells
    keeps answering for it until its upper age."""
    rpc = FakeRpc()
    actors = Actors(rpc, SECRET, ActorCache(clock=Clock()))
    tok = token("s1", "u1")

    async def run():
        await actors.actor_for(tok)

        async def revoked(_tok):
            raise Unauthorized("not_logged_in", "已退出登录，请重新登录")
        rpc.accounts.authenticate = revoked
        assert (await actors.actor_for(tok))["id"] == "u1"  # stale: no event arrived
        actors.cache.on_event("session_changed", {"session_id": "s1"})
        with pytest.raises(Unauthorized):
            await actors.actor_for(tok)

    asyncio.run(run())


def test_a_login_primes_the_cache_unless_something_was_dropped_meanwhile():
    rpc = FakeRpc()
    actors = Actors(rpc, SECRET, ActorCache(clock=Clock()))
    primed, raced = token("s1", "u1"), token("s2", "u2")

    async def run():
        actors.prime(primed, {"id": "u1", "role": "applicant"}, actors.generation())
        assert (await actors.actor_for(primed))["id"] == "u1"
        assert rpc.accounts.calls == 0
        # the user changed while the login was answered: the login's actor is not kept
        before = actors.generation()
        actors.cache.on_event("user_changed", {"user_id": "u2"})
        actors.prime(raced, {"id": "u2", "role": "applicant"}, before)
        await actors.actor_for(raced)
        assert rpc.accounts.calls == 1
        # a forged token is never stored, whatever the answer said
        actors.prime("not-a-jwt", {"id": "u3"}, actors.generation())
        assert len(actors.cache) == 2

    asyncio.run(run())
