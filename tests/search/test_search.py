"""Search across challenges, ideas and projects: the database's own full-text
index (FTS5 on SQLite, tsvector on PostgreSQL) behind one page, kept current
by triggers on every write, showing only what the public may see."""

import re
from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase
from inhabithon.ideas.models import AuthorDisplay, IdeaStatus
from inhabithon.search.query import fts5_match, parse, tsquery
from tests.challenges.test_manage_challenges import challenge_form
from tests.conftest import is_postgres
from tests.projects.helpers import project, set_status


def page(client, **params):
    response = client.get("/search", query_string=params)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def hits(html):
    """The (kind, href) of every result, in order."""
    found = []
    for section in re.findall(
        r'<section aria-labelledby="results-(\w+)">(.*?)</section>', html, re.S
    ):
        found += [
            (section[0], h)
            for h in re.findall(r'<h4 class="card__title"><a href="([^"]+)"', section[1])
        ]
    return found


def idea_hrefs(html):
    return [href for kind, href in hits(html) if kind == "idea"]


# --- what is found ------------------------------------------------------------


def test_finds_challenges_ideas_and_projects_grouped_by_kind_with_counts(client, make):
    challenge = make.challenge(title="Cykelvägar i Malmö", summary="Hur cyklar vi tryggt?")
    idea = make.idea(challenge, title="Lånecyklar vid stationen", summary="Cyklar för alla.")
    proj = project(make, title="Cykelgarage", lead="Ett garage för cyklar.")
    make.idea(challenge, title="Parkbänkar", summary="Fler bänkar.")

    html = page(client, q="cykl")

    assert hits(html) == [
        ("challenge", f"/challenges/{challenge.slug}"),
        ("idea", f"/ideas/{idea.id}"),
        ("project", f"/projects/{proj.slug}"),
    ]
    assert "3 results" in html
    assert re.search(r"Ideas <span class=\"count\">\(1\)</span>", html)
    assert "<mark>Cyklar</mark> för alla." in html


def test_swedish_letters_match_themselves_and_not_their_plain_cousins(client, make):
    challenge = make.challenge()
    walk = make.idea(challenge, title="En gång till parken", summary="Gångstråk.")
    gang = make.idea(challenge, title="Gang i trappan", summary="Ungdomar.")
    lake = make.idea(challenge, title="Sjön", summary="Bada i sjön.")

    assert idea_hrefs(page(client, q="gång")) == [f"/ideas/{walk.id}"]
    assert idea_hrefs(page(client, q="GÅNG")) == [f"/ideas/{walk.id}"]
    assert idea_hrefs(page(client, q="gang")) == [f"/ideas/{gang.id}"]
    assert idea_hrefs(page(client, q="sjö")) == [f"/ideas/{lake.id}"]
    assert idea_hrefs(page(client, q="sjo")) == []


def test_a_word_finds_its_swedish_inflections_by_prefix_and_dropped_e(client, make):
    challenge = make.challenge()
    bikes = make.idea(challenge, title="Fler cyklar", summary="Lånecyklar i centrum.")
    winters = make.idea(challenge, title="Kalla vintrar", summary="Snö.")

    assert idea_hrefs(page(client, q="cykl")) == [f"/ideas/{bikes.id}"]
    assert idea_hrefs(page(client, q="cykel")) == [f"/ideas/{bikes.id}"]
    assert idea_hrefs(page(client, q="vinter")) == [f"/ideas/{winters.id}"]


def test_arabic_text_is_found_by_its_words(client, make):
    challenge = make.challenge()
    idea = make.idea(challenge, title="حديقة للأطفال", summary="مكان آمن للعب.", language="ar")
    html = page(client, q="حديقة")
    assert idea_hrefs(html) == [f"/ideas/{idea.id}"]
    assert "<mark>حديقة</mark> للأطفال" in html
    assert 'lang="ar"' in html


