from django import forms
from django.utils.translation import gettext_lazy as _

from alliances.territories.lookups import get_territory
from alliances.territories.suggest import no_place_message, resolve

from .models import ReferentialVersion, Target
from .profiles import profile_choices

PLACE_LEVELS = ("commune", "epci", "departement", "region")


class StartForm(forms.Form):
    referential = forms.ChoiceField(
        label=_("Que voulez-vous diagnostiquer ?"), widget=forms.RadioSelect
    )
    profile = forms.ChoiceField(label=_("Votre profil d'acteur"))
    place = forms.CharField(
        label=_("Votre territoire"),
        help_text=_(
            "Facultatif. Le nom d'une commune, d'une intercommunalité, d'un département ou "
            "d'une région, ou un code postal : par exemple « Rodez », « Aveyron » ou « 12000 »."
        ),
        max_length=100,
        required=False,
    )
    # The place chosen among the suggestions of the place box (site.js), as "level:code";
    # without JavaScript the typed name is read instead.
    territory = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
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
        text = " ".join((data.get("place") or "").split())
        chosen = (data.get("territory") or "").strip()
        data["territory"] = None
        level, _sep, code = chosen.partition(":")
        if chosen and level in PLACE_LEVELS:
            data["territory"] = get_territory(level, code)
        if data["territory"] is None and text:
            data["territory"] = resolve(text)
            if data["territory"] is None:
                self.add_error("place", no_place_message(text))
        return data

    def selected_version(self) -> ReferentialVersion:
        return self.versions[self.cleaned_data["referential"]]
