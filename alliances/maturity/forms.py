from django import forms
from django.utils.translation import gettext_lazy as _

from alliances.territories.models import Territory

from .models import ReferentialVersion, Target
from .profiles import profile_choices

TERRITORY_LEVELS = [
    ("commune", _("commune")),
    ("epci", _("intercommunalité (EPCI)")),
    ("departement", _("département")),
    ("region", _("région")),
]


class StartForm(forms.Form):
    referential = forms.ChoiceField(
        label=_("Que voulez-vous diagnostiquer ?"), widget=forms.RadioSelect
    )
    profile = forms.ChoiceField(label=_("Votre profil d'acteur"))
    territory_level = forms.ChoiceField(
        label=_("Niveau du territoire (facultatif)"),
        choices=[("", _("— aucun —")), *TERRITORY_LEVELS],
        required=False,
    )
    territory_code = forms.CharField(
        label=_("Code officiel du territoire (facultatif)"),
        help_text=_(
            "Par exemple 69123 pour la commune de Lyon, 69 pour le Rhône, 84 pour la région."
        ),
        max_length=12,
        required=False,
    )
    consent_to_aggregate = forms.BooleanField(
        label=_(
            "J'accepte que mes niveaux (jamais mes réponses) entrent, anonymement, dans les "
            "statistiques de l'observatoire."
        ),
        required=False,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        versions = ReferentialVersion.objects.active().order_by("target", "key")
        self.versions = {v.key: v for v in versions}
        self.fields["referential"].choices = [
            (v.key, f"{v.title} — {Target(v.target).label}") for v in versions
        ]
        if len(versions) == 1:
            self.fields["referential"].initial = versions[0].key
        self.fields["profile"].choices = [("", _("— choisissez —")), *profile_choices()]

    def clean(self) -> dict:
        data = super().clean()
        code = (data.get("territory_code") or "").strip().upper()
        level = data.get("territory_level")
        data["territory"] = None
        if code and not level:
            self.add_error("territory_level", _("Choisissez le niveau du territoire de ce code."))
        elif code:
            territory = Territory.objects.filter(level=level, code=code).first()
            if territory is None:
                self.add_error(
                    "territory_code",
                    _("Aucun territoire de ce niveau n'a le code « %(code)s ».") % {"code": code},
                )
            data["territory"] = territory
        return data

    def selected_version(self) -> ReferentialVersion:
        return self.versions[self.cleaned_data["referential"]]