def test_phrases_exclusions_and_or(client, make):
    challenge = make.challenge()
    a = make.idea(challenge, title="Trygga stråk", summary="Ljus på gångvägen.")
    b = make.idea(challenge, title="Stråk med ljus", summary="Trygga vägar.")
    c = make.idea(challenge, title="Blommor", summary="Trygga parker.")

    assert idea_hrefs(page(client, q='"trygga stråk"')) == [f"/ideas/{a.id}"]
    assert sorted(idea_hrefs(page(client, q="trygga -blommor"))) == sorted(
        [f"/ideas/{a.id}", f"/ideas/{b.id}"]
    )
    assert sorted(idea_hrefs(page(client, q="blommor OR stråk"))) == sorted(
        [f"/ideas/{a.id}", f"/ideas/{b.id}", f"/ideas/{c.id}"]
    )


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"unclosed phrase',
        "NEAR(a b)",
        "title:x",
        "a AND OR NOT b",
        "*",
        "^start",
        "(((",
        "'; DROP TABLE ideas; --",
        "a & b | !c <-> d:*",
        "\\",
        "-",
        "OR",
        "🙂 emoji",
    ],
)
def test_any_text_is_answered_without_error(client, make, text):
    make.idea(make.challenge(), title="Something")
    html = page(client, q=text)
    assert "Search" in html


def test_an_empty_query_shows_the_form_without_results(client):
    html = page(client, q="")
    assert 'id="search-q"' in html
    assert "search-results-heading" not in html
    html = page(client, q="-onlyexcluded")
    assert "Type at least one word to search for." in html


def test_a_too_long_query_is_refused_with_a_message_and_kept(client):
    text = "lång " * 50
    response = client.get("/search", query_string={"q": text})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Search for at most 200 characters." in html
    assert f'value="{text.strip()}"' in html or 'value="' + text + '"' in html


def test_every_text_reaches_the_database_only_as_quoted_words():
    parsed = parse('cykel "gång väg" -bil NEAR(x) a:b OR c*')
    assert fts5_match(parsed) == (
        '(("cykel"* OR "cykl"*) AND ("gång väg") AND ("near"*) AND ("x"*) AND ("a"*) '
        'AND ("b"* OR "c"*)) NOT ("bil"*)'
    )
    assert tsquery(parsed) == (
        "(('cykel':* | 'cykl':*)) & (('gång' <-> 'väg')) & (('near':*)) & (('x':*)) "
        "& (('a':*)) & (('b':*) | ('c':*)) & !('bil':*)"
    )


# --- visibility and anonymity -------------------------------------------------


def test_hidden_and_pending_ideas_and_unpublished_challenges_are_never_found(client, make):
    challenge = make.challenge(title="Öppen utmaning")
    draft = make.challenge(phase=Phase.DRAFT, title="Hemlig utmaning zebra")
    make.idea(challenge, title="Dold idé zebra", status=IdeaStatus.HIDDEN)
    make.idea(challenge, title="Väntande idé zebra", status=IdeaStatus.PENDING)
    make.idea(draft, title="Idé i utkast zebra")
    shown = make.idea(challenge, title="Synlig idé zebra")

    html = page(client, q="zebra")
    assert hits(html) == [("idea", f"/ideas/{shown.id}")]
    assert "1 result" in html
    for text in ("Dold", "Väntande", "utkast", "Hemlig"):
        assert text not in html
    client.login(make.user(Role.OFFICIAL))
    assert hits(page(client, q="zebra")) == [("idea", f"/ideas/{shown.id}")]


def test_an_authors_name_or_email_never_finds_their_ideas(client, make, db):
    author = make.user(name="Zlatana Quxberg", email="zlatana@example.org")
    challenge = make.challenge()
    make.idea(challenge, author, anonymous=True, title="Anonym idé")
    make.idea(challenge, author, title="Idé med namn")
    pseudo = make.idea(challenge, author, title="Pseudonym idé")
    pseudo.author_display = AuthorDisplay.PSEUDONYM
    db.commit()

    for text in ("Zlatana", "Quxberg", "zlatana@example.org", "example"):
        html = page(client, q=text)
        assert hits(html) == []
        assert "0 results" in html
    html = page(client, q="idé")
    assert len(idea_hrefs(html)) == 3
    assert "Zlatana" not in html
    assert "Quxberg" not in html


def test_matches_are_highlighted_in_escaped_text(client, make):
    make.idea(
        make.challenge(),
        title="<script>alert('x')</script> Bänkar",
        summary='Fler <b>bänkar</b> & "bord"',
    )
    # (PostgreSQL's parser skips tags such as "<script>", so search for the word beside it.)
    html = page(client, q="bänkar")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; <mark>Bänkar</mark>" in html
    assert "Fler &lt;b&gt;<mark>bänkar</mark>&lt;/b&gt; &amp; &#34;bord&#34;" in html


# --- kept current on every write ------------------------------------------------


