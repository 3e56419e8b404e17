"""The public event page."""

import datetime as dt

from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase


def test_event_page_shows_name_place_dates_description_and_published_challenges(client, make):
    event = make.event(
        name="H22 Inhabithon",
        place="Prismahuset, Oceanhamnen",
        starts_at=dt.datetime(2022, 6, 10, 7, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2022, 6, 12, 14, 0, tzinfo=dt.UTC),
        description_md="A **weekend** of co-design.",
    )
    make.challenge(
        Phase.VOTING, event=event, title="Trygga stråk", category="Trygghet", summary="Safe paths."
    )

    response = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"})

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>H22 Inhabithon</h1>" in html
    assert "Prismahuset, Oceanhamnen" in html
    # Babel formats in Europe/Stockholm (UTC+2 in June).
    assert "Jun 10, 2022, 9:00\u202fAM" in html
    assert "Jun 12, 2022, 4:00\u202fPM" in html
    assert "<strong>weekend</strong>" in html
    assert "Trygga stråk" in html
    assert '<span class="tag">Trygghet</span>' in html
    assert "badge--voting" in html
    assert "Safe paths." in html


def test_event_page_formats_dates_in_the_visitors_language(client, make):
    event = make.event(starts_at=dt.datetime(2022, 6, 10, 7, 0, tzinfo=dt.UTC))

    swedish = client.get(f"/events/{event.slug}", headers={"Accept-Language": "sv"})
    english = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"})

    # Stockholm time (UTC+2 in June), in each language's own format.
    assert "10 juni 2022 09:00<" in swedish.get_data(as_text=True)
    assert "Jun 10, 2022, 9:00\u202fAM<" in english.get_data(as_text=True)


def test_times_are_shown_to_the_minute_in_winter_time_too(client, make):
    # 16:30:45 UTC on 20 January is 17:30 in Stockholm (UTC+1); no seconds shown.
    event = make.event(starts_at=dt.datetime(2023, 1, 20, 16, 30, 45, tzinfo=dt.UTC))
    swedish = client.get(f"/events/{event.slug}", headers={"Accept-Language": "sv"})
    english = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"})
    arabic = client.get(f"/events/{event.slug}", headers={"Accept-Language": "ar"})

    assert "20 jan. 2023 17:30<" in swedish.get_data(as_text=True)
    assert "Jan 20, 2023, 5:30\u202fPM<" in english.get_data(as_text=True)
    arabic_html = arabic.get_data(as_text=True)
    assert "٢٠٢٣" in arabic_html or "2023" in arabic_html
    for html in (swedish.get_data(as_text=True), english.get_data(as_text=True), arabic_html):
        assert "17:30:45" not in html
        assert "5:30:45" not in html


def test_event_page_hides_draft_challenges_from_visitors_and_residents(client, make):
    event = make.event()
    make.challenge(Phase.DRAFT, event=event, title="Secret draft")
    make.challenge(Phase.SUBMISSIONS, event=event, title="Open one")

    anonymous = client.get(f"/events/{event.slug}").get_data(as_text=True)
    client.login(make.user())
    resident = client.get(f"/events/{event.slug}").get_data(as_text=True)

    for html in (anonymous, resident):
        assert "Open one" in html
        assert "Secret draft" not in html
        assert "/manage/" not in html


def test_event_page_shows_officials_draft_challenges_marked_draft_with_edit_links(client, make):
    event = make.event()
    draft = make.challenge(Phase.DRAFT, event=event, title="Secret draft")
    client.login(make.user(Role.OFFICIAL))

    html = client.get(f"/events/{event.slug}").get_data(as_text=True)

    assert "Secret draft" in html
    assert "badge--draft" in html
    assert f'href="/manage/challenges/{draft.slug}/edit"' in html
    assert f'href="/manage/events/{event.slug}/edit"' in html
    assert f'href="/manage/events/{event.slug}/challenges/new"' in html


def test_event_page_without_challenges_says_so(client, make):
    event = make.event()

    response = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"})

    assert "No challenges have been published for this event yet." in response.get_data(
        as_text=True
    )


def test_unknown_event_is_404(client):
    assert client.get("/events/no-such-event").status_code == 404
