"""Rebuild the search index of the alliances, with progress bars.

manage.py reindex               # every alliance: text, facets, vocabulary, then the vectors
manage.py reindex --if-stale    # only when the index and the base disagree (setup runs it);
                                # with the semantic part on, also embeds alliances that have
                                # no vector yet

The vectors (semantic part on, `ALLIANCES_SEARCH_SEMANTIC`) are embedded by one worker
process per core; a text already embedded is never embedded again.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import router
from tqdm import tqdm

from alliances.base.models import Alliance
from alliances.base.search import index, semantic
from alliances.common import embeddings, reindexing


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche des alliances (texte, facettes, vocabulaire, sens)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Ne reconstruire que si l'index ne correspond pas à la base.",
        )

    def handle(self, *args: object, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        quiet = verbosity == 0
        alias = router.db_for_write(Alliance)
        if options["if_stale"] and not index.is_stale():
            if embeddings.enabled() and semantic.missing(alias):
                self._vectors(alias, quiet)
            elif verbosity > 1:
                self.stdout.write("index de recherche : à jour")
            self._collections(quiet, only_stale=True)
            return
        total = Alliance.objects.count()
        out = self.stderr._out
        with (
            tqdm(total=total, unit=" alliances", desc="texte", disable=quiet, file=out) as text,
            tqdm(
                total=total,
                unit=" alliances",
                desc="vecteurs",
                disable=quiet or not embeddings.enabled(),
                file=out,
            ) as meaning,
        ):
            count = index.rebuild_index(progress=text.update, vectors_progress=meaning.update)
        if verbosity:
            state = "activée" if embeddings.enabled() else "désactivée"
            self.stdout.write(
                f"index de recherche : {count} alliance(s) indexée(s) ; recherche par le sens "
                f"{state}"
            )
        self._collections(quiet, only_stale=False)

    def _collections(self, quiet: bool, only_stale: bool) -> None:
        """The other parts' searchable collections (the library's resources)."""
        for collection in reindexing.collections():
            if only_stale and not collection.stale():
                continue
            with tqdm(
                total=collection.total() if embeddings.enabled() else 0,
                unit=" textes",
                desc=collection.name,
                disable=quiet or not embeddings.enabled(),
                file=self.stderr._out,
            ) as bar:
                made = collection.rebuild(progress=bar.update)
            if not quiet:
                self.stdout.write(f"{collection.name} : {made} texte(s) vectorisé(s)")

    def _vectors(self, alias: str, quiet: bool) -> None:
        total = Alliance.objects.using(alias).count()
        with tqdm(
            total=total, unit=" alliances", desc="vecteurs", disable=quiet, file=self.stderr._out
        ) as bar:
            made = semantic.embed_alliances(None, alias, bar.update)
        if not quiet:
            self.stdout.write(f"index de recherche : {made} texte(s) d'alliance vectorisé(s)")
