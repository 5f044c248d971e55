"""The HTML reading the fuzz tests rely on: what a browser would send from a rendered form."""

from tests.fuzz.driver import baseline
from tests.fuzz.html_forms import parse, query_names

PAGE = """
<a href="?page=2&amp;week=2026-W10">next</a> <a href="/elsewhere/?x=1">away</a>
<form method="get"><input name="q" value=""><select name="kind"><option value="">all</option>
<option value="offer">offer</option></select></form>
<form method="POST" action="save/" enctype="multipart/form-data">
  <input type="hidden" name="csrfmiddlewaretoken" value="c">
  <input type="hidden" name="submission_token" value="t">
  <input type="text" name="title" value="Old" maxlength="20" required>
  <input type="text" name="hours" inputmode="decimal" required>
  <input type="radio" name="role" value="member">
  <input type="radio" name="role" value="admin" checked>
  <input type="checkbox" name="areas" value="1" checked>
  <input type="checkbox" name="areas" value="2">
  <select name="org" required>
    <option value="">-</option><option value="7" selected>Seven</option>
  </select>
  <select name="tags" multiple>
    <option value="a" selected>a</option><option value="b">b</option>
  </select>
  <textarea name="text">
Line one
Line two</textarea>
  <input type="file" name="upload">
  <input type="text" name="off" disabled>
  <button type="submit" name="another" value="1">Save and add another</button>
</form>
"""


def test_forms_are_read_as_a_browser_would_send_them():
    page = parse(PAGE, path="/organisations/1/items/")
    search, form = page.forms
    assert (search.method, search.action) == ("get", "/organisations/1/items/")
    assert (form.method, form.action, form.multipart) == (
        "post",
        "/organisations/1/items/save/",
        True,
    )
    fields = form.fields
    assert fields["title"].maxlength == 20
    assert fields["title"].required
    assert fields["role"].options == ["member", "admin"]
    assert fields["areas"].options == ["1", "2"]
    assert fields["tags"].selected == ["a"]
    assert fields["text"].value == "Line one\nLine two"
    assert "off" not in fields
    assert form.submit == ("another", "1")

    values, files = baseline(form, file_header=b"a;b")
    assert values["title"] == "Old"
    assert values["hours"] == "1"  # a number typed as text gets a sensible number
    assert values["role"] == "admin"
    assert values["areas"] == "1"
    assert values["org"] == "7"
    assert values["tags"] == ["a"]
    assert values["submission_token"] == "t"
    assert values["another"] == "1"
    assert files["upload"].startswith(b"a;b")


def test_the_query_parameters_of_links_back_to_the_page_are_found():
    page = parse(PAGE, path="/organisations/1/items/")
    assert query_names(page, path="/organisations/1/items/") == {"page", "week"}
