"""The gateway's kept application pages (gateway/application_pages.py) with a fake
clock: whom a page is served to, for how long, and what drops it."""
import asyncio
import json

from gateway.application_pages import PageCache, PageListener
from zc_common.page_changes import ALL


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def kept(cache, application_id, owner, body=b"{}"):
    cache.put(application_id, owner, body, cache.generation)


def test_a_page_is_served_only_to_its_applicant_and_only_while_young():
    clock = Clock()
    cache = PageCache(seconds=15, clock=clock)
    kept(cache, "a1", "u1", b'{"id": "a1"}')
    assert cache.get("a1", "u1") == b'{"id": "a1"}'
    assert cache.get("a1", "someone-else") is None
    clock.t += 14.9
    assert cache.get("a1", "u1") is not None
    clock.t += 0.1
    assert cache.get("a1", "u1") is None
    assert len(cache) == 0


def test_a_change_drops_the_page_and_an_answer_asked_for_before_it_is_not_kept():
    cache = PageCache(clock=Clock())
    kept(cache, "a1", "u1")
    kept(cache, "a2", "u2")
    before = cache.generation
    cache.drop(["a1"])
    assert cache.get("a1", "u1") is None and cache.get("a2", "u2") is not None
    cache.put("a1", "u1", b"old", before)  # put together before the change was told
    assert cache.get("a1", "u1") is None
    cache.drop([ALL])
    assert len(cache) == 0


def test_the_cache_is_bounded_least_recently_used_out():
    cache = PageCache(max_entries=2, clock=Clock())
    kept(cache, "a1", "u1")
    kept(cache, "a2", "u2")
    assert cache.get("a1", "u1")
    kept(cache, "a3", "u3")
    assert cache.get("a2", "u2") is None
    assert cache.get("a1", "u1") and cache.get("a3", "u3")


def test_turned_off_it_keeps_nothing():
    cache = PageCache(seconds=0, clock=Clock())
    kept(cache, "a1", "u1")
    assert len(cache) == 0


class Message:
    def __init__(self, body):
        self.body = body


def test_the_listener_drops_what_the_services_tell_and_everything_when_it_cannot_read_it():
    cache = PageCache(clock=Clock())
    listener = PageListener(connection=None, cache=cache)
    for application_id in ("a1", "a2", "a3"):
        kept(cache, application_id, "u")

    async def run():
        await listener.on_message(Message(json.dumps({"applications": ["a1"]}).encode()))
        assert cache.get("a1", "u") is None and cache.get("a2", "u") is not None
        await listener.on_message(Message(b"not json"))
        assert len(cache) == 0
        kept(cache, "a2", "u")
        listener._on_connection_lost(None)
        assert len(cache) == 0
        kept(cache, "a3", "u")
        listener._on_reconnected(None)
        assert len(cache) == 0

    asyncio.run(run())
