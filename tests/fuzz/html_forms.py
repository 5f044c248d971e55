"""The forms and same-page links of a rendered page, read with the standard library's parser.

The fuzz tests learn what to send from the HTML a user gets, not from a list kept by hand: a new
form, field or filter is driven as soon as a page renders it.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit


@dataclass
class Field:
    name: str
    kind: str  # the input type (text, email, number, date, hidden, file…), select or textarea
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    checked: bool = False
    selected: list[str] = field(default_factory=list)  # of a select
    maxlength: int | None = None
    required: bool = False
    hint: str = ""  # inputmode, e.g. "decimal" for a number typed as text


@dataclass
class Form:
    method: str
    action: str  # absolute path, resolved against the page
    multipart: bool
    fields: dict[str, Field] = field(default_factory=dict)
    submit: tuple[str, str] | None = None  # the first named submit button

    def add(self, new: Field) -> None:
        known = self.fields.get(new.name)
        if known is None:
            self.fields[new.name] = new
        elif new.kind in ("radio", "checkbox"):
            known.options.extend(new.options)
            if new.checked:
                known.value, known.checked = new.value, True


@dataclass
class Page:
    forms: list[Form] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # every href, absolute


class _Parser(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.page = Page()
        self.form: Form | None = None
        self.select: Field | None = None
        self.option: str | None = None
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {key: value if value is not None else "" for key, value in attrs}
        if tag == "a" and "href" in a:
            self.page.links.append(urljoin(self.base, a["href"]))
        elif tag == "form":
            action = urlsplit(urljoin(self.base, a.get("action") or ""))
            self.form = Form(
                method=(a.get("method") or "get").lower(),
                action=action.path + (f"?{action.query}" if action.query else ""),
                multipart="multipart" in a.get("enctype", ""),
            )
            self.page.forms.append(self.form)
        elif self.form is None:
            return
        elif tag in ("input", "button"):
            self._input(tag, a)
        elif tag == "select" and a.get("name"):
            self.select = Field(
                a["name"], "select", multiple="multiple" in a, required="required" in a
            )
            self.form.add(self.select)
        elif tag == "option" and self.select is not None:
            self.option = a.get("value")
            if self.option is not None:
                self._option(self.option, "selected" in a)
        elif tag == "textarea" and a.get("name"):
            self.textarea = Field(
                a["name"],
                "textarea",
                maxlength=_int(a.get("maxlength")),
                required="required" in a,
            )
            self.form.add(self.textarea)

    def _input(self, tag, a):
        kind = a.get("type", "submit" if tag == "button" else "text").lower()
        name = a.get("name")
        if not name or "disabled" in a:
            return
        if kind in ("submit", "image"):
            if self.form.submit is None:
                self.form.submit = (name, a.get("value", ""))
            return
        if kind == "button" or kind == "reset":
            return
        value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
        checked = "checked" in a
        self.form.add(
            Field(
                name,
                kind,
                value=value if kind not in ("checkbox", "radio") or checked else "",
                options=[value] if kind in ("checkbox", "radio") else [],
                checked=checked,
                maxlength=_int(a.get("maxlength")),
                required="required" in a,
                hint=a.get("inputmode", ""),
            )
        )

    def _option(self, value: str, selected: bool) -> None:
        self.select.options.append(value)
        if selected:
            self.select.selected.append(value)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select is not None:
            # What a browser sends: the selected option, else the first one of a single select.
            chosen = self.select.selected or self.select.options[:1]
            if not self.select.multiple:
                self.select.value = chosen[0] if chosen else ""
            self.select = None
        elif tag == "option":
            self.option = None
        elif tag == "textarea":
            if self.textarea is not None and self.textarea.value.startswith("\n"):
                self.textarea.value = self.textarea.value[1:]
            self.textarea = None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() else None


def parse(html: str, *, path: str) -> Page:
    parser = _Parser(f"http://testserver{path}")
    parser.feed(html)
    parser.close()
    return parser.page


def query_names(page: Page, *, path: str) -> set[str]:
    """Names of the query parameters the page's own links send back to it (pagination,
    filters, week navigation)."""
    names = set()
    for link in page.links:
        parts = urlsplit(link)
        if parts.netloc == "testserver" and parts.path == path:
            names.update(name for name, _value in parse_qsl(parts.query, keep_blank_values=True))
    return names
