"""The plain rules of contributions (no database)."""

from datetime import UTC, datetime, timedelta

from alliances.contributions import rules


def test_clean_text_drops_control_characters_and_keeps_lines():
    assert rules.clean_text("  a\x00b\x1f c\r\nd\te  ") == "ab c\nd\te"
    assert rules.one_line("Titre\nsur  deux\x07 lignes") == "Titre sur deux lignes"
    assert rules.one_line("x" * 300, limit=10) == "x" * 9 + "…"


def test_partner_cell_and_forbidden_separator():
    assert rules.partner_cell(" Ville  de Nantes ", "collectivite", "funder") == (
        "Ville de Nantes (collectivite:funder)"
    )
    assert rules.bad_name_characters("A | B") == "|"
    assert rules.bad_name_characters("Café (Lyon)") == ""
    assert rules.join_cell(["a", " ", "b "]) == "a | b"
    assert rules.split_cell(" a |b|| ") == ["a", "b"]


def test_changed_cells_compares_lists_as_lists():
    current = {
        "title": "Titre",
        "domains": "sante | emploi",
        "partners": "A (association:leader) | B (entreprise:partner)",
        "start_year": "2019",
    }
    same = {
        "title": " Titre ",
        "domains": "emploi|sante",
        "partners": "A  (association:leader) | B (entreprise:partner)",
        "start_year": "2019",
    }
    assert rules.changed_cells(current, same, list(current)) == {}
    swapped = {**same, "partners": "B (entreprise:partner) | A (association:leader)"}
    assert rules.changed_cells(current, swapped, list(current)) == {"partners": swapped["partners"]}
    assert rules.changed_cells(current, {**same, "start_year": ""}, ["start_year"]) == {
        "start_year": ""
    }


def test_companions_are_checked_together():
    assert rules.with_companions(["end_year"]) == {"start_year", "end_year"}
    assert rules.with_companions(["source_title", "title"]) == {
        "title",
        "source_url",
        "source_title",
        "source_date",
    }


def test_retry_after_counts_the_window_only():
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    day = timedelta(hours=24)
    times = [now - timedelta(hours=h) for h in (30, 20, 10, 1)]  # 3 inside the window
    assert rules.retry_after(times, 4, day, now) is None
    # The 4th is refused until the oldest counted one (20 h ago) leaves the window.
    assert rules.retry_after(times, 3, day, now) == now + timedelta(hours=4)
    assert rules.retry_after([], 0, day, now) is None  # a limit of 0 means no limit


def test_address_key_is_keyed_and_stable():
    key = rules.address_key("203.0.113.7", "secret")
    assert key == rules.address_key("203.0.113.7", "secret")
    assert key != rules.address_key("203.0.113.7", "other")
    assert "203" not in key and len(key) == 64
