"""Anonymous means anonymous: no page, and no page's source, tells who wrote an
anonymous idea or who is on its team, except to admins."""

import pytest

from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase
from inhabithon.ideas.services import accept_invitation, invite_member

OWNER_NAME, OWNER_EMAIL = "Zelda Hemligsson", "zelda.hemlig@example.org"
MEMBER_NAME, MEMBER_EMAIL = "Yusuf Doldsson", "yusuf.dold@example.org"


@pytest.fixture
def world(make):
    challenge = make.challenge(phase=Phase.VOTING, title="Trygga kvällar")
    owner = make.user(name=OWNER_NAME, email=OWNER_EMAIL)
    member = make.user(name=MEMBER_NAME, email=MEMBER_EMAIL)
    idea = make.idea(challenge, owner, anonymous=True, title="Nattvandring i Drottninghög")
    with make.context():
        invite_member(idea, owner, member.email)
        accept_invitation(idea, member)
    make.comment(idea, make.user(), body_md="Bra idé!")
    return {"challenge": challenge, "owner": owner, "member": member, "idea": idea}


def _assert_names_nobody(page, world):
    for secret in (OWNER_NAME, OWNER_EMAIL, MEMBER_NAME, MEMBER_EMAIL):
        assert secret not in page
    for user in (world["owner"], world["member"]):
        assert f"/users/{user.id}" not in page
        assert f"user_id={user.id}" not in page


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize("viewer", ["visitor", "resident", "official", "owner", "member"])
def test_anonymous_idea_page_names_nobody(client, make, world, viewer):
    users = {
        "resident": make.user(),
        "official": make.user(Role.OFFICIAL),
        "owner": world["owner"],
        "member": world["member"],
    }
    if viewer != "visitor":
        client.login(users[viewer])
    idea = world["idea"]
    page = _get(client, f"/ideas/{idea.id}")
    assert "Nattvandring i Drottninghög" in page
    assert "Anonymous resident" in page
    if viewer in ("owner", "member"):
        # The leave button carries the viewer's own id: that is not a leak.
        page = page.replace(f"/team/{users[viewer].id}/remove", "")
    _assert_names_nobody(page, world)


def test_home_and_challenge_pages_name_nobody(client, make, world):
    for viewer in (None, make.user()):
        if viewer:
            client.login(viewer)
        home = _get(client, "/")
        assert "Nattvandring i Drottninghög" in home
        _assert_names_nobody(home, world)
        challenge_page = _get(client, f"/challenges/{world['challenge'].slug}")
        assert "Nattvandring i Drottninghög" in challenge_page
        _assert_names_nobody(challenge_page, world)


def test_my_ideas_of_others_name_nobody(client, make, world):
    invitee = make.user()
    with make.context():
        invite_member(world["idea"], world["owner"], invitee.email)
    for viewer in (world["member"], invitee, make.user()):
        client.login(viewer)
        page = _get(client, "/my/ideas")
        _assert_names_nobody(page, world)
    client.login(invitee)
    assert "Nattvandring i Drottninghög" in _get(client, "/my/ideas")


def test_owner_finds_their_anonymous_idea_on_my_ideas(client, world):
    client.login(world["owner"])
    page = _get(client, "/my/ideas")
    assert "Nattvandring i Drottninghög" in page
    assert "only you and the administrators know it is yours" in page


def test_admins_see_who_wrote_it(client, make, world):
    client.login(make.user(Role.ADMIN))
    page = _get(client, f"/ideas/{world['idea'].id}")
    assert OWNER_NAME in page
    assert MEMBER_NAME in page


def test_contact_center_idea_names_neither_guide_nor_team(client, make):
    from inhabithon.ideas.models import Origin

    guide = make.user(Role.GUIDE, name="Guide Gunilla", email="gunilla@example.org")
    idea = make.idea(make.challenge(), guide, origin=Origin.CONTACT_CENTER)
    page = _get(client, f"/ideas/{idea.id}")
    assert "via the contact center" in page
    assert "Guide Gunilla" not in page
    assert "gunilla@example.org" not in page
