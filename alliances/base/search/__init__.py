"""Search of the base of alliances: one query object used by every surface.

- `query`: the plain-Python query object parsed from request parameters (no Django);
- `analysis`: the French text analyser (words, stems, accents, snippets; no Django);
- `fulltext`: the full-text index behind one small interface (SQLite FTS5, PostgreSQL);
- `executor`: runs a query against the database (filters, facets, sort, pages);
- `similar`: similar alliances, each with why it is similar.
"""
