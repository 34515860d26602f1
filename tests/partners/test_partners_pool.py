"""ADR 0157: the candidates of the suggestions are kept in memory per data version; a write
(in this process or another) is seen at the next page; a page reads only what it shows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliances.base.models import Organisation
from alliances.partners import pool, suggestions
from alliances.partners.models import DataVersion
from alliances.referentials.models import Term
from alliances.territories.models import Territory


def profile(key):
    return Term.objects.get(taxonomy__key="actor_profiles", key=key, parent=None)


def place(level, code):
    return Territory.objects.get(level=level, code=code)


def _keys(found):
    return [s["key"] for s in found]


def test_a_write_is_seen_at_the_next_page(orgs, people):
    assert _keys(suggestions.for_organisation(orgs["asso"], people["stranger"]))
    newcomer = Organisation.objects.create(
        name="Fondation voisine", profile=profile("fondation"), territory=place("commune", "69123")
    )
    assert f"organisation:{newcomer.pk}" in _keys(
        suggestions.for_organisation(orgs["asso"], people["stranger"])
    )


def test_the_pool_holds_no_python_object_per_organisation(orgs):
    """ADR 0190: at 1,000,000 alliances one Actor, entry, key and row number per organisation
    held about 100 MB in every process; the pool holds columns and makes an entry when
    asked."""
    import gc

    from alliances.partners import matching

    made = {
        f"organisation:{organisation.pk}"
        for organisation in (
            Organisation.objects.create(
                name=f"Voisine {number}",
                profile=profile("fondation"),
                territory=place("commune", "69123"),
            )
            for number in range(30)
        )
    }
    pool.clear()
    organisations, _listings = pool.current()
    gc.collect()
    held = [
        o
        for o in gc.get_objects()
        if (isinstance(o, matching.Actor) and o.key in made)
        or (isinstance(o, pool.OrganisationEntry) and o.actor.key in made)
    ]
    assert len(organisations.entries) >= 32
    assert held == []
    entry = organisations.entries[orgs["asso"].pk]  # made when asked, equal each time
    assert entry == organisations.entries[orgs["asso"].pk]
    assert entry.actor.key == f"organisation:{orgs['asso'].pk}"


def test_a_write_of_another_process_is_seen_through_the_version(orgs):
    before, _listings = pool.current()
    assert pool.current()[0] is before  # kept while nothing changed
    # Another process moves the company and draws a new version (its signals would).
    Organisation.objects.filter(pk=orgs["company"].pk).update(territory=place("commune", "75056"))
    assert pool.current()[0] is before
    DataVersion.objects.update_or_create(name=pool.ORGANISATIONS, defaults={"value": 12345})
    after, _listings = pool.current()
    assert after is not before
    assert after.entries[orgs["company"].pk].actor.departement == "75"


def _queries(organisation) -> int:
    suggestions.for_organisation(organisation, None)  # read the candidates once
    with CaptureQueriesContext(connection) as seen:
        suggestions.for_organisation(organisation, None)
    return len(seen)


def test_a_page_reads_the_same_rows_whatever_the_number_of_candidates(orgs):
    few = _queries(orgs["asso"])
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Voisine {i}", profile=profile("entreprise"), territory=place("commune", "69123")
        )
        for i in range(40)
    )
    pool.bump()  # bulk_create sends no signal: a bulk loader draws the version itself
    assert len(suggestions.for_organisation(orgs["asso"], None)) == suggestions.LIMIT
    assert _queries(orgs["asso"]) == few


# -- ADR 0165: what changed is read again, alone ---------------------------------------------
def _offer(organisation, **fields):
    from django.utils import timezone

    from alliances.partners.models import Listing

    values = {
        "organisation": organisation,
        "direction": "offer",
        "kind": "mecenat_competences",
        "title": "Deux jours de comptabilité",
        "description": "x",
        "status": "published",
        "published_at": timezone.now(),
        "reach": "departement",
    }
    values.update(fields)
    return Listing.objects.create(**values)


def _same_as_a_full_read(organisations, listings):
    """The state kept after incremental changes is what reading everything gives."""
    pool.clear()
    full_organisations, full_listings = pool.current()
    assert organisations.entries == full_organisations.entries
    assert organisations.ordered.tolist() == full_organisations.ordered.tolist()
    for name in ("by_departement", "by_region"):
        kept = {k: v.tolist() for k, v in getattr(organisations, name).items() if len(v)}
        assert kept == {k: v.tolist() for k, v in getattr(full_organisations, name).items()}
    assert listings.entries == full_listings.entries
    for kept in (organisations, listings):  # each entry's row in the columns is its own
        assert all(kept.table.actor(kept.rows[pk]) == e.actor for pk, e in kept.entries.items())
        assert kept.rows.keys() == kept.entries.keys()
    for name in ("by_direction", "by_departement", "by_region", "wide"):
        kept = {k: v for k, v in getattr(listings, name).items() if v}
        assert kept == {k: v for k, v in getattr(full_listings, name).items() if v}


def test_an_organisation_written_is_read_again_alone(orgs):
    before, _listings = pool.current()
    kept = before.row_of(orgs["asso"].pk)
    company = orgs["company"]
    company.territory = place("commune", "75056")
    company.save()
    after, listings = pool.current()
    assert after is not before
    assert after.entries[company.pk].actor.departement == "75"
    assert after.row_of(orgs["asso"].pk) == kept  # not read again: the same row
    assert company.pk in after.by_departement["75"]
    assert company.pk not in after.by_departement.get("69", [])
    assert before.entries[company.pk].actor.departement == "69"  # the old state is unchanged
    _same_as_a_full_read(after, listings)


def test_a_need_or_offer_written_deleted_or_moved_with_its_organisation(orgs):
    offer = _offer(orgs["company"])  # no place of its own: its organisation's
    pool.current()
    offer.title = "Trois jours"
    offer.save()
    organisations, listings = pool.current()
    assert listings.entries[offer.pk].actor.departement == "69"
    company = orgs["company"]
    company.territory = place("commune", "75056")
    company.save()
    organisations, listings = pool.current()
    assert listings.entries[offer.pk].actor.departement == "75"  # it carries its place
    _same_as_a_full_read(organisations, listings)
    offer.delete()
    organisations, listings = pool.current()
    assert offer.pk not in listings.entries
    assert all(x.pk != offer.pk for rows in listings.by_direction.values() for x in rows)
    _same_as_a_full_read(organisations, listings)


def test_a_deleted_organisation_leaves_with_its_needs_and_offers(orgs):
    offer = _offer(orgs["company"])
    pool.current()
    orgs["company"].delete()
    organisations, listings = pool.current()
    assert orgs["company"].pk not in organisations.entries
    assert offer.pk not in listings.entries
    _same_as_a_full_read(organisations, listings)


def test_a_write_of_another_process_is_read_from_the_changes(orgs):
    from alliances.partners.models import PoolChange

    before, _listings = pool.current()
    # Another process: its write (behind this process's signals) and its change row.
    Organisation.objects.filter(pk=orgs["company"].pk).update(territory=place("commune", "75056"))
    PoolChange.objects.create(part=pool.ORGANISATIONS, row_id=orgs["company"].pk)
    after, listings = pool.current()
    assert after.entries[orgs["company"].pk].actor.departement == "75"
    assert after.row_of(orgs["asso"].pk) == before.row_of(orgs["asso"].pk)  # not read again
    _same_as_a_full_read(after, listings)


def test_a_change_committed_late_is_still_read(orgs):
    """PostgreSQL gives ids at insert: a lower id may commit after a higher one was read."""
    from alliances.partners.models import PoolChange

    pool.current()
    highest = PoolChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    PoolChange.objects.create(pk=highest + 10, part=pool.LISTINGS, row_id=0)
    pool.current()  # reads up to highest + 10
    Organisation.objects.filter(pk=orgs["company"].pk).update(territory=place("commune", "75056"))
    PoolChange.objects.create(pk=highest + 5, part=pool.ORGANISATIONS, row_id=orgs["company"].pk)
    after, _listings = pool.current()
    assert after.entries[orgs["company"].pk].actor.departement == "75"


def test_a_write_to_the_alliances_reads_again_only_their_partners(orgs, alliance):
    before, _listings = pool.current()
    assert before.entries[orgs["asso"].pk].actor.alliance_count == 1
    bystander = Organisation.objects.create(
        name="Tiers", profile=profile("fondation"), territory=place("commune", "69123")
    )
    before, _listings = pool.current()
    kept = before.row_of(bystander.pk)
    second = alliance.__class__.objects.create(
        kind="alliance", title="Deuxième", slug="deuxieme-alliance-pool", status="published"
    )
    from alliances.base.models import Partner

    Partner.objects.create(alliance=second, organisation=orgs["asso"], role="leader")
    after, listings = pool.current()
    assert after.entries[orgs["asso"].pk].actor.alliance_count == 2
    assert after.row_of(bystander.pk) == kept  # not read again: the same row
    _same_as_a_full_read(after, listings)


def test_old_changes_are_pruned(orgs):
    from datetime import timedelta

    from django.utils import timezone

    from alliances.partners.models import PoolChange

    PoolChange.objects.create(
        part=pool.ORGANISATIONS, row_id=1, at=timezone.now() - timedelta(days=2)
    )
    kept = PoolChange.objects.count() - 1
    assert pool.prune() == 1
    assert PoolChange.objects.count() == kept


def test_many_changes_at_once_read_everything_again(orgs, monkeypatch):
    """Above CHANGES_AT_MOST rows (a bulk write with signals), a full read, not one by id."""
    before, _listings = pool.current()
    monkeypatch.setattr(pool, "CHANGES_AT_MOST", 1)
    for organisation in orgs.values():
        organisation.territory = place("commune", "75056")
        organisation.save()
    after, listings = pool.current()
    assert after.entries[orgs["asso"].pk].actor.departement == "75"
    assert after.entries[orgs["company"].pk].actor.departement == "75"
    _same_as_a_full_read(after, listings)


def test_experience_is_held_by_organisation_id_in_arrays_not_one_entry_each(orgs):
    """At 1,000,000 alliances a dict entry per alliance and per organisation added some
    200 MB to a worker's peak while the pool was read (bench/worker_memory.py --warm-steps):
    the counts and types are arrays indexed by id, the sets shared."""
    import numpy as np

    from alliances.base.models import Alliance, Partner

    made = []
    for number in range(40):
        alliance = Alliance.objects.create(
            kind="alliance", title=f"A{number}", slug=f"a-{number}", status="published"
        )
        organisation = Organisation.objects.create(name=f"O{number}", profile=profile("fondation"))
        Partner.objects.create(alliance=alliance, organisation=organisation, role="partner")
        made.append(organisation.pk)
    found = pool._experience()
    assert not isinstance(found, dict)
    assert all(found[pk] == (1, frozenset()) for pk in made)
    assert set(made) <= set(found) and len(found) == len(list(found))
    held = vars(found).values()
    # The one dict holds a set per distinct combination of types, not an entry per organisation.
    assert all(
        isinstance(v, np.ndarray) or (isinstance(v, dict) and len(v) < len(found) // 2)
        for v in held
    )
    assert found.get(max(made) + 10_000) is None


def test_experience_counts_published_alliances_and_unites_their_types(orgs):
    """Read as streamed rows, each alliance's types as bits (ADR 0187): the same counts and
    types as reading them whole; organisations with the same types share one set."""
    from alliances.base.models import Alliance, Partner

    types = Term.objects.filter(taxonomy__key="partnership_types", parent=None).order_by("key")
    first, second = list(types[:2])

    def alliance(slug, status, *terms):
        made = Alliance.objects.create(kind="alliance", title=slug, slug=slug, status=status)
        made.partnership_types.set(terms)
        return made

    one, two = alliance("une", "published", first), alliance("deux", "published", second)
    both = alliance("les-deux", "published", first, second)
    draft = alliance("brouillon", "draft", first)
    bare = alliance("sans-type", "published")
    for made, org in ((one, "asso"), (two, "asso"), (both, "company"), (draft, "company")):
        Partner.objects.create(alliance=made, organisation=orgs[org], role="partner")
    third = Organisation.objects.create(name="Tierce", profile=profile("fondation"))
    Partner.objects.create(alliance=bare, organisation=third, role="partner")
    found = pool._experience()
    pair = frozenset({first.key, second.key})
    assert found[orgs["asso"].pk] == (2, pair)
    assert found[orgs["company"].pk] == (1, pair)  # the draft is not counted
    assert found[orgs["asso"].pk][1] is found[orgs["company"].pk][1]
    assert found[third.pk] == (1, frozenset())
    assert pool._experience({orgs["company"].pk}) == {orgs["company"].pk: (1, pair)}
    # Read for a few organisations by their own rows (after a write): the same answers.
    some = {orgs["asso"].pk, orgs["company"].pk, third.pk}
    assert dict(pool._experience(some)) == {pk: found[pk] for pk in some}
    assert pool._experience({third.pk + 1000}) == {}


# -- a write to the alliances reads again their partners only, whoever wrote it --------------
def _experience_reads(monkeypatch) -> list:
    """The organisations whose experience each read asked for (None: all of them)."""
    asked: list = []
    real = pool._experience

    def spy(ids=None):
        asked.append(None if ids is None else set(ids))
        return real(ids)

    monkeypatch.setattr(pool, "_experience", spy)
    return asked


def _count(organisations, organisation) -> int:
    return organisations.entries[organisation.pk].actor.alliance_count


def test_an_alliance_saved_reads_the_experience_of_its_partners_only(orgs, alliance, monkeypatch):
    """At 1,000,000 alliances, reading every organisation's experience after any save kept
    the next visitor of a suggestion page 9 s (bench/RESULTS.md)."""
    pool.current()
    asked = _experience_reads(monkeypatch)
    alliance.status = "draft"
    alliance.save()
    organisations, listings = pool.current()
    assert _count(organisations, orgs["asso"]) == 0
    assert _count(organisations, orgs["company"]) == 0
    assert asked and None not in asked
    assert set().union(*asked) == {orgs["asso"].pk, orgs["company"].pk}
    _same_as_a_full_read(organisations, listings)


def test_a_partner_moved_or_deleted_is_seen_by_the_organisation_it_leaves(orgs, alliance):
    from alliances.base.models import Partner

    third = Organisation.objects.create(name="Tierce", profile=profile("fondation"))
    pool.current()
    moved = Partner.objects.get(alliance=alliance, organisation=orgs["company"])
    moved.organisation = third
    moved.save()
    organisations, listings = pool.current()
    assert _count(organisations, orgs["company"]) == 0
    assert _count(organisations, third) == 1
    _same_as_a_full_read(organisations, listings)
    Partner.objects.filter(alliance=alliance, organisation=orgs["asso"]).delete()
    organisations, listings = pool.current()
    assert _count(organisations, orgs["asso"]) == 0
    _same_as_a_full_read(organisations, listings)


def test_types_changed_reach_the_partners_through_the_index(orgs, alliance):
    first = Term.objects.filter(taxonomy__key="partnership_types", parent=None).first()
    pool.current()
    alliance.partnership_types.add(first)
    organisations, listings = pool.current()
    assert organisations.entries[orgs["asso"].pk].actor.alliance_types == {first.key}
    _same_as_a_full_read(organisations, listings)


def test_a_loader_writing_without_signals_is_seen_through_the_reindex(orgs, monkeypatch):
    """bulk_create sends no signal: the loader re-indexes what it wrote, and the index says
    which alliances; a rebuild of the whole index has every experience compared."""
    from alliances.base.models import Alliance, Partner
    from alliances.base.search import index

    pool.current()
    asked = _experience_reads(monkeypatch)
    made = Alliance.objects.bulk_create(
        [Alliance(kind="alliance", title="Chargée", slug="chargee", status="published")]
    )
    Partner.objects.bulk_create([Partner(alliance=made[0], organisation=orgs["asso"])])
    index.update_index([made[0].pk])
    organisations, _listings = pool.current()
    assert _count(organisations, orgs["asso"]) == 1
    assert None not in asked
    Partner.objects.bulk_create([Partner(alliance=made[0], organisation=orgs["company"])])
    index.rebuild_index()
    organisations, listings = pool.current()
    assert _count(organisations, orgs["company"]) == 1
    assert None in asked  # the whole base compared, once
    _same_as_a_full_read(organisations, listings)


def test_another_process_sees_an_alliance_write_from_its_change_rows(orgs, alliance):
    """The rows are written in the write's own transaction: a process that did not make the
    write (here: one that forgets what it held of the index version) reads them."""
    from alliances.partners.models import PoolChange

    before, _listings = pool.current()
    highest = PoolChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    alliance.status = "draft"
    alliance.save()
    written = PoolChange.objects.filter(pk__gt=highest, part=pool.ORGANISATIONS)
    rows = set(written.values_list("row_id", flat=True))
    assert {orgs["asso"].pk, orgs["company"].pk} <= rows
    after, _listings = pool.current()
    assert _count(before, orgs["asso"]) == 1 and _count(after, orgs["asso"]) == 0


def test_a_large_reindex_has_every_experience_compared_not_thousands_of_rows(
    orgs, alliance, monkeypatch
):
    from alliances.base.search import index
    from alliances.partners.models import PoolChange

    pool.current()
    monkeypatch.setattr(pool, "CHANGES_AT_MOST", 1)  # two partners: more than "at most"
    highest = PoolChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    index.update_index([alliance.pk])
    written = PoolChange.objects.filter(pk__gt=highest)
    assert list(written.values_list("part", flat=True)) == [pool.EXPERIENCE]
