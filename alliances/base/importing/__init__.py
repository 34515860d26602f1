"""Import of alliances from CSV, XLSX and JSON Lines (readers, cell parsers, validation)."""
