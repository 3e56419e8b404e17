"""The accessibility statement the Swedish law asks for, linked from every page."""

import re

EN = {"Accept-Language": "en"}


def test_the_statement_names_gaps_contact_enforcement_date_and_method(client, app):
    app.config["CONTACT_EMAIL"] = "a11y@stad.example"

    response = client.get("/accessibility", headers=EN)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Accessibility statement</h1>" in html
    assert '<span lang="sv">Tillgänglighetsredogörelse</span>' in html
    assert "Known gaps" in html
    assert 'href="mailto:a11y@stad.example"' in html
    assert "DIGG" in html
    assert re.search(r'<a href="https://www\.digg\.se/[^"]+">', html)
    assert "axe-core" in html
    assert "Chromium" in html
    assert "keyboard" in html
    assert "last assessed on November 22, 2026" in html


def test_the_contact_address_defaults_to_the_accessibility_mailbox(client):
    html = client.get("/accessibility", headers=EN).get_data(as_text=True)

    assert 'href="mailto:tillganglighet@example.org"' in html


def test_every_page_links_to_the_statement_in_its_footer(client, make):
    challenge = make.challenge()
    for url in ("/", "/login", f"/challenges/{challenge.slug}", "/no-such-page"):
        html = client.get(url, headers=EN).get_data(as_text=True)
        footer = html.split('<footer class="site-footer">')[1]
        assert '<a href="/accessibility">Accessibility statement</a>' in footer
