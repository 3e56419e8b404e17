"""At 320 CSS pixels wide (400 % zoom of a 1280 px screen) nothing scrolls
sideways, in every language; text enlarged to 200 % reflows too."""

from __future__ import annotations

import pytest

from tests.browser.a11y_site import LANGUAGES, Site, log_in, new_context, shared_site

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}
OVERFLOW = """(width) => {
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1
                    || el.getBoundingClientRect().left < -1)
    .filter((el) => !el.closest(".visually-hidden, .skip-link, .table-scroll"))
    .map((el) => el.tagName + "." + el.className + " " + el.textContent.trim().slice(0, 30));
  return {scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 5)};
}"""


@pytest.fixture
def site(live_app) -> Site:
    return shared_site(live_app)


def assert_reflows(page, urls: list[str], width: int, failures: list[str]) -> None:
    for url in urls:
        page.goto(url)
        result = page.evaluate(OVERFLOW, width)
        if result["scrollWidth"] > width:
            failures.append(
                f"{page.url}: scrollWidth {result['scrollWidth']} > {width}: {result['wide']}"
            )


def pages(site: Site) -> list[str]:
    urls = [
        "/",
        f"/events/{site.event.slug}",
        f"/challenges/{site.open_challenge.slug}",
        f"/ideas/{site.idea.id}",
        f"/challenges/{site.results_challenge.slug}/results",
        "/projects",
        "/accessibility",
        "/register",
    ]
    if site.project is not None:
        urls.append(f"/projects/{site.project.slug}")
    return urls


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_do_not_scroll_sideways_at_320_pixels(browser, live_server, site, lang):
    context = new_context(browser, live_server, lang, viewport=NARROW)
    page = context.new_page()
    failures: list[str] = []
    try:
        assert_reflows(page, pages(site), NARROW["width"], failures)
        log_in(page, site.users["admin", lang])
        assert_reflows(
            page,
            [
                "/admin/users",
                "/admin/audit",
                f"/manage/challenges/{site.open_challenge.slug}/edit",
                f"/manage/challenges/{site.results_challenge.slug}/results",
            ],
            NARROW["width"],
            failures,
        )
    finally:
        context.close()
    assert not failures, "\n".join(failures)


def test_text_enlarged_to_200_percent_reflows_without_sideways_scrolling(
    browser, live_server, site
):
    width = 640
    context = new_context(browser, live_server, "en", viewport={"width": width, "height": 800})
    page = context.new_page()
    failures: list[str] = []
    try:
        for url in pages(site):
            page.goto(url)
            page.evaluate("document.documentElement.style.fontSize = '200%'")
            assert page.evaluate("getComputedStyle(document.body).fontSize") == "32px"
            result = page.evaluate(OVERFLOW, width)
            if result["scrollWidth"] > width:
                failures.append(f"{url}: {result}")
    finally:
        context.close()
    assert not failures, "\n".join(failures)
