"""Rebuild the search index of the alliances, with a progress bar.

manage.py reindex               # every alliance, in one transaction
manage.py reindex --if-stale    # only when the index and the base disagree (setup runs it)
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from alliances.base.models import Alliance
from alliances.base.search import index


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche des alliances (texte, facettes, bitmaps)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Ne reconstruire que si l'index ne correspond pas à la base.",
        )

    def handle(self, *args: object, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        if options["if_stale"] and not index.is_stale():
            if verbosity > 1:
                self.stdout.write("index de recherche : à jour")
            return
        total = Alliance.objects.count()
        with tqdm(
            total=total, unit=" alliances", disable=verbosity == 0, file=self.stderr._out
        ) as bar:
            count = index.rebuild_index(progress=bar.update)
        if verbosity:
            self.stdout.write(f"index de recherche : {count} alliance(s) indexée(s)")
