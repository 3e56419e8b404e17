"""The demo's H22 jury: scored through the jury services, results published."""

import pytest
from sqlalchemy import func, select

from inhabithon.accounts import services as account_services
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.demo import DEMO_PASSWORD
from inhabithon.jury.models import JuryRound, JuryScoreSheet
from inhabithon.results.models import Award, AwardKind, ChallengeResult
from tests.results.helpers import EN

TRYGGHET = "h22-invanare-som-inte-vagar-be-om-hjalp"
_hash: list[str] = []


@pytest.fixture(autouse=True)
def _hash_once(monkeypatch):
    if not _hash:
        _hash.append(account_services.hash_password(DEMO_PASSWORD))
    monkeypatch.setattr(account_services, "hash_password", lambda _password: _hash[0])


def _load(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def test_h22_challenges_have_a_scored_round_and_published_results(app, db):
    _load(app)
    _load(app)  # idempotent

    h22 = db.scalars(select(Challenge).where(Challenge.slug.like("h22-%"))).all()
    assert len(h22) == 3
    for challenge in h22:
        assert challenge.phase is Phase.RESULTS
        assert challenge.results_at.year == 2022
        jury = db.scalars(select(JuryRound).where(JuryRound.challenge_id == challenge.id)).one()
        assert len(jury.criteria) == 4
        assert len({c.weight for c in jury.criteria}) > 1
        assert len(jury.scale_labels) == 5
        assert len(jury.jurors) == 3
        result = db.get(ChallengeResult, challenge.id)
        assert result.published_at.year == 2022
    sheets = db.scalar(select(func.count()).select_from(JuryScoreSheet))
    assert sheets == 3 * (5 + 4 + 3)


def test_the_contact_center_wins_trygghet_with_the_seed_motivation(app, db, client):
    _load(app)
    challenge = db.scalars(select(Challenge).where(Challenge.slug == TRYGGHET)).one()
    awards = {
        a.kind: a for a in db.scalars(select(Award).where(Award.challenge_id == challenge.id))
    }
    winner = awards[AwardKind.WINNER]

    assert winner.idea.title == "Flerspråkigt kontaktcenter"
    assert db.get(ChallengeResult, challenge.id).ranking[0]["idea_id"] == winner.idea_id
    assert "tydligt koncept" in winner.motivation_html
    assert "stora nätverk" in winner.motivation_html
    assert "inte vågar ta första steget" in winner.motivation_html
    assert awards[AwardKind.PEOPLES_CHOICE].idea_id == winner.idea_id
    html = client.get(f"/challenges/{TRYGGHET}/results", headers=EN).get_data(as_text=True)
    assert "Flerspråkigt kontaktcenter" in html
    assert "Birgitta" not in html  # the demo juror's name never reaches the public page
