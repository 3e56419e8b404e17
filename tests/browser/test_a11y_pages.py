"""Every type of page passes axe-core in Chromium, in Swedish, English and
Arabic: public pages, forms with errors, residents', jurors' and admins' pages."""

from __future__ import annotations

import pytest
from axe_playwright_python.base import AXE_SCRIPT, AxeResults

from tests.browser.a11y_site import LANGUAGES, Site, log_in, new_context, shared_site

pytestmark = pytest.mark.browser

AXE_RUN = "axe.run(document, {resultTypes: ['violations']})"


def axe_context(browser, live_server, lang):
    """A context in ``lang`` with axe-core loaded into every page once."""
    context = new_context(browser, live_server, lang)
    context.add_init_script(script=AXE_SCRIPT)
    return context


@pytest.fixture
def site(live_app) -> Site:
    return shared_site(live_app)


def check(page, url: str, lang: str, failures: list[str]) -> None:
    """Open ``url`` (unless None: the page as it is) and record axe violations."""
    if url is not None:
        response = page.goto(url)
        assert response is not None
        assert response.status == (404 if url == "/no-such-page" else 200), url
    assert page.locator("html").get_attribute("lang") == lang, page.url
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    results = AxeResults(page.evaluate(AXE_RUN))
    if results.violations_count:
        failures.append(f"{lang} {page.url}\n{results.generate_report()}")