def test_a_new_idea_an_edit_and_hiding_change_the_results_at_once(client, make, db):
    challenge = make.challenge(phase=Phase.SUBMISSIONS)
    author = client.login(make.user())
    response = client.post(
        f"/challenges/{challenge.slug}/ideas/new",
        data={
            "title": "Solceller på taken",
            "summary": "Grön el.",
            "body_md": "Mer sol.",
            "language": "sv",
        },
    )
    assert response.status_code in (302, 303)
    [href] = idea_hrefs(page(client, q="solceller"))
    idea_id = int(href.rsplit("/", 1)[1])

    response = client.post(
        f"/ideas/{idea_id}/edit",
        data={
            "title": "Vindkraft i hamnen",
            "summary": "Grön el.",
            "body_md": "Mer vind.",
            "language": "sv",
        },
    )
    assert response.status_code in (302, 303)
    assert idea_hrefs(page(client, q="solceller")) == []
    assert idea_hrefs(page(client, q="vindkraft")) == [href]

    client.login(make.user(Role.OFFICIAL))
    response = client.post(
        f"/moderation/ideas/{idea_id}",
        data={"action": "hide", f"idea-{idea_id}-reason": "Off topic."},
    )
    assert response.status_code == 303
    assert idea_hrefs(page(client, q="vindkraft")) == []
    assert author is not None


def test_editing_a_challenge_translation_changes_the_results_at_once(client, make):
    challenge = make.challenge(title="Trygga stråk", language="sv")
    client.login(make.user(Role.OFFICIAL))
    url = f"/manage/challenges/{challenge.slug}/translations"
    form = {
        "language": "en",
        "title": "Safe walkways",
        "summary": "Lights.",
        "description": "Walk.",
    }
    assert client.post(url, data=form).status_code == 303
    html = page(client, q="walkways")
    assert hits(html) == [("challenge", f"/challenges/{challenge.slug}")]
    assert "Safe <mark>walkways</mark>" in html  # the text that matched is shown
    assert 'lang="en"' in html

    assert client.post(url, data={**form, "title": "Safe footpaths"}).status_code == 303
    assert hits(page(client, q="walkways")) == []
    assert hits(page(client, q="footpaths")) == [("challenge", f"/challenges/{challenge.slug}")]
    assert hits(page(client, q="stråk")) == [("challenge", f"/challenges/{challenge.slug}")]

    assert client.post(f"{url}/en/delete").status_code in (302, 303)
    assert hits(page(client, q="footpaths")) == []


def test_unpublishing_a_challenge_hides_it_its_translations_and_ideas_at_once(client, make):
    challenge = make.challenge(title="Trygga stråk", language="sv")
    make.challenge_translation(challenge, "en", title="Safe walkways")
    shown = make.idea(challenge, title="Lampor längs stråket")
    make.idea(challenge, title="Dolda lampor", status=IdeaStatus.HIDDEN)
    other = make.idea(make.challenge(title="Parker"), title="Lampor i parken")
    client.login(make.user(Role.OFFICIAL))
    edit = f"/manage/challenges/{challenge.slug}/edit"

    assert client.post(edit, data=challenge_form(slug=challenge.slug)).status_code == 303
    assert hits(page(client, q="stråk")) == []
    assert hits(page(client, q="walkways")) == []
    html = page(client, q="lampor")
    assert idea_hrefs(html) == [f"/ideas/{other.id}"]
    assert "1 result" in html  # counted from the index, which knows at once

    published = challenge_form(slug=challenge.slug, is_published="y")
    assert client.post(edit, data=published).status_code == 303
    assert hits(page(client, q="walkways")) == [("challenge", f"/challenges/{challenge.slug}")]
    html = page(client, q="lampor")
    assert sorted(idea_hrefs(html)) == sorted([f"/ideas/{shown.id}", f"/ideas/{other.id}"])
    assert "2 results" in html  # the hidden idea stays hidden


def test_restoring_a_hidden_idea_makes_it_findable_again(client, make):
    idea = make.idea(make.challenge(), title="Sittbänkar vid torget", status=IdeaStatus.HIDDEN)
    assert idea_hrefs(page(client, q="sittbänkar")) == []
    client.login(make.user(Role.OFFICIAL))
    response = client.post(
        f"/moderation/ideas/{idea.id}",
        data={"action": "restore", f"idea-{idea.id}-reason": "Fine after all."},
    )
    assert response.status_code == 303
    assert idea_hrefs(page(client, q="sittbänkar")) == [f"/ideas/{idea.id}"]


