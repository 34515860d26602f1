"""The honeypot field of the contribution forms, opened in Chromium: robots find it in the
HTML, people never meet it, neither on screen, nor with the keyboard, nor through assistive
technology (it is out of the accessibility tree)."""

import pytest

PASSWORD = "Navigateur-Essai-2026"  # tests/browser/seed_accounts.py
FORMS = [
    (None, "/contributions/signaler/ptce-le-phares/"),
    ("contributrice@example.org", "/contributions/proposer/"),
]


def _sign_in(page, site_url: str, email: str) -> None:
    page.goto(site_url + "/comptes/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()


def _accessibility_node(page, selector: str) -> dict:
    """Chromium's accessibility node for the element (its `ignored` flag says whether
    assistive technology is given it)."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node_id = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    backend = cdp.send("DOM.describeNode", {"nodeId": node_id})["node"]["backendNodeId"]
    nodes = cdp.send(
        "Accessibility.getPartialAXTree", {"backendNodeId": backend, "fetchRelatives": False}
    )["nodes"]
    return nodes[0]


_MARK_FOCUSED = """() => {
    const element = document.activeElement;
    const first = !element.dataset.tabSeen;
    element.dataset.tabSeen = "1";
    return [first, element.id];
}"""


def _focus_path(page, limit: int = 300) -> list[str]:
    """The ids of the elements the Tab key reaches, once round the page."""
    path: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        first, element_id = page.evaluate(_MARK_FOCUSED)
        if not first:
            break
        path.append(element_id)
    return path


@pytest.mark.parametrize(("email", "path"), FORMS)
def test_honeypot_is_hidden_from_people_and_assistive_technology(page, site_url, email, path):
    if email:
        _sign_in(page, site_url, email)
    response = page.goto(site_url + path)
    assert response is not None and response.status == 200, path
    trap = page.locator("main form input[name$=website]")
    assert trap.count() == 1  # robots read the HTML: the field is there
    trap_id = trap.get_attribute("id")
    # Not seen: not rendered at all, so it has no box on the screen.
    assert not trap.is_visible() and trap.bounding_box() is None
    # Not announced: out of the accessibility tree, as its label is.
    assert _accessibility_node(page, f"#{trap_id}")["ignored"] is True
    assert _accessibility_node(page, f"label[for={trap_id}]")["ignored"] is True
    # A field people do fill is in the tree: the check above can tell the difference.
    visible = page.locator("main form textarea, main form input[type=text]").filter(visible=True)
    visible_id = visible.first.get_attribute("id")
    assert _accessibility_node(page, f"#{visible_id}")["ignored"] is False
    # Not reached with the keyboard.
    reached = _focus_path(page)
    assert visible_id in reached and trap_id not in reached
