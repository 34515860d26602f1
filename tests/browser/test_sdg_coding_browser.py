"""SDG codes in a real browser: the alliance page, goal pages and an SDG sheet, in French and
English, at 1366 and 390 px — accessible (axe, WCAG 2.1 AA), no horizontal scrolling, the
three kinds of codes readable apart."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

PAGES = ["/alliances/tzcld-poitiers/", "/odd/8/", "/odd/17/", "/fiches/odd/8/"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
WORDS = {
    "fr": ("ODD vérifiés", "ODD par définition", "suggérée, non vérifiée"),
    "en": ("Verified SDGs", "SDGs by definition", "suggested, not verified"),
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("width", [1366, 390])
def test_sdg_pages_are_accessible_and_fit(browser, site_url, language, width):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    try:
        for path in PAGES:
            response = page.goto(site_url + path)
            assert response is not None and response.status == 200, path
            overflow = page.evaluate("document.documentElement.scrollWidth > innerWidth + 1")
            assert not overflow, (path, width)
            violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
            serious = [v["id"] for v in violations if v.get("impact") in {"serious", "critical"}]
            assert serious == [], (path, serious)
        page.goto(site_url + PAGES[0])
        facts = page.locator("dl.facts").inner_text()
        for words in WORDS[language]:
            assert words in facts
    finally:
        context.close()
