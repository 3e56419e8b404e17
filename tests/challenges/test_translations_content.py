"""Officials translate a challenge's texts; visitors see their language where a
translation exists, otherwise the original with a note of its language."""

import pytest
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.challenges.models import ChallengeTranslation, Phase

EN = {"Accept-Language": "en"}


@pytest.fixture
def official(client, make):
    return client.login(make.user(Role.OFFICIAL, locale="en"))


def translations(db, challenge):
    return db.scalars(
        select(ChallengeTranslation)
        .where(ChallengeTranslation.challenge_id == challenge.id)
        .order_by(ChallengeTranslation.language)
    ).all()


def url(challenge):
    return f"/manage/challenges/{challenge.slug}/translations"


def form(**overrides):
    data = {
        "language": "en",
        "title": "Safe paths",
        "summary": "How can everyone walk home safely?",
        "description": "Some *background*.",
    }
    data.update(overrides)
    return data


def test_an_official_adds_a_translation_and_english_visitors_see_it(client, make, db, official):
    challenge = make.challenge(title="Trygga stråk", summary="Hur kommer alla hem?", language="sv")

    response = client.post(url(challenge), data=form())

    assert response.status_code == 303
    assert response.headers["Location"].endswith(url(challenge))
    [translation] = translations(db, challenge)
    assert (translation.language, translation.title) == ("en", "Safe paths")
    assert translation.description_html == "<p>Some <em>background</em>.</p>"
    assert db.scalar(
        select(AuditEntry.action).where(AuditEntry.action == "challenge.translation_added")
    )

    client.logout()
    html = client.get(f"/challenges/{challenge.slug}", headers=EN).get_data(as_text=True)
    assert '<header lang="en">' in html
    assert "<h1>Safe paths</h1>" in html
    assert "How can everyone walk home safely?" in html
    assert "<em>background</em>" in html
    assert 'Translated from <span lang="sv">Svenska</span>' in html


def test_without_a_translation_visitors_see_the_original_with_its_language_named(client, make):
    challenge = make.challenge(title="Trygga stråk", language="sv")

    html = client.get(f"/challenges/{challenge.slug}", headers=EN).get_data(as_text=True)

    assert '<header lang="sv">' in html
    assert "<h1>Trygga stråk</h1>" in html
    assert 'Written in <span lang="sv">Svenska</span>' in html


def test_visitors_reading_the_original_language_see_no_note(client, make):
    challenge = make.challenge(title="Trygga stråk", language="sv")
    make.challenge_translation(challenge, "en", title="Safe paths")

    html = client.get(f"/challenges/{challenge.slug}", headers={"Accept-Language": "sv"}).get_data(
        as_text=True
    )

    assert "<h1>Trygga stråk</h1>" in html
    assert "Safe paths" not in html
    assert "language-note" not in html


def test_cards_on_the_home_and_event_pages_show_the_translated_title(client, make):
    event = make.event()
    challenge = make.challenge(Phase.SUBMISSIONS, event=event, title="Trygga stråk")
    make.challenge_translation(challenge, "ar", title="مسارات آمنة", summary="ملخص")
    other = make.challenge(Phase.SUBMISSIONS, event=event, title="Gröna gårdar")
    ar = {"Accept-Language": "ar"}

    for page in ("/", f"/events/{event.slug}"):
        html = client.get(page, headers=ar).get_data(as_text=True)
        assert 'lang="ar"' in html
        assert "مسارات آمنة" in html
        assert "Trygga stråk" not in html
        assert other.title in html  # untranslated: the original, marked Swedish
        assert '<span lang="sv">Svenska</span>' in html


def test_event_page_with_translations_costs_one_query_more_not_one_per_challenge(
    client, make, count_queries
):
    event = make.event()
    for n in range(2):
        make.challenge(Phase.SUBMISSIONS, event=event, title=f"Utmaning {n}")
    client.get(f"/events/{event.slug}", headers=EN)  # warm up
    count_queries.statements.clear()
    client.get(f"/events/{event.slug}", headers=EN)
    few = count_queries.count
    for n in range(6):
        challenge = make.challenge(Phase.SUBMISSIONS, event=event, title=f"Fler {n}")
        make.challenge_translation(challenge, "en", title=f"More {n}")
    count_queries.statements.clear()
    client.get(f"/events/{event.slug}", headers=EN)
    assert count_queries.count <= few
    translation_queries = [q for q in count_queries.statements if "challenge_translations" in q]
    assert len(translation_queries) == 1


