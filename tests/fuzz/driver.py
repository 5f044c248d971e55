"""Drives a page's forms and query parameters with hostile values and checks the answers.

The page is fetched once, as a signed-in user who may use it. For every example: an empty cache
(rate limits), a savepoint that is rolled back afterwards (so one example's success cannot
change the next one's page; the one-time submission token's claim is rolled back with it, so
the token rendered once serves every example), one form filled with valid-looking values except
for a few hostile ones, and then:

- never a 5xx (the test client re-raises the view's exception, so hypothesis reports it);
- an answer that is not a redirect wrote no row (every model is counted before and after);
- a POST answered 200/400 shows a field error (the form re-rendered with what is wrong).
"""

import re
import traceback
from collections import Counter, defaultdict
from contextlib import contextmanager
from urllib.parse import quote, urlsplit

from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import valid_organisation_number
from tests.fuzz import hostile
from tests.fuzz.html_forms import Form, Page, parse, query_names

# Hidden inputs carried over as rendered: the request-forgery token and the one-time submission
# token (their names contain "token"); every other hidden input is a field and is fuzzed.
MECHANISM = re.compile(r"csrfmiddlewaretoken|token", re.IGNORECASE)
ERROR_SHOWN = re.compile(
    r'class="[^"]*\b(errorlist|has-error|errornote|errors)\b|role="alert"|aria-invalid="true"'
)
# Statuses a refused hostile request may get; anything else (and every 5xx) fails.
REFUSALS = {200, 400, 403, 404, 405, 410, 413, 422, 429}
# Rows that are not the form's writes: the signed-in session, and the one-time submission
# tokens the page hands out.
NOT_COUNTED = re.compile(r"^sessions\.|^portal\..*(token|submission|claim)", re.IGNORECASE)

STATS: dict[str, set] = defaultdict(set)  # printed by tests/fuzz/conftest.py
ANSWERS: Counter = Counter()  # (method, status) of every hostile request, printed likewise


def models_counted():
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not NOT_COUNTED.match(model._meta.label_lower)
    ]


def row_counts() -> dict[str, int]:
    """The number of rows of every model, in one query."""
    models = models_counted()
    quote = connection.ops.quote_name
    # Table names come from the models, not from input.
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        row = cursor.fetchone()
    return {model._meta.label: count for model, count in zip(models, row, strict=True)}


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {
        label: (count, after[label]) for label, count in before.items() if count != after[label]
    }


