"""The kinds of needs and offers, as data: add a line to add a kind (no migration needed
beyond the field's choices, which Django records but the database does not enforce).

Each kind names the actor profiles that most often answer it, which the matching uses as a
hint of complementarity (a company for skills-based sponsorship, a foundation for funding).
"""

from django.utils.translation import gettext_lazy as _

# key, label, profiles that typically offer it
KINDS: list[tuple[str, str, tuple[str, ...]]] = [
    ("mecenat_competences", _("Mécénat de compétences"), ("entreprise",)),
    ("financement", _("Financement"), ("fondation", "entreprise", "collectivite", "etat")),
    ("benevoles", _("Bénévoles"), ("association", "citoyen", "entreprise")),
    ("materiel", _("Matériel"), ("entreprise", "collectivite")),
    ("locaux", _("Locaux"), ("collectivite", "entreprise", "association")),
    ("expertise", _("Expertise"), ("accompagnement", "academique", "entreprise")),
    ("mise_en_relation", _("Mises en relation"), ("accompagnement", "collectivite")),
    ("achats_responsables", _("Achats responsables"), ("entreprise", "collectivite")),
    ("projet_commun", _("Construire un projet commun"), ()),
]

KIND_CHOICES = [(key, label) for key, label, _profiles in KINDS]
KIND_PROFILES: dict[str, tuple[str, ...]] = {key: profiles for key, _label, profiles in KINDS}
KIND_LABELS = dict(KIND_CHOICES)
