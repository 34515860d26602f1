"""The SDG codes every alliance carries by definition (plain Python, no Django import).

Every example of the base is a partnership between organisations of different kinds (public,
private, civil society) working together for the common good: a multi-stakeholder partnership.
That is what SDG target 17.17 asks to encourage ("Encourager et promouvoir les partenariats
publics, les partenariats public-privé et les partenariats avec la société civile"). So goal 17
and target 17.17 apply to every alliance by a documented rule (docs/sdg.md), never stored as a
verified code, never suggested, and always shown as "par définition". Kept with the SDG
reference data so that the search (which counts them) and the coding app both read it.
"""

BY_DEFINITION_GOAL = 17
BY_DEFINITION_TARGET = "17.17"
BY_DEFINITION_TARGETS = (BY_DEFINITION_TARGET,)
