"""The project list with its filters and counts, the page in a fixed number of
queries, following, and printing."""

from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase
from inhabithon.projects import services
from tests.projects.helpers import EN, official, project, set_status


def test_the_list_filters_by_status_category_and_event_and_counts_per_status(client, make):
    challenge = make.challenge(phase=Phase.RESULTS)
    a = project(make, make.idea(challenge), title="Alfa", category="Trygghet")
    b = project(make, title="Beta", category="Gemenskap")
    c = project(make, title="Gamma", category="Trygghet")
    set_status(make, b, "planned")
    set_status(make, c, "planned")

    page = client.get("/projects", headers=EN).get_data(as_text=True)
    assert all(t in page for t in ("Alfa", "Beta", "Gamma"))
    assert 'All <span class="count">(3)</span>' in page
    assert 'Planned <span class="count">(2)</span>' in page

    page = client.get("/projects?status=planned", headers=EN).get_data(as_text=True)
    assert "Beta" in page
    assert "Gamma" in page
    assert "Alfa" not in page

    page = client.get("/projects?category=Trygghet", headers=EN).get_data(as_text=True)
    assert "Alfa" in page
    assert "Gamma" in page
    assert "Beta" not in page
    assert 'Planned <span class="count">(1)</span>' in page

    page = client.get(f"/projects?event={challenge.event.slug}").get_data(as_text=True)
    assert "Alfa" in page
    assert "Beta" not in page
    assert "Gamma" not in page
    assert a.slug in page

    page = client.get("/projects?event=no-such-event&status=nonsense").get_data(as_text=True)
    assert "Alfa" not in page


def test_the_list_counts_per_status_in_one_grouped_query(client, make, count_queries):
    for n in range(3):
        project(make, title=f"Projekt {n}")
    before = count_queries.count
    client.get("/projects")
    grouped = [s for s in count_queries.statements[before:] if "GROUP BY" in s.upper()]
    assert len(grouped) == 1


def test_the_list_continues_after_the_last_card(client, make, monkeypatch):
    from inhabithon.projects import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    for n in range(3):
        project(make, title=f"Sida {n}")
    page = client.get("/projects").get_data(as_text=True)
    assert "Sida 2" in page
    assert "Sida 1" in page
    assert "Sida 0" not in page
    start = page.index("after=") + len("after=")
    cursor = page[start : page.index('"', start)]
    second = client.get(f"/projects?after={cursor}").get_data(as_text=True)
    assert "Sida 0" in second
    assert "Sida 2" not in second


def _page_queries(client, count_queries, slug):
    before = count_queries.count
    assert client.get(f"/projects/{slug}").status_code == 200
    return count_queries.count - before


def test_the_project_page_takes_a_fixed_number_of_queries(client, make, count_queries):
    small = project(make, title="Liten")
    big = project(make, make.idea(), title="Stor")
    with make.context():
        for n in range(4):
            services.add_goal(None, big, services.GoalData(outcome=f"Mål {n}"))
            services.add_contact(None, big, f"Kontakt {n}")
            services.add_link(None, big, f"Länk {n}", f"https://example.org/{n}")
            services.post_update(None, big, f"Nytt {n}", "Text")
    set_status(make, big, "planned")
    set_status(make, big, "ongoing")
    client.login(make.user())
    small_slug, big_slug = small.slug, big.slug
    _page_queries(client, count_queries, small_slug)  # warm-up
    few = _page_queries(client, count_queries, small_slug)
    many = _page_queries(client, count_queries, big_slug)
    assert few == many
    assert many <= 11  # 10, and one for the unread notifications in the header


def test_the_page_shows_its_sections_and_links_the_print_stylesheet(client, make):
    p = project(
        make,
        title="Sektioner",
        what_md="Vad.",
        why_md="Varför.",
        how_md="Hur.",
        involvement_md="Med invånare.",
        result_md="Resultat.",
    )
    page = client.get(f"/projects/{p.slug}", headers=EN).get_data(as_text=True)
    for heading in (
        "What?",
        "Why?",
        "How?",
        "Resident involvement",
        "Result",
        "Published",
        "Last updated",
        "Timeline",
    ):
        assert heading in page, heading
    assert "<h1" in page
    assert page.count("<h1") == 1
    assert 'href="/static/css/print.css" media="print"' in page
    assert "<progress" in page
    assert 'lang="sv"' in page


def test_residents_follow_and_unfollow_and_visitors_are_sent_to_log_in(client, make):
    p = project(make)
    response = client.post(f"/projects/{p.slug}/follow")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    resident = client.login(make.user(locale="en"))
    page = client.get(f"/projects/{p.slug}").get_data(as_text=True)
    assert "Follow this project" in page
    assert client.post(f"/projects/{p.slug}/follow").status_code == 303
    assert client.post(f"/projects/{p.slug}/follow").status_code == 303  # twice is harmless
    with make.context():
        assert services.is_following(resident, p)
    assert "Stop following" in client.get(f"/projects/{p.slug}").get_data(as_text=True)
    assert client.post(f"/projects/{p.slug}/unfollow").status_code == 303
    with make.context():
        assert not services.is_following(resident, p)


def test_the_idea_page_offers_officials_to_create_a_project(client, make):
    idea = make.idea(make.challenge(phase=Phase.RESULTS))
    assert f"/ideas/{idea.id}/project/new" not in client.get(f"/ideas/{idea.id}").get_data(
        as_text=True
    )
    client.login(make.user(Role.OFFICIAL))
    assert f"/ideas/{idea.id}/project/new" in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_cancelled_projects_show_how_far_they_got(client, make):
    p = project(make, lessons_md="Lärdom.")
    set_status(make, p, "ongoing")
    set_status(make, p, "cancelled")
    client.login(official(make))
    page = client.get(f"/projects/{p.slug}", headers=EN).get_data(as_text=True)
    assert 'value="60"' in page
    assert "Cancelled" in page