def public_pages(site: Site) -> list[str]:
    pages = [
        "/",
        f"/events/{site.event.slug}",
        f"/challenges/{site.open_challenge.slug}",
        f"/ideas/{site.idea.id}",
        f"/challenges/{site.results_challenge.slug}/results",
        "/projects",
        "/search?q=kv%C3%A4ll",
        "/accessibility",
        "/privacy",
        "/login",
        "/password/forgot",
        "/moderation/log",
        "/no-such-page",
    ]
    if site.project is not None:
        pages.append(f"/projects/{site.project.slug}")
    return pages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_pages_and_forms_with_errors_have_no_axe_violations(
    browser, live_server, site, lang
):
    context = axe_context(browser, live_server, lang)
    page = context.new_page()
    failures: list[str] = []
    try:
        for url in public_pages(site):
            check(page, url, lang, failures)
            if url == f"/ideas/{site.idea.id}":  # ideas and comments carry their language
                assert page.locator("h1[lang=sv]").count() == 1
                assert page.locator(".comment .content[lang=en]").count() == 1
                assert page.locator(".comment .content[lang=ar]").count() == 1
        # The registration form sent with errors: the error summary takes focus.
        page.goto("/register")
        form = page.locator("main form")
        form.locator("input[name=email]").fill("not an address")
        form.locator("input[name=password]").fill("short")
        form.locator("button[type=submit]").click()
        summary = page.locator(".error-summary")
        summary.wait_for()
        assert summary.get_attribute("role") == "alert"
        # The deferred script moves focus once the document is parsed: wait for it.
        page.wait_for_function(
            "document.activeElement && document.activeElement.classList.contains('error-summary')"
        )
        check(page, None, lang, failures)
    finally:
        context.close()
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_residents_pages_and_the_idea_form_with_errors_have_no_axe_violations(
    browser, live_server, site, lang
):
    context = axe_context(browser, live_server, lang)
    page = context.new_page()
    failures: list[str] = []
    try:
        log_in(page, site.users["resident", lang])
        for url in (
            "/my/ideas",
            f"/ideas/{site.idea.id}",
            "/account",
            "/account/data",
            "/account/delete",
            f"/ideas/{site.idea.id}/flag",
            "/notifications",
            "/notifications/settings",
        ):
            check(page, url, lang, failures)
        # A comment's "Reply" link opens the page with its reply form, in view.
        page.goto(f"/ideas/{site.idea.id}")
        page.locator(".reply-link a").first.click()
        page.locator("form.reply textarea").wait_for()
        assert page.locator("form.reply").count() == 1
        check(page, None, lang, failures)
        # A report sent without a reason: the error summary takes focus.
        page.goto(f"/ideas/{site.idea.id}/flag")
        page.locator("main form[novalidate] button[type=submit]").click()
        page.locator(".error-summary").wait_for()
        check(page, None, lang, failures)
        # Deleting the account without the password: the error is next to the field.
        page.goto("/account/delete")
        page.locator("main form[novalidate] button[type=submit]").click()
        page.locator(".error-summary").wait_for()
        assert page.locator("input[name=password][aria-invalid=true]").count() == 1
        check(page, None, lang, failures)
        # The account page with a refused password change: errors next to the fields.
        page.goto("/account")
        page.locator("main form[action='/account/password'] button[type=submit]").click()
        page.locator(".error-summary").wait_for()
        check(page, None, lang, failures)
        page.goto(f"/challenges/{site.open_challenge.slug}/ideas/new")
        page.locator("main form[novalidate] button[type=submit]").last.click()
        page.locator(".error-summary").wait_for()
        assert page.locator("[aria-invalid=true]").count() >= 1
        check(page, None, lang, failures)
    finally:
        context.close()
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_admin_official_and_jury_pages_have_no_axe_violations(browser, live_server, site, lang):
    context = axe_context(browser, live_server, lang)
    page = context.new_page()
    failures: list[str] = []
    admin = site.users["admin", lang]
    slug = site.results_challenge.slug
    try:
        log_in(page, admin)
        for url in (
            "/admin/users",
            f"/admin/users/{site.users['resident', lang].id}",
            "/admin/audit",
            "/manage/events",
            f"/manage/challenges/{site.open_challenge.slug}/edit",
            f"/manage/challenges/{slug}/results",
            f"/manage/challenges/{slug}/jury",
            "/moderation",
            f"/moderation/ideas/{site.idea.id}",
            f"/challenges/{site.voting_challenge.slug}/vote-integrity",
            f"/challenges/{site.voting_challenge.slug}/vote-integrity/void?by=idea&key={site.idea.id}",
        ):
            check(page, url, lang, failures)
        if site.project is not None:
            check(page, f"/projects/{site.project.slug}/edit", lang, failures)
            check(page, f"/projects/{site.project.slug}/translations", lang, failures)
        # Voiding votes without a reason: the error is next to the field.
        page.goto(
            f"/challenges/{site.voting_challenge.slug}/vote-integrity/void?by=idea&key={site.idea.id}"
        )
        page.locator("main form[novalidate] button[type=submit]").click()
        page.locator(".error-summary").wait_for()
        assert page.locator("textarea[name=reason][aria-invalid=true]").count() == 1
        check(page, None, lang, failures)
        # A management form (the challenge's translations) sent with errors.
        page.goto(f"/manage/challenges/{site.open_challenge.slug}/translations")
        page.locator("main form[novalidate] input[name=title]").fill("")
        page.locator("main form[novalidate] button[type=submit]").click()
        page.locator(".error-summary").wait_for()
        check(page, None, lang, failures)
    finally:
        context.close()
    context = axe_context(browser, live_server, lang)
    page = context.new_page()
    try:
        log_in(page, site.users["juror", lang])
        for url in ("/jury", f"/jury/{slug}", f"/jury/{slug}/ideas/{site.winning_idea.id}"):
            check(page, url, lang, failures)
    finally:
        context.close()
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_outreach_pages_have_no_axe_violations(browser, live_server, site, lang):
    """The no-account idea form (also with errors), the tracking pages, and the
    guide's page and on-behalf form."""
    slug = site.open_challenge.slug
    context = axe_context(browser, live_server, lang)
    page = context.new_page()
    failures: list[str] = []
    try:
        for url in (f"/challenges/{slug}/send-idea", "/track", f"/track/{site.tracking_code}"):
            check(page, url, lang, failures)
        page.goto(f"/challenges/{slug}/send-idea")
        page.locator("main form[novalidate] input[name=email]").fill("not an address")
        page.locator("main form[novalidate] button[type=submit]").click()
        page.locator(".error-summary").wait_for()
        assert page.locator("input[name=email][aria-invalid=true]").count() == 1
        check(page, None, lang, failures)
        log_in(page, site.users["guide", lang])
        for url in ("/guide", f"/challenges/{slug}/on-behalf", f"/ideas/{site.idea.id}"):
            check(page, url, lang, failures)
    finally:
        context.close()
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_weekend_pages_have_no_axe_violations(browser, live_server, site, lang):
    """The programme, the sign-up form (also with errors), and the event officials'
    pages: settings, a new session, attendees with totals, check-in on a phone."""
    slug = site.event.slug
    failures: list[str] = []
    context = axe_context(browser, live_server, lang)
    page = context.new_page()
    try:
        check(page, f"/events/{slug}/programme", lang, failures)
        log_in(page, site.users["resident", lang])
        check(page, f"/events/{slug}/attend", lang, failures)
        form = page.locator("main form[novalidate]")
        form.locator("input[name=children]").fill("-1")
        form.locator("button[type=submit]").click()
        page.locator(".error-summary").wait_for()
        assert page.locator("input[name=children][aria-invalid=true]").count() == 1
        check(page, None, lang, failures)
    finally:
        context.close()
    context = axe_context(browser, live_server, lang)
    page = context.new_page()
    try:
        log_in(page, site.users["admin", lang])
        for url in (
            f"/manage/events/{slug}/weekend",
            f"/manage/events/{slug}/programme/new",
            f"/manage/events/{slug}/attendees",
        ):
            check(page, url, lang, failures)
        page.set_viewport_size({"width": 360, "height": 740})
        check(page, f"/manage/events/{slug}/check-in?q=rut", lang, failures)
        assert page.locator(".check-in__results button[type=submit]").count() >= 1
    finally:
        context.close()
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_team_pages_have_no_axe_violations(browser, live_server, site, lang):
    """The teams and the looking-for-a-team board, a team page (a visitor's, a
    resident's with the join form, the owner's with requests and members), the
    board and team forms (also with errors)."""
    slug = site.open_challenge.slug
    team = f"/teams/{site.team_ids[lang]}"
    failures: list[str] = []
    context = axe_context(browser, live_server, lang)
    page = context.new_page()
    try:
        for url in (f"/challenges/{slug}/teams", team):
            check(page, url, lang, failures)
        log_in(page, site.users["resident", lang])
        for url in (team, f"/challenges/{slug}/teams/new", f"/challenges/{slug}/teams/board"):
            check(page, url, lang, failures)
        page.locator("main form[novalidate] button[type=submit]").click()
        page.locator(".error-summary").wait_for()
        assert page.locator("textarea[name=brings][aria-invalid=true]").count() == 1
        check(page, None, lang, failures)
    finally:
        context.close()
    context = axe_context(browser, live_server, lang)
    page = context.new_page()
    try:
        log_in(page, site.users["team_owner", lang])
        for url in (team, f"{team}/edit"):
            check(page, url, lang, failures)
    finally:
        context.close()
    assert not failures, "\n\n".join(failures)