def url_name_of(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


@contextmanager
def rolled_back():
    """Run the example in a savepoint and undo everything it wrote."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def encode(value: str) -> str:
    # A lone surrogate goes out as the bytes a careless client sends (ED A0 80).
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def query_string(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{encode(name)}={encode(value)}" for name, value in pairs)


def printable(value: str) -> str:
    """A value that a multipart body can carry (surrogates replaced)."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


class Driver:
    """The hostile requests for one page (``path``, opened by ``user``)."""

    def __init__(self, *, path: str, user, label: str, query: str = ""):
        self.path, self.query, self.user, self.label = path, query, user, label
        self._client: Client | None = None

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path

    def client(self) -> Client:
        if self._client is None:
            self._client = Client(headers={"accept-language": "en"})
            if self.user is not None:
                self._client.force_login(self.user)
        return self._client

    def page(self, client: Client) -> Page:
        response = client.get(self.url)
        assert response.status_code == 200, (
            f"{self.label}: GET {self.url} answered {response.status_code}; the fuzz test needs "
            "the page to open (tests/fuzz/world.py says who opens it and with which objects)."
        )
        return parse(response.content.decode(), path=self.path)

    # --- What to drive ---------------------------------------------------------------------

    def post_forms(self, page: Page, *, drive_action) -> list[Form]:
        """The page's POST forms worth driving (``drive_action(form)`` decides), one per kind."""
        seen, forms = set(), []
        for form in page.forms:
            key = signature(form)
            if form.method == "post" and key not in seen and drive_action(form):
                seen.add(key)
                forms.append(form)
        return forms

    def query_parameters(self, page: Page, *, extra=()) -> list[str]:
        names = set(extra) | query_names(page, path=self.path)
        for form in page.forms:
            if form.method == "get" and urlsplit(form.action).path == self.path:
                names.update(name for name in form.fields if not MECHANISM.search(name))
        return sorted(names)

    # --- Driving ---------------------------------------------------------------------------

    def drive_form(self, form: Form, *, file_header: bytes | None, result_page: bool):
        """Post ``form`` again and again, a few of its fields hostile each time."""
        fuzzable = [name for name, field in form.fields.items() if not MECHANISM.search(name)]
        STATS["forms"].add((url_name_of(form.action), signature(form)))
        STATS["fields"].update((url_name_of(form.action), name) for name in fuzzable)
        if not fuzzable:
            return  # a button (delete, withdraw): no input to make hostile

        @given(data=st.data())
        def test(data):
            cache.clear()
            with rolled_back():
                client = self.client()
                values, files = baseline(form, file_header)
                # Every field at once (each field's parsing in one request), or a few among
                # sensible values (so the hostile value gets past the form to the service).
                few = st.sets(st.sampled_from(fuzzable), min_size=1, max_size=min(3, len(fuzzable)))
                targets = data.draw(st.one_of(st.just(set(fuzzable)), few), label="hostile fields")
                for name in sorted(targets):
                    kind = form.fields[name].kind
                    if kind == "file":
                        files[name] = data.draw(hostile.file_content(file_header), label=name)
                    else:
                        values[name] = data.draw(
                            st.one_of(hostile.value(kind), st.none()), label=name
                        )
                before = row_counts()
                response = send(client, form, values, files)
                self.check(response, before, method="POST", result_page=result_page)

        test()

    def drive_query(self, names: list[str]):
        STATS["parameters"].update((self.label, name) for name in names)
        if not names:
            return

        @given(data=st.data())
        def test(data):
            cache.clear()
            with rolled_back():
                client = self.client()
                chosen = data.draw(
                    st.lists(
                        st.tuples(st.sampled_from(names), hostile.value()), min_size=1, max_size=4
                    ),
                    label="query",
                )
                before = row_counts()
                query = "&".join(filter(None, [self.query, query_string(chosen)]))
                response = client.get(f"{self.path}?{query}")
                self.check(response, before, method="GET", result_page=True)

        test()

    def check(self, response, before, *, method: str, result_page: bool = True) -> None:
        finish(response)
        status = response.status_code
        ANSWERS[(method, status)] += 1
        ANSWERS[(self.label, method, status)] += 1
        where = f"{method} {self.label} ({self.path})"
        assert status < 500, f"{where} answered {status}"
        if 300 <= status < 400:
            return
        assert status in REFUSALS, f"{where} answered {status}"
        writes = changed(before, row_counts())
        assert not writes, f"{where} answered {status} but wrote rows: {writes}"
        if method == "POST" and status in (200, 400) and not result_page:
            body = response.content.decode(errors="replace")
            assert ERROR_SHOWN.search(body), f"{where} answered {status} without a field error"


def finish(response) -> None:
    """Close a streamed download as a WSGI server would, without the request_finished signal
    closing the test's database connection (which PostgreSQL, unlike SQLite, would lose)."""
    if not response.streaming:
        return  # the test client has closed it
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def describe(error: BaseException) -> str:
    """One form's failure for the test's report; the traceback goes to the captured output."""
    print(traceback.format_exc())
    notes = "\n".join(getattr(error, "__notes__", []))
    return f"{type(error).__name__}: {str(error)[:500]}\n{notes}"


def signature(form: Form) -> tuple:
    return (form.method, urlsplit(form.action).path, tuple(sorted(form.fields)))


# Sensible values for empty required inputs, by a word in the field's name (first match wins).
SENSIBLE = (
    ("organisation_number", lambda: valid_organisation_number(990)),
    ("postal", lambda: "4836"),
    ("phone", lambda: "+47 400 00 000"),
    ("email", lambda: "fuzz@example.no"),
    ("year", lambda: str(timezone.localdate().year)),
    ("month", lambda: "1"),
    ("date", lambda: timezone.localdate().isoformat()),
    ("hours", lambda: "1"),
    ("amount", lambda: "100"),
    ("rate", lambda: "100"),
    ("password", lambda: "Correct-horse-battery-9"),
    ("website", lambda: "https://example.no/"),
)
BY_KIND = {
    "email": "fuzz@example.no",
    "number": "1",
    "date": timezone.localdate,
    "password": "Correct-horse-battery-9",
    "url": "https://example.no/",
}


def sensible(name: str, field) -> str:
    lowered = name.lower()
    for word, make in SENSIBLE:
        if word in lowered:
            return make()
    if field.hint in ("decimal", "numeric"):
        return "1"
    made = BY_KIND.get(field.kind, "Fuzz")
    return made().isoformat() if callable(made) else made


def baseline(form: Form, file_header: bytes | None) -> tuple[dict, dict]:
    """What a user who fills the form in sensibly would send: what the page shows, and a
    sensible value in every empty required input."""
    values, files = {}, {}
    for name, field in form.fields.items():
        kind = field.kind
        if kind == "file":
            files[name] = (file_header or b"a;b") + b"\n"
        elif kind == "checkbox":
            if field.checked:
                values[name] = field.value or "on"
        elif kind == "radio":
            values[name] = field.value or (field.options[0] if field.options else "")
        elif kind == "select":
            if field.multiple:
                values[name] = list(field.selected)
            else:
                values[name] = field.value or next((o for o in field.options if o), "")
        elif field.value or kind == "hidden" or not field.required:
            values[name] = field.value
        else:
            values[name] = sensible(name, field)
    if form.submit:
        values.setdefault(form.submit[0], form.submit[1])
    return values, files


def send(client: Client, form: Form, values: dict, files: dict):
    pairs = []
    for name, value in values.items():
        if value is None:
            continue  # the field left out of the request altogether
        for one in value if isinstance(value, list) else [value]:
            pairs.append((name, one))
    if form.multipart or files:
        data = defaultdict(list)
        for name, value in pairs:
            data[name].append(printable(value))
        for name, content in files.items():
            data[name] = SimpleUploadedFile("fuzz.csv", content, content_type="text/csv")
        return client.post(form.action, dict(data))
    return client.post(
        form.action, query_string(pairs).encode("ascii"), "application/x-www-form-urlencoded"
    )