def test_a_wrong_index_flag_still_never_shows_a_hidden_idea(client, make, db):
    """The index decides what is counted; the page checks each shown idea once more."""
    idea = make.idea(make.challenge(), title="Hemliga cyklar", status=IdeaStatus.HIDDEN)
    if db.get_bind().dialect.name == "postgresql":
        stale = "UPDATE search_documents SET visible = true WHERE id = :id * 8 + 3"
    else:
        stale = "UPDATE search_index SET visible = 1 WHERE rowid = :id * 8 + 3"
    db.execute(sa.text(stale), {"id": idea.id})  # as if a write had slipped past the triggers
    db.commit()

    html = page(client, q="cyklar")
    assert idea_hrefs(html) == []
    assert "Hemliga" not in html


def test_publishing_a_project_makes_it_findable_at_once(client, make):
    assert hits(page(client, q="växthus")) == []
    client.login(make.user(Role.OFFICIAL))
    response = client.post("/projects/new", data={"title": "Växthus på taket", "language": "sv"})
    assert response.status_code in (302, 303)
    [(kind, href)] = hits(page(client, q="växthus"))
    assert kind == "project"
    assert href.startswith("/projects/")


def test_a_project_translation_is_found_and_shown_in_its_language(client, make):
    proj = project(make, title="Kvällsvandrare", lead="Vuxna går runt på kvällarna.")
    client.login(make.user(Role.OFFICIAL))
    form = {
        "language": "en",
        "title": "Evening walkers",
        "lead": "Adults walk.",
        "what": "We walk.",
    }
    assert client.post(f"/projects/{proj.slug}/translations", data=form).status_code in (302, 303)
    html = page(client, q="walkers")
    assert hits(html) == [("project", f"/projects/{proj.slug}")]
    assert "Evening <mark>walkers</mark>" in html
    html = page(client, q="kvällsvandrare")
    assert "<mark>Kvällsvandrare</mark>" in html
    assert "1 result" in html  # the original and its translation are one result


def test_the_rebuild_command_fills_the_index_again(app, make, db):
    make.idea(make.challenge(), title="Återbyggd idé")
    is_pg = db.get_bind().dialect.name == "postgresql"
    count_sql = sa.text(
        "SELECT count(*) FROM search_documents" if is_pg else "SELECT count(*) FROM search_index"
    )
    before = db.scalar(count_sql)
    db.execute(sa.text("DELETE FROM search_documents" if is_pg else "DELETE FROM search_index"))
    assert db.scalar(count_sql) == 0

    result = app.test_cli_runner().invoke(args=["search", "rebuild"])

    assert result.exit_code == 0, result.output
    assert f"Search index rebuilt: {before} texts." in result.output
    assert db.scalar(count_sql) == before >= 2


# --- filters and pagination -----------------------------------------------------


def test_filters_by_kind_challenge_event_phase_status_and_language(client, make):
    event = make.event()
    voting = make.challenge(phase=Phase.VOTING, event=event, title="Lekplats")
    open_ = make.challenge(phase=Phase.SUBMISSIONS, title="Lekyta")
    a = make.idea(voting, title="Lekplats för alla", language="sv")
    b = make.idea(open_, title="Lekplats i parken", language="en")
    proj = project(make, title="Lekplats vid skolan")
    planned = project(make, title="Lekplats i hamnen")
    set_status(make, planned, "planned")

    assert {k for k, _ in hits(page(client, q="lek", kind="idea"))} == {"idea"}
    assert idea_hrefs(page(client, q="lekplats", challenge=voting.slug)) == [f"/ideas/{a.id}"]
    assert idea_hrefs(page(client, q="lekplats", event=event.slug)) == [f"/ideas/{a.id}"]
    html = page(client, q="lek", phase="voting")
    assert hits(html) == [("challenge", f"/challenges/{voting.slug}"), ("idea", f"/ideas/{a.id}")]
    assert idea_hrefs(page(client, q="lekplats", language="en")) == [f"/ideas/{b.id}"]
    assert hits(page(client, q="lek", status="planned")) == [
        ("project", f"/projects/{planned.slug}")
    ]
    assert ("project", f"/projects/{proj.slug}") in hits(page(client, q="lek", kind="project"))
    # Unknown values are left out rather than failing.
    assert len(hits(page(client, q="lek", kind="nope", phase="draft", event="x"))) == 6


