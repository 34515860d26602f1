"""SDG coding of the alliances: target 17.17 by definition, explained suggestions of other
targets, and the curators' decisions on them (a part built on the base and the SDGs)."""
