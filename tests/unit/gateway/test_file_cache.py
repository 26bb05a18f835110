"""The gateway's cache of recently served files: bounded in bytes, keyed by ETag."""
from gateway.file_cache import MAX_ENTRY, FileCache, quoted


def test_it_serves_only_the_etag_it_kept_and_forgets_older_versions():
    cache = FileCache(max_bytes=1000)
    cache.put("k", '"1"', b"one")
    assert cache.get("k", '"1"') == b"one" and cache.get("k", '"2"') is None
    cache.put("k", '"2"', b"two")
    assert cache.get("k", '"1"') is None and cache.get("k", '"2"') == b"two" and cache.size == 3


def test_it_stays_within_its_bytes_least_recently_used_out():
    cache = FileCache(max_bytes=10)
    cache.put("a", "e", b"12345")
    cache.put("b", "e", b"12345")
    assert cache.get("a", "e") == b"12345"  # a is now the most recently used
    cache.put("c", "e", b"12345")
    assert cache.get("b", "e") is None and cache.get("a", "e") and cache.get("c", "e") and cache.size == 10
    cache.put("d", "e", b"x" * 11)  # larger than the whole cache: not kept
    assert cache.get("d", "e") is None and cache.size == 10
    assert not FileCache(max_bytes=0).keeps(1) and not FileCache().keeps(MAX_ENTRY + 1)


def test_etags_are_written_as_http_writes_them():
    assert quoted("abc") == '"abc"' and quoted('"abc"') == '"abc"' and quoted(None) is None
