"""Per-process caches: values are reused until they are `ttl` seconds old, and memory is
bounded however many keys visitors invent."""

from visionportal import caching


def test_a_value_is_loaded_once_until_it_expires(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(caching.time, "monotonic", lambda: now[0])
    cache = caching.TTLCache(ttl=60)
    loads = []

    def load():
        loads.append(1)
        return len(loads)

    assert cache.get("norrkoping", load) == 1
    now[0] += 59.9
    assert cache.get("norrkoping", load) == 1
    now[0] += 0.2
    assert cache.get("norrkoping", load) == 2
    assert len(loads) == 2


def test_a_missing_value_is_cached_too():
    cache = caching.TTLCache(ttl=60)
    loads = []
    for _ in range(3):
        assert cache.get("no-such-slug", lambda: loads.append(1)) is None
    assert len(loads) == 1


def test_the_cache_never_holds_more_than_its_bound():
    cache = caching.TTLCache(ttl=60, max_entries=10)
    for n in range(25):
        cache.get(f"slug-{n}", lambda n=n: n)
        assert len(cache._entries) <= 10


def test_clear_all_empties_every_cache():
    cache = caching.TTLCache(ttl=60)
    cache.get("a", lambda: 1)
    caching.clear_all()
    assert cache.get("a", lambda: 2) == 2


def test_discard_forgets_one_key_only():
    cache = caching.TTLCache(ttl=60)
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 1)
    cache.discard("a")
    cache.discard("missing")
    assert cache.get("a", lambda: 2) == 2
    assert cache.get("b", lambda: 2) == 1
