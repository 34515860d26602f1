"""Accessibility checks in Chromium that are not those of one page type: the widget, the skip
link, the language switch without JavaScript."""

from axe_playwright_python.sync_playwright import Axe

# Every page type is opened at two sizes, with axe-core, in test_pages.py (which parts extend
# with their pages); this file keeps the checks that are not one page's.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _serious(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
        if v.get("impact") in {"serious", "critical"}
    ]


def test_the_widget_is_accessible_and_has_no_script(page, site_url):
    response = page.goto(site_url + "/portails/emploi-bfc/widget/?limit=5")
    assert response is not None and response.status == 200
    assert page.locator("script").count() == 0
    results = Axe().run(page, options=AXE_OPTIONS)
    assert _serious(results.response["violations"]) == []


def test_skip_link_moves_focus_to_the_content(page, site_url):
    page.goto(site_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Aller au contenu" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_language_switch_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(site_url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.click(".lang-switch button[value=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Skip to content").count() == 1
    context.close()
