"""Load the taxonomies of the field (alliances/data/referentials/) with their terms.

Idempotent: a second run changes nothing. Each list and each term keeps the digest of the
source row it was loaded from: while that row does not change, an administrator's edits
(labels, provisional flag...) are kept; a changed row updates the term; a term that left the
source is marked obsolete, never deleted (other parts point to it). Everything is read and
checked first, then stored in one transaction.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from alliances.common.datasets import file_checksum, record_dataset
from alliances.referentials.models import Taxonomy, Term
from alliances.referentials.source import (
    LABELS_FILE,
    SOURCE_FILE,
    TaxonomySpec,
    TermSpec,
    read_referentials,
)
from alliances.referentials.synonyms import SYNONYMS_FILE, read_synonyms, store_synonyms

DATA_DIR = Path(settings.BASE_DIR) / "alliances" / "data" / "referentials"


def _apply_term(term: Term, spec: TermSpec, parent: Term | None) -> None:
    term.label_fr = spec.label_fr
    term.label_en = spec.label_en
    term.parent = parent
    term.position = spec.position
    term.extra = spec.extra
    term.provisional = spec.provisional
    term.obsolete = False
    term.source_digest = spec.digest


def store_taxonomy(spec: TaxonomySpec) -> int:
    """Create or update one list and its terms; return how many rows changed."""
    changed = 0
    taxonomy = Taxonomy.objects.filter(key=spec.key).first()
    if taxonomy is None or taxonomy.source_digest != spec.digest:
        taxonomy = taxonomy or Taxonomy(key=spec.key)
        taxonomy.name_fr = spec.name_fr
        taxonomy.name_en = spec.name_en
        taxonomy.provisional = spec.provisional
        taxonomy.position = spec.position
        taxonomy.source_digest = spec.digest
        taxonomy.save()
        changed += 1
    existing = {t.key: t for t in Term.objects.filter(taxonomy=taxonomy)}
    loaded: dict[str, Term] = {}
    # Parents come before their subtypes in the specs, so `loaded` always has the parent.
    for spec_term in spec.terms:
        parent = loaded[spec_term.parent] if spec_term.parent else None
        term = existing.get(spec_term.key)
        if term is None:
            term = Term(taxonomy=taxonomy, key=spec_term.key)
            _apply_term(term, spec_term, parent)
            term.save()
            changed += 1
        elif term.source_digest != spec_term.digest:
            _apply_term(term, spec_term, parent)
            term.save()
            changed += 1
        elif term.obsolete:
            # Back in the source unchanged: alive again, the administrator's edits kept.
            term.obsolete = False
            term.save(update_fields=["obsolete"])
            changed += 1
        loaded[spec_term.key] = term
    changed += _mark_obsolete(t for key, t in existing.items() if key not in loaded)
    return changed


def _mark_obsolete(terms: object) -> int:
    """Terms that came from the source and left it; terms made in the admin are not touched."""
    changed = 0
    for term in terms:  # type: ignore[attr-defined]
        if term.source_digest and not term.obsolete:
            term.obsolete = True
            term.save(update_fields=["obsolete"])
            changed += 1
    return changed


def store(specs: list[TaxonomySpec]) -> int:
    changed = sum(store_taxonomy(spec) for spec in specs)
    # A whole list that left the source: its terms become obsolete, the list stays.
    keys = {spec.key for spec in specs}
    changed += _mark_obsolete(Term.objects.exclude(taxonomy__key__in=keys))
    return changed


class Command(BaseCommand):
    help = "Load the taxonomies of the field and their terms (idempotent; admin edits kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DATA_DIR,
            help=f"Folder holding {SOURCE_FILE} and {LABELS_FILE}.",
        )

    def handle(self, *args: object, **options: object) -> None:
        data_dir = Path(options["data_dir"])  # type: ignore[arg-type]
        source, labels = data_dir / SOURCE_FILE, data_dir / LABELS_FILE
        notes: list[str] = []
        specs = read_referentials(source, labels, notes)
        synonyms = read_synonyms(data_dir / SYNONYMS_FILE)
        terms = sum(len(s.terms) for s in specs)
        checksum = file_checksum(source, labels, data_dir / SYNONYMS_FILE)
        with transaction.atomic():
            changed = store(specs)
            changed += store_synonyms(synonyms)
            record_dataset("referentials", checksum[:12], checksum, terms)
        for note in notes:
            self.stderr.write(f"populate_referentials : {note}")
        if int(options["verbosity"]) > 0:  # type: ignore[call-overload]
            self.stdout.write(
                f"populate_referentials: {len(specs)} lists, {terms} terms, "
                f"{len(synonyms)} synonym groups, {changed} changed"
            )
