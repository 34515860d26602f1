"""Rebuild the search index of the alliances from the database (text, facets, bitmaps).

    manage.py reindex

What a restore runs, inside its own transaction, and what an operator runs after changing
rows by hand in the database.
"""

from django.core.management.base import BaseCommand

from alliances.base.reindex import refresh_search_index


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche des alliances (texte, facettes) depuis la base."

    def handle(self, *args: object, **options: object) -> None:
        message = refresh_search_index([])
        if int(str(options.get("verbosity", 1))) >= 1:
            self.stdout.write(message)
