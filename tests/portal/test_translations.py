"""The Norwegian bokmål catalogue: every marked string is translated, the compiled catalogue
is the committed one, and the pages really speak Norwegian by default and English on request.

Update the catalogue with the command the failure message prints, translate the new entries in
``locale/nb/LC_MESSAGES/django.po`` and run ``manage.py compilemessages -l nb --ignore=.venv``.
"""

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from tests.factories import active_organisation, member_of

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "nb" / "LC_MESSAGES"
UPDATE_COMMAND = (
    ".venv/bin/python manage.py makemessages -l nb --ignore=.venv --ignore=var "
    "--ignore=tests --no-obsolete --add-location=file"
)
# What makemessages reads for the "django" domain, and the folders it is told to leave out.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
NOT_SOURCE = {"locale", "tests", "var", "node_modules", "test-artifacts", "__pycache__"}

Key = tuple[str | None, str, str | None]  # (msgctxt, msgid, msgid_plural)


def _read_po(path: Path) -> dict[Key, tuple[list[str], set[str]]]:
    """Each entry of a PO file (the header left out) with its translations and flags."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        flags: set[str] = set()
        field = None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and field:
                fields[field] += ast.literal_eval(line)
            else:
                field, _, value = line.partition(" ")
                fields[field] = ast.literal_eval(value)
        if fields.get("msgid"):
            key = (fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural"))
            translations = [v for k, v in fields.items() if k.startswith("msgstr")]
            entries[key] = (translations, flags)
    return entries


def _describe(keys) -> str:
    return "\n".join(
        f"  {msgid!r}" + (f" (context {ctx!r})" if ctx else "") for ctx, msgid, _ in keys
    )


def _copy_sources(destination: Path) -> None:
    root = Path(settings.BASE_DIR)

    def ignore(folder, names):
        at_top = Path(folder) == root
        return [
            name
            for name in names
            if name.startswith(".")
            or name.endswith(".egg-info")
            or (at_top and name in NOT_SOURCE)
            or ((Path(folder) / name).is_file() and Path(name).suffix not in SOURCE_SUFFIXES)
        ]

    shutil.copytree(root, destination, ignore=ignore)


@pytest.fixture(scope="module")
def fresh_extraction(tmp_path_factory) -> dict:
    """The messages marked in the code right now, extracted by makemessages from a copy of the
    sources (makemessages always writes into a project's own locale folder, so it runs on a copy
    whose locale folder is a temporary one)."""
    project = tmp_path_factory.mktemp("extraction") / "project"
    _copy_sources(project)
    locale = project / "locale"
    locale.mkdir()
    with pytest.MonkeyPatch.context() as patch, override_settings(LOCALE_PATHS=[locale]):
        patch.chdir(project)
        call_command("makemessages", locale=["nb"], verbosity=0)
    return _read_po(locale / "nb" / "LC_MESSAGES" / "django.po")


def test_extraction_finds_the_marked_strings_of_code_and_templates(fresh_extraction):
    msgids = {msgid for _, msgid, _ in fresh_extraction}
    assert "Membership history" in msgids  # a template
    assert "An organisation number has exactly nine digits." in msgids  # Python code
    assert (None, "%(counter)s participant", "%(counter)s participants") in fresh_extraction


def test_every_string_marked_in_the_code_has_a_norwegian_translation(fresh_extraction):
    committed = _read_po(CATALOGUE / "django.po")
    translated = {
        key
        for key, (translations, flags) in committed.items()
        if all(translations) and "fuzzy" not in flags
    }
    untranslated = sorted(set(fresh_extraction) - translated, key=lambda key: key[1])
    assert not untranslated, (
        f"{len(untranslated)} marked string(s) have no Norwegian translation; run\n"
        f"  {UPDATE_COMMAND}\nand translate:\n{_describe(untranslated)}"
    )


def test_the_catalogue_has_no_empty_or_fuzzy_entries():
    entries = _read_po(CATALOGUE / "django.po")
    incomplete = [key for key, (tr, flags) in entries.items() if not all(tr) or "fuzzy" in flags]
    assert not incomplete, f"Untranslated or fuzzy entries:\n{_describe(incomplete)}"
    header = (CATALOGUE / "django.po").read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "fuzzy" not in header  # a fuzzy header is left out of the compiled catalogue
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in header


def test_the_compiled_catalogue_is_the_committed_one_with_matching_placeholders(tmp_path):
    compiled = tmp_path / "django.mo"
    # --check also fails when a translation drops or renames a %(placeholder)s.
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(CATALOGUE / "django.po")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with compiled.open("rb") as fresh, (CATALOGUE / "django.mo").open("rb") as committed:
        fresh_catalogue = gettext.GNUTranslations(fresh)
        committed_catalogue = gettext.GNUTranslations(committed)
    # The header ("") carries the extraction date, which every makemessages run changes.
    assert committed_catalogue.info()["plural-forms"] == fresh_catalogue.info()["plural-forms"]
    assert _messages(committed_catalogue) == _messages(fresh_catalogue), (
        "locale/nb/LC_MESSAGES/django.mo is older than django.po; run "
        "manage.py compilemessages -l nb --ignore=.venv"
    )


def _messages(translations: gettext.GNUTranslations) -> dict:
    return {key: text for key, text in translations._catalog.items() if key != ""}


# --- The pages in both languages -----------------------------------------------------------


def _html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)">', response.content.decode()).group(1)


FRONT_PAGE = {
    "nb": [
        "Søk om medlemskap",
        "Logg inn",
        "Battery Norway er næringsnettverket for den norske batteriverdikjeden.",
        "Hvem deltar",
        "Hele verdikjeden",
        "Gjenvinning",  # a seeded value-chain segment, named in the page's language
    ],
    "en": [
        "Apply for membership",
        "Sign in",
        "Battery Norway is the industry network for the Norwegian battery value chain.",
        "Who takes part",
        "The whole value chain",
        "Recycling",
    ],
}
SIGN_IN_PAGE = {
    "nb": [
        "Logg inn",
        "Kontoer opprettes når en søknad om medlemskap blir godkjent",
        "Passord",
    ],
    "en": [
        "Sign In",
        "Accounts are created when a membership application is approved",
        "Password",
    ],
}
ORGANISATION_PAGE = {
    "nb": [
        "Kjernebedrift",
        "Organisasjonsnummer",
        "Medlemskapshistorikk",
        "Deltakertype",
        "Personer",
        "Vi tilbyr",
        "Min organisasjon",
        "Deltakeroversikt",
        "Logg ut",
    ],
    "en": [
        "Core company",
        "Organisation number",
        "Membership history",
        "Participant type",
        "People",
        "We offer",
        "My organisation",
        "Directory",
        "Sign out",
    ],
}
OTHER_LANGUAGE = {"nb": "en", "en": "nb"}


def _assert_page_speaks(response, language: str, texts: dict[str, list[str]]) -> None:
    content = response.content.decode()
    assert response.status_code == 200
    assert _html_lang(response) == language
    missing = [text for text in texts[language] if text not in content]
    assert not missing, f"Not on the page in {language}: {missing}"
    # Only what differs between the languages can tell that the other one is absent.
    other = [t for t in texts[OTHER_LANGUAGE[language]] if t not in texts[language]]
    leftovers = [text for text in other if text in content]
    assert not leftovers, f"Text in the wrong language on the {language} page: {leftovers}"


@pytest.fixture(params=["nb", "en"])
def browser(request, client, client_nb):
    """A browser with no language preference (Norwegian) and one that asks for English."""
    return request.param, {"nb": client_nb, "en": client}[request.param]


@pytest.mark.django_db
def test_front_page_is_norwegian_by_default_and_english_on_request(browser):
    language, client = browser
    _assert_page_speaks(client.get("/"), language, FRONT_PAGE)


@pytest.mark.django_db
def test_sign_in_page_is_norwegian_by_default_and_english_on_request(browser):
    language, client = browser
    _assert_page_speaks(client.get(reverse("account_login")), language, SIGN_IN_PAGE)


@pytest.mark.django_db
def test_my_organisation_page_is_norwegian_by_default_and_english_on_request(browser):
    language, client = browser
    organisation = active_organisation()
    client.force_login(member_of(organisation))
    response = client.get(reverse("members:organisation", kwargs={"pk": organisation.pk}))
    _assert_page_speaks(response, language, ORGANISATION_PAGE)
