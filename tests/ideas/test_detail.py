from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase
from inhabithon.ideas.models import AuthorDisplay, IdeaStatus
from inhabithon.ideas.services import invite_member


def test_idea_page_shows_the_idea_its_challenge_and_team(client, make):
    owner = make.user(name="Amina Q")
    challenge = make.challenge(title="Safer evenings")
    idea = make.idea(
        challenge,
        owner,
        title="Night walks",
        summary="Walk together.",
        body_md="**Bold** plan",
        language="ar",
    )
    response = client.get(f"/ideas/{idea.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Night walks" in page
    assert "Walk together." in page
    assert "<strong>Bold</strong> plan" in page
    assert 'lang="ar"' in page
    assert f'href="/challenges/{challenge.slug}"' in page
    assert f'href="/events/{challenge.event.slug}"' in page
    assert "Amina Q" in page
    assert page.count("<h1") == 1


def test_unknown_idea_is_not_found(client):
    assert client.get("/ideas/987654").status_code == 404


def test_hidden_and_pending_ideas_do_not_exist_for_the_public(client, make):
    owner = make.user()
    for status in (IdeaStatus.HIDDEN, IdeaStatus.PENDING):
        idea = make.idea(make.challenge(), owner, status=status)
        client.logout()
        assert client.get(f"/ideas/{idea.id}").status_code == 404
        client.login(make.user())
        assert client.get(f"/ideas/{idea.id}").status_code == 404
        client.login(owner)
        assert client.get(f"/ideas/{idea.id}").status_code == 200
        client.login(make.user(Role.OFFICIAL))
        assert client.get(f"/ideas/{idea.id}").status_code == 200


def test_ideas_of_draft_challenges_are_not_found(client, make):
    idea = make.idea(make.challenge(phase=Phase.DRAFT))
    assert client.get(f"/ideas/{idea.id}").status_code == 404


def test_owner_gets_edit_and_team_links_others_do_not(client, make):
    owner = make.user()
    idea = make.idea(make.challenge(), owner)
    client.login(owner)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f"/ideas/{idea.id}/edit" in page
    assert f"/ideas/{idea.id}/team" in page
    client.login(make.user())
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f"/ideas/{idea.id}/edit" not in page
    assert f"/ideas/{idea.id}/team" not in page


def test_edit_link_disappears_when_submissions_close(client, make):
    owner = make.user()
    idea = make.idea(make.challenge(phase=Phase.VOTING), owner)
    client.login(owner)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f"/ideas/{idea.id}/edit" not in page
    assert f"/ideas/{idea.id}/team" in page


def _page_queries(client, count_queries, idea):
    url = f"/ideas/{idea.id}"  # before counting: reading the id may refresh the test's object
    before = count_queries.count
    response = client.get(url)
    assert response.status_code == 200
    return count_queries.count - before


def test_idea_page_takes_a_fixed_number_of_queries(client, make, count_queries):
    viewer = make.user()
    small = make.idea(make.challenge(phase=Phase.VOTING))
    make.comment(small, make.user())
    big = make.idea(make.challenge(phase=Phase.VOTING))
    for n in range(12):
        top = make.comment(big, make.user())
        make.comment(big, make.user(), parent=top)
        if n % 3 == 0:
            make.comment(big, make.user(), author_display=AuthorDisplay.ANONYMOUS)
    with make.context():
        for _ in range(3):
            member = make.user()
            invite_member(big, big.author, member.email)
    client.login(viewer)
    make.vote(viewer, big)
    _page_queries(client, count_queries, small)  # warm-up
    few = _page_queries(client, count_queries, small)
    many = _page_queries(client, count_queries, big)
    assert few == many
    # 12, one for the link to the idea's project, and for a signed-in viewer one
    # for the unread notifications in the header and one for the follow button.
    assert many <= 15
