"""Cached rows of the member pages that are the same for every member, invalidated by version.

The directory's first page, the competence page and the activity list show every member the
same rows. Their views keep the rows of the unfiltered first page in Django's cache under a key
that carries the page's version number (``page_cache_version``); the services that change those
rows call ``page_cache_bump``, so the next request reads a key nobody has written yet and
queries afresh. Nothing is ever deleted: an old version's entry expires on its own.

A bump happens at once (the rest of the request, and a test, see the change) and once more
after the transaction commits: a request that read the old rows while the change was not yet
committed may have cached them under the first new version.

A version that the cache lost (evicted, or Redis restarted) starts again from the clock, never
from a number an old entry may still be stored under. ``PAGE_CACHE_SECONDS`` bounds how long a
change made around the services (the admin's plain model forms, the date moving on) can stay
unseen.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

PAGE_CACHE_SECONDS = 300

DIRECTORY = "directory"
COMPETENCE = "competence"
ACTIVITIES = "activities"


def _version_key(name: str) -> str:
    return f"page-cache:{name}:version"


def page_cache_version(name: str) -> int:
    """The current version of the page ``name``; a new one if the cache has none."""
    key = _version_key(name)
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key, time.time_ns())
    return version


def _bump(name: str) -> None:
    key = _version_key(name)
    try:
        cache.incr(key)
    except ValueError:  # no version yet: any fresh one differs from what was cached
        cache.set(key, time.time_ns(), timeout=None)


def page_cache_bump(*names: str) -> None:
    """A new version of each page in ``names``: now, and again once the transaction commits."""
    for name in names:
        _bump(name)
        transaction.on_commit(partial(_bump, name))


@dataclass
class CachedRows:
    """A page's rows and the count of all rows, as a paginator's object list.

    The paginator asks ``count()`` for the number of rows and slices the first page, which is
    exactly what was kept.
    """

    rows: list
    total: int

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        return self.rows[index]


def page_cache_rows(name: str, *, size: int, rows: Callable[[], QuerySet]) -> CachedRows:
    """The first ``size`` rows of ``rows()`` and their total count, cached under the current
    version of ``name`` (and today's date: what is current depends on it)."""
    key = f"page-cache:{name}:{page_cache_version(name)}:{timezone.localdate()}:{size}"
    cached = cache.get(key)
    if cached is None:
        queryset = rows()
        total = queryset.count()
        cached = CachedRows(rows=list(queryset[:size]), total=total)
        cache.set(key, cached, timeout=PAGE_CACHE_SECONDS)
    return cached


class CachedFirstPageMixin:
    """For a paginated ``ListView``: the unfiltered first page's rows from the cache
    (``page_cache_rows`` under ``page_cache_name``); any filter or other page as before."""

    page_cache_name: str

    def paginate_queryset(self, queryset, page_size):
        query = self.request.GET
        if set(query) - {"page"} or query.get("page", "1") != "1":
            return super().paginate_queryset(queryset, page_size)
        rows = page_cache_rows(self.page_cache_name, size=page_size, rows=lambda: queryset)
        return super().paginate_queryset(rows, page_size)
