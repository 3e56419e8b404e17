"""The privacy statement: what is stored, why, how long, the rights and who to ask."""

from __future__ import annotations

import pytest


def test_the_statement_explains_storage_retention_rights_and_contact(client):
    response = client.get("/privacy")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for heading in (
        "What we store and why",
        "Anonymity",
        "How long we keep it",
        "Your rights",
        "Who is responsible",
    ):
        assert f">{heading}</h2>" in html
    for topic in (
        "stored in an outbox",  # the outbox mails
        "An audit log records",
        "keyed hash of the network",  # vote network hashes, never the address
        "only administrators can see it",  # anonymity
        "The guide's name is shown to officials only",  # the contact center
        "We store only a hash of the code",  # tracking codes
        "we send it once and do not store the address",
        "Sessions end after 2 hours without activity.",
    ):
        assert topic in html, topic
    assert 'href="/account/data"' in html
    assert 'href="/account/delete"' in html
    assert "mailto:tillganglighet@example.org" in html


def test_a_separate_privacy_address_is_used_when_configured(app, client):
    app.config["PRIVACY_EMAIL"] = "dataskydd@example.org"
    html = client.get("/privacy").get_data(as_text=True)
    assert "mailto:dataskydd@example.org" in html
    assert "tillganglighet@example.org" not in html


def test_the_statement_links_to_account_settings_for_corrections(client):
    html = client.get("/privacy").get_data(as_text=True)
    assert 'href="/account"' in html


@pytest.mark.parametrize(
    ("lang", "title", "rights"),
    [
        ("sv", "Integritetspolicy", "Dina rättigheter"),
        ("en", "Privacy statement", "Your rights"),
        ("ar", "بيان الخصوصية", "حقوقك"),
    ],
)
def test_the_statement_is_translated(client, lang, title, rights):
    html = client.get("/privacy", headers={"Accept-Language": lang}).get_data(as_text=True)
    assert f'lang="{lang}"' in html
    assert f"<h1>{title}</h1>" in html
    assert rights in html


def test_every_page_links_to_the_statement_in_its_footer(client, make):
    for url in ("/", "/login", "/accessibility", "/no-such-page"):
        footer = client.get(url).get_data(as_text=True).split('<footer class="site-footer">')[1]
        assert '<a href="/privacy">Privacy statement</a>' in footer, url


def test_the_registration_form_links_to_the_statement(client):
    html = client.get("/register").get_data(as_text=True)
    form = html.split("<main", 1)[1]
    assert '<a href="/privacy">How we handle your personal data</a>' in form


def test_signed_in_users_reach_download_and_deletion_from_the_statement(client, make):
    client.login(make.user())
    html = client.get("/privacy").get_data(as_text=True)
    assert client.get("/account/data").status_code == 200
    assert client.get("/account/delete").status_code == 200
    assert "Download your data" in html
    assert "Delete your account" in html