def test_pages_of_one_kind_continue_by_key_without_gaps_or_repeats(client, make, monkeypatch):
    from inhabithon.search import services

    challenge = make.challenge()
    ideas = [make.idea(challenge, title=f"Fontän nummer {n}") for n in range(7)]
    monkeypatch.setattr(services, "PER_PAGE", 3)

    combined = page(client, q="fontän")
    assert len(idea_hrefs(combined)) == 5
    assert "All 7 matching ideas" in combined

    seen = []
    params = {"q": "fontän", "kind": "idea"}
    for _ in range(5):
        html = page(client, **params)
        seen += idea_hrefs(html)
        match = re.search(r'href="([^"]*after=[^"]*)">Next page', html)
        if not match:
            break
        after = re.search(r"after=([^&\"]+)", match.group(1).replace("&amp;", "&")).group(1)
        params["after"] = unquote(after)
    assert sorted(seen) == sorted(f"/ideas/{i.id}" for i in ideas)
    assert len(seen) == 7


def test_a_search_page_costs_a_fixed_number_of_queries(client, make, count_queries):
    challenge = make.challenge(title="Brunn")
    for n in range(3):
        make.idea(challenge, title=f"Brunn {n}")
    project(make, title="Brunnar")
    page(client, q="brunn")  # warm up
    count_queries.statements.clear()
    page(client, q="brunn")
    few = count_queries.count

    for n in range(12):
        make.idea(make.challenge(title=f"Brunnsområde {n}"), title=f"Brunn {n}")
        project(make, title=f"Brunnsprojekt {n}")
    count_queries.statements.clear()
    page(client, q="brunn")
    assert count_queries.count == few
    # filter lists (events, challenges, statuses), counts, hits, and one or two per kind shown
    assert few <= 10, count_queries.statements


def test_the_header_search_box_is_a_plain_get_form_on_every_page(client, make):
    html = client.get("/").get_data(as_text=True)
    form = re.search(
        r'<form method="get" action="/search" class="site-search" role="search">(.*?)</form>',
        html,
        re.S,
    )
    assert form is not None
    assert 'name="q"' in form.group(1)
    assert '<label for="site-search-q"' in form.group(1)
    assert "<script" not in form.group(1)


def test_the_index_is_used_and_its_triggers_survive_every_later_migration(db):
    if db.get_bind().dialect.name == "postgresql":
        triggers = set(
            db.scalars(sa.text("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'search_%'"))
        )
        assert len(triggers) == 5
        db.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(
            db.scalars(
                sa.text(
                    "EXPLAIN SELECT ref_id FROM search_documents "
                    "WHERE tsv @@ to_tsquery('swedish', 'cykel:*')"
                )
            )
        )
        assert "ix_search_documents_tsv" in plan
    else:
        triggers = set(
            db.scalars(
                sa.text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_%'"
                )
            )
        )
        assert len(triggers) == 16
        plan = " ".join(
            str(row[-1])
            for row in db.execute(
                sa.text(
                    "EXPLAIN QUERY PLAN SELECT ref_id FROM search_index "
                    "WHERE search_index MATCH 'x*'"
                )
            )
        )
        assert "VIRTUAL TABLE INDEX" in plan


def test_the_typed_text_is_echoed_escaped(client):
    html = page(client, q='<img src=x onerror=alert(1)> "x')
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; &#34;x" in html


def test_a_search_run_again_and_again_on_one_connection_is_planned_for_its_own_words(
    client, make, db
):
    challenge = make.challenge(title="Lekplats")
    for n in range(4):
        make.idea(challenge, title=f"Gungor på lekplatsen {n}")
    make.idea(challenge, title="Bänkar vid dammen")

    # psycopg prepares a statement after five runs on a connection, and PostgreSQL
    # may then plan it once for any words (bench/RESULTS.md, run 11); the app's
    # requests here all run on the test's one connection.
    found = [idea_hrefs(page(client, q="lekplatsen")) for _ in range(12)]
    found.append(idea_hrefs(page(client, q="dammen")))

    assert all(len(f) == 4 and f == found[0] for f in found[:12])
    assert len(found[12]) == 1
    if is_postgres():
        generic, custom = db.execute(
            sa.text(
                "SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0) "
                "FROM pg_prepared_statements WHERE statement LIKE '%search_documents%'"
            )
        ).one()
        assert generic == 0
        assert custom >= 6  # prepared, and planned anew for each search since
