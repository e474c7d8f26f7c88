import gettext
from pathlib import Path

import polib
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "locale"


def test_indonesian_is_the_default_even_for_english_browsers(client, db):
    response = client.get(reverse("pages:landing"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="id">' in response.content.decode()
    assert "Daftarkan usaha Anda" in response.content.decode()


def test_language_switch_to_english_and_back(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("pages:landing")).content.decode()
    assert '<html lang="en">' in page and "Register your business" in page
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert '<html lang="id">' in client.get(reverse("pages:landing")).content.decode()


def test_unknown_language_cookie_falls_back_to_indonesian(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="id">' in client.get(reverse("pages:landing")).content.decode()


def test_compiled_catalogue_matches_the_po_file():
    """The committed .mo (what Django reads) holds every translation of the .po (what people edit)."""
    po = polib.pofile(str(LOCALE / "id/LC_MESSAGES/django.po"))
    with open(LOCALE / "id/LC_MESSAGES/django.mo", "rb") as handle:
        mo = gettext.GNUTranslations(handle)
    assert po.percent_translated() == 100
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert mo.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0], entry.msgid
        elif entry.msgctxt:
            assert mo.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        else:
            assert mo.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_language_choice_is_saved_on_the_account_and_follows_the_user(client, owner):
    client.force_login(owner)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    owner.refresh_from_db()
    assert owner.language == "en"
    client.cookies.clear()  # another phone: no cookie yet
    client.force_login(owner)
    assert '<html lang="en">' in client.get(reverse("pages:landing")).content.decode()


def test_every_catalogue_is_complete_without_duplicates():
    """Each Indonesian catalogue (the project's and every app's own) is fully translated, with no
    msgid defined twice (a merge can leave one; msgfmt then refuses the whole file)."""
    root = Path(settings.BASE_DIR)
    catalogues = sorted(root.glob("locale/id/LC_MESSAGES/*.po")) + sorted(root.glob("*/locale/id/LC_MESSAGES/*.po"))
    assert len(catalogues) >= 1
    for path in catalogues:
        po = polib.pofile(str(path))
        keys = [(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete]
        duplicates = {key for key in keys if keys.count(key) > 1}
        assert not duplicates, f"{path}: {sorted(duplicates)[:5]}"
        assert not po.fuzzy_entries(), f"{path}: fuzzy entries"
        assert po.percent_translated() == 100, f"{path}: untranslated entries"
