"""The search page and the layout in Chromium: results first, filters applied as they change,
the place box, the phone menu, page weight and a first paint that waits for no script."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from browser_helpers import DESKTOP, PHONE


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def test_first_result_within_700_px_on_a_desktop(desktop, site_url):
    desktop.goto(site_url + "/alliances/")
    top = desktop.locator(".result-list > li").first.bounding_box()["y"]
    assert top < 700, top
    # The filters are a sidebar beside the results, open without a click.
    assert desktop.locator("#facette-domain").is_visible()
    assert desktop.locator(".facets > summary").is_hidden()


def test_a_filter_applies_as_soon_as_it_changes(desktop, site_url):
    desktop.goto(site_url + "/alliances/")
    assert desktop.locator(".apply-filters").is_hidden()  # JavaScript applies, no button
    box = desktop.locator("#facette-kind input[type=checkbox]").first
    value = box.get_attribute("value")
    box_id = box.get_attribute("id")
    with desktop.expect_navigation():
        box.check()
    assert _query(desktop.url)["kind"] == [value]
    assert desktop.locator(".chips .chip").count() == 1
    # The focus comes back to the filter that was changed.
    assert desktop.evaluate("document.activeElement.id") == box_id
    with desktop.expect_navigation():
        desktop.select_option("#tri", "title")
    assert _query(desktop.url)["sort"] == ["title"]


def test_a_chip_removes_its_filter(desktop, site_url):
    desktop.goto(site_url + "/alliances/?domain=emploi_insertion&kind=alliance")
    assert desktop.locator(".chips .chip").count() == 2
    desktop.locator(".chips .chip").first.click()
    desktop.wait_for_load_state()
    assert desktop.locator(".chips .chip").count() == 1


def test_the_place_box_suggests_places_and_filters_on_the_one_chosen(desktop, site_url):
    desktop.goto(site_url + "/alliances/")
    box = desktop.locator("#lieu")
    box.fill("aveyr")
    option = desktop.locator("#suggestions-0 [role=option]").first
    option.wait_for()
    assert "Aveyron" in option.inner_text()
    assert box.get_attribute("aria-expanded") == "true"
    with desktop.expect_navigation():
        box.press("ArrowDown")
        box.press("Enter")
    assert _query(desktop.url)["territory"] == ["departement:12"]
    assert desktop.locator("#lieu").input_value() == "Aveyron"
    assert "Aveyron" in desktop.locator(".chips").inner_text()


def test_postcodes_and_codes_are_suggested_too(desktop, site_url):
    response = desktop.request.get(site_url + "/territoires/suggestions/?q=12000")
    labels = [r["label"] for r in response.json()["results"]]
    assert "Rodez" in labels
    response = desktop.request.get(site_url + "/territoires/suggestions/?q=occit")
    assert response.json()["results"][0]["value"] == "region:76"


def test_without_javascript_the_button_applies_and_the_server_reads_the_place(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    page.goto(site_url + "/alliances/")
    assert page.locator(".apply-filters").is_visible()
    page.fill("#lieu", "Haute-Garonne")
    page.locator(".search-bar button[type=submit]").click()
    page.wait_for_load_state()
    assert _query(page.url)["territory"] == ["departement:31"]
    assert "lieu" not in _query(page.url)
    page.locator("#facette-kind input[type=checkbox]").first.check()
    page.locator(".apply-filters").click()
    page.wait_for_load_state()
    assert "kind" in _query(page.url) and _query(page.url)["territory"] == ["departement:31"]
    context.close()


def test_on_a_phone_filters_are_behind_a_disclosure_and_the_menu_folds(phone, site_url):
    phone.goto(site_url + "/alliances/")
    assert phone.locator("#facette-domain").is_hidden()
    phone.locator(".facets > summary").click()
    assert phone.locator("#facette-domain").is_visible()
    # The header is one line: the logo and the menu button.
    header = phone.locator(".site-header").bounding_box()["height"]
    assert header < 80, header
    assert phone.locator(".site-nav").is_hidden()
    toggle = phone.locator("[data-menu-toggle]")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert phone.locator(".site-nav").is_visible()
    phone.keyboard.press("Escape")
    assert phone.locator(".site-nav").is_hidden()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_desktop_the_main_navigation_holds_on_one_line(browser, site_url, language):
    context = browser.new_context(
        viewport=DESKTOP, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    page.goto(site_url + "/")
    tops = page.evaluate(
        "[...document.querySelectorAll('.site-nav li')]"
        ".map(li => Math.round(li.getBoundingClientRect().top))"
    )
    assert len(tops) >= 8 and len(set(tops)) == 1, tops
    context.close()


def test_the_phone_menu_opens_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(site_url + "/")
    assert page.locator(".site-nav").is_hidden()
    page.locator(".menu-toggle").click()
    assert page.locator(".site-nav").is_visible()
    context.close()


def test_pages_weigh_under_200_kb_and_paint_without_waiting_for_a_script(browser, site_url):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    for path in ("/", "/alliances/", "/territoires/departement/32/", "/fiches/departement/32/"):
        weights: list[int] = []

        def measure(response, weights=weights):
            kind = response.request.resource_type
            if kind in ("document", "stylesheet", "script"):
                weights.append(response.request.sizes()["responseBodySize"])

        page.on("response", measure)
        page.goto(site_url + path, wait_until="load")
        page.remove_listener("response", measure)
        assert sum(weights) <= 200_000, (path, sum(weights))
        blocking = page.evaluate(
            "document.querySelectorAll('script[src]:not([defer]):not([async])').length"
        )
        assert blocking == 0, path
    context.close()


def test_favicon_and_font_are_served_from_the_site(page, site_url):
    response = page.request.get(site_url + "/favicon.ico")
    assert response.status == 200 and response.headers["content-type"].startswith("image/")
    page.goto(site_url + "/")
    css = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    text = page.request.get(site_url + css).text()
    fonts = re.findall(r'url\("?([^")]+\.woff2)', text)
    assert fonts and all(not f.startswith("http") for f in fonts)