def test_editing_a_translation_replaces_it_and_keeps_one_per_language(client, make, db, official):
    challenge = make.challenge(language="sv")
    make.challenge_translation(challenge, "en", title="Old title")

    page = client.get(url(challenge) + "?language=en").get_data(as_text=True)
    assert 'value="Old title"' in page

    response = client.post(url(challenge), data=form(title="New title"))

    assert response.status_code == 303
    [translation] = translations(db, challenge)
    assert translation.title == "New title"


def test_deleting_a_translation_brings_back_the_original(client, make, db, official):
    challenge = make.challenge(title="Trygga stråk", language="sv")
    make.challenge_translation(challenge, "en", title="Safe paths")

    response = client.post(url(challenge) + "/en/delete")

    assert response.status_code == 303
    assert translations(db, challenge) == []
    assert client.post(url(challenge) + "/en/delete").status_code == 404


def test_the_challenges_own_language_and_unknown_languages_are_refused(client, make, db, official):
    challenge = make.challenge(language="sv")

    for language in ("sv", "so", "xx", ""):
        response = client.post(url(challenge), data=form(language=language, title="Kept title"))
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "Choose one of the interface languages other than the challenge" in html
        assert 'value="Kept title"' in html
    assert translations(db, challenge) == []


def test_a_missing_title_is_refused_keeping_the_other_values(client, make, db, official):
    challenge = make.challenge(language="sv")

    response = client.post(url(challenge), data=form(title="", summary="Kept summary"))

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the translated title." in html
    assert "Kept summary" in html
    assert 'class="error-summary"' in html
    assert translations(db, challenge) == []


def test_translated_markdown_is_sanitized(client, make, db, official):
    challenge = make.challenge(language="sv")

    client.post(
        url(challenge),
        data=form(description="<script>alert(1)</script>[x](javascript:alert(1)) **ok**"),
    )

    [translation] = translations(db, challenge)
    assert "<script" not in translation.description_html
    assert "javascript:" not in translation.description_html
    assert "<strong>ok</strong>" in translation.description_html
    html = client.get(f"/challenges/{challenge.slug}", headers=EN).get_data(as_text=True)
    assert "<script>alert" not in html


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.GUIDE, Role.JURY])
def test_only_officials_and_admins_manage_translations(client, make, db, role):
    challenge = make.challenge(language="sv")
    make.challenge_translation(challenge, "en", title="Safe paths")
    if role is not None:
        client.login(make.user(role))

    expected = 403 if role is not None else 302  # visitors are sent to log in
    assert client.get(url(challenge)).status_code == expected
    assert client.post(url(challenge), data=form(title="Hacked")).status_code == expected
    assert client.post(url(challenge) + "/en/delete").status_code == expected
    assert [t.title for t in translations(db, challenge)] == ["Safe paths"]


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.ADMIN])
def test_officials_and_admins_see_the_translations_page(client, make, role):
    client.login(make.user(role, locale="en"))
    challenge = make.challenge(language="sv")
    make.challenge_translation(challenge, "ar", title="مسارات آمنة")

    html = client.get(url(challenge)).get_data(as_text=True)

    assert "Translations of the challenge" in html
    assert '<td lang="ar">مسارات آمنة</td>' in html
    assert '<option value="en">English</option>' in html
    assert 'value="sv"' not in html.split("<select")[1].split("</select>")[0]


def test_unknown_challenges_are_not_found(client, make, official):
    assert client.get("/manage/challenges/no-such-challenge/translations").status_code == 404


def test_the_form_without_a_csrf_token_is_refused(client, make, db, official):
    challenge = make.challenge(language="sv")

    response = client.post(url(challenge), data=form(), csrf=False)

    assert response.status_code == 400
    assert translations(db, challenge) == []
