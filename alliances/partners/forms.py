"""Short forms: ask for a workspace, claim, edit a profile, publish, write, report."""

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from alliances.base.identifiers import (
    clean_digits,
    is_valid_rna,
    is_valid_siren,
    is_valid_siret,
    normalize_rna,
)
from alliances.base.models import Alliance, Organisation
from alliances.referentials.models import Term
from alliances.territories import lookups
from alliances.territories.models import Territory

from .kinds import KIND_CHOICES
from .models import Listing


def clean_text(value: str) -> str:
    """Drop control characters (keep line breaks) from what people type."""
    return "".join(
        c for c in value if c in "\n\t" or not unicodedata.category(c).startswith("C")
    ).strip()


class TextField(forms.CharField):
    def to_python(self, value: Any) -> str:
        text = clean_text(super().to_python(value))
        if not isinstance(self.widget, forms.Textarea):
            text = " ".join(text.split())
        return text


class Honeypot(forms.Form):
    # Hidden from people (class "trap", display: none), filled by robots.
    website_url = forms.CharField(
        label=_("Ne pas remplir ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website_url"))


def domain_terms() -> list[tuple[str, str]]:
    return [
        (t.key, t.label)
        for t in Term.objects.filter(
            taxonomy__key="domains", obsolete=False, parent__isnull=True
        ).order_by("position", "key")
    ]


class WorkspaceRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation que vous représentez"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, alliance: Alliance, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            partnerships__alliance=alliance
        ).order_by("name")


class ClaimForm(Honeypot):
    note = TextField(
        label=_("Votre fonction dans l'organisation (pour les curateurs)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def place_field(label: str, required: bool = False) -> TextField:
    return TextField(
        label=label,
        max_length=200,
        required=required,
        help_text=_("Une commune, un département, une région, ou un code (commune:69123)."),
    )


def resolve_place(text: str) -> Territory | None:
    """The territory of a typed place, or a clear error naming what was not understood."""
    text = " ".join(text.split())
    if not text:
        return None
    if ":" in text:
        level, _sep, code = text.partition(":")
        found = lookups.get_territory(level.strip(), code.strip())
        if found is not None:
            return found
    resolution = lookups.resolve_place_text(text)
    if resolution.complete:
        return resolution.territory
    if resolution.candidates:
        names = ", ".join(f"{t.name} ({t.level}:{t.code})" for t in resolution.candidates[:6])
        raise ValidationError(
            _("Lieu « %(text)s » ambigu : précisez parmi %(names)s.")
            % {"text": text, "names": names}
        )
    raise ValidationError(
        _("Lieu « %(text)s » introuvable parmi les territoires.") % {"text": text}
    )


class ProfileForm(forms.Form):
    name = TextField(label=_("Nom"), max_length=300)
    website = forms.URLField(
        label=_("Site web"), required=False, max_length=200, assume_scheme="https"
    )
    siren = TextField(label=_("SIREN"), max_length=20, required=False)
    siret = TextField(label=_("SIRET"), max_length=25, required=False)
    rna = TextField(label=_("Numéro RNA"), max_length=15, required=False)
    place = place_field(_("Territoire"))
    domains = forms.MultipleChoiceField(
        label=_("Domaines d'action"), required=False, widget=forms.CheckboxSelectMultiple
    )
    description = TextField(
        label=_("Présentation"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domains"].choices = domain_terms()

    def clean_siren(self) -> str:
        value = clean_digits(self.cleaned_data["siren"])
        if value and not is_valid_siren(value):
            raise ValidationError(_("SIREN invalide : 9 chiffres dont une clé de contrôle (Luhn)."))
        return value

    def clean_siret(self) -> str:
        value = clean_digits(self.cleaned_data["siret"])
        if value and not is_valid_siret(value):
            raise ValidationError(
                _("SIRET invalide : 14 chiffres dont une clé de contrôle (Luhn).")
            )
        return value

    def clean_rna(self) -> str:
        value = normalize_rna(self.cleaned_data["rna"])
        if value and not is_valid_rna(value):
            raise ValidationError(
                _("Numéro RNA invalide : W suivi de 9 caractères (ex. W751234567).")
            )
        return value

    def clean_place(self) -> Territory | None:
        return resolve_place(self.cleaned_data["place"])

    def clean(self) -> dict:
        data = super().clean()
        siren, siret = data.get("siren"), data.get("siret")
        if siren and siret and not siret.startswith(siren):
            self.add_error("siret", _("Le SIRET doit commencer par le SIREN de l'organisation."))
        return data


class ListingForm(Honeypot):
    direction = forms.ChoiceField(
        label=_("Vous publiez"), choices=Listing.Direction.choices, widget=forms.RadioSelect
    )
    kind = forms.ChoiceField(label=_("Nature"), choices=KIND_CHOICES)
    title = TextField(label=_("Titre"), max_length=200)
    description = TextField(
        label=_("Description"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6})
    )
    domains = forms.MultipleChoiceField(
        label=_("Domaines"), required=False, widget=forms.CheckboxSelectMultiple
    )
    place = place_field(_("Lieu"))
    reach = forms.ChoiceField(label=_("Portée"), choices=Listing.Reach.choices)
    starts_on = forms.DateField(
        label=_("À partir du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Jusqu'au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domains"].choices = domain_terms()

    def clean_place(self) -> Territory | None:
        return resolve_place(self.cleaned_data["place"])

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("La fin de la période précède son début."))
        return data


class MessageForm(Honeypot):
    body = TextField(
        label=_("Votre message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )


class AbuseForm(forms.Form):
    reason = TextField(
        label=_("Ce qui ne va pas"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class IntroductionForm(forms.Form):
    first = forms.ModelChoiceField(
        label=_("Première organisation (numéro)"),
        queryset=Organisation.objects.all(),
        widget=forms.NumberInput,
    )
    second = forms.ModelChoiceField(
        label=_("Seconde organisation (numéro)"),
        queryset=Organisation.objects.all(),
        widget=forms.NumberInput,
    )
    note = TextField(
        label=_("Pourquoi elles devraient se parler"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DraftAllianceForm(forms.Form):
    title = TextField(label=_("Titre de l'alliance"), max_length=300)
    summary = TextField(
        label=_("Résumé"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def profile_terms() -> list[tuple[str, str]]:
    return [
        (t.key, t.label)
        for t in Term.objects.filter(
            taxonomy__key="actor_profiles", obsolete=False, parent__isnull=True
        ).order_by("position", "key")
    ]


class RegisterForm(Honeypot, ProfileForm):
    """An organisation absent from the base: the same fields as a profile, and its kind."""

    profile = forms.ChoiceField(label=_("Profil d'acteur"))

    field_order = ["name", "profile"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = profile_terms()
