from django import forms
from django.utils.translation import gettext_lazy as _

from alliances.referentials.models import Term
from alliances.territories.models import Territory

from .models import Signature
from .territory_lookup import find_territory


class ProfileChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Term) -> str:
        return obj.label


class SignatureForm(forms.Form):
    organisation_name = forms.CharField(
        label=_("Nom de l'organisation"),
        max_length=300,
        error_messages={"required": _("Indiquez le nom de l'organisation qui signe.")},
    )
    profile = ProfileChoiceField(
        label=_("Profil d'acteur"),
        queryset=Term.objects.none(),
        empty_label=_("— choisir —"),
        error_messages={
            "required": _("Choisissez le profil d'acteur de l'organisation."),
            "invalid_choice": _(
                "Ce profil d'acteur n'existe pas : choisissez-en un dans la liste."
            ),
        },
    )
    territory = forms.CharField(
        label=_("Territoire"),
        max_length=200,
        help_text=_(
            "Code officiel ou nom de la commune, du département ou de la région "
            "(ex. 69123, Rhône, Occitanie)."
        ),
        error_messages={"required": _("Indiquez le territoire de l'organisation.")},
    )
    email = forms.EmailField(
        label=_("E-mail de contact"),
        help_text=_("Pour confirmer la signature ; jamais publié."),
        error_messages={
            "required": _("Indiquez un e-mail de contact."),
            "invalid": _("Cet e-mail n'est pas valide (ex. contact@exemple.fr)."),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que le nom, le profil et le territoire de l'organisation soient publiés "
            "dans la liste des signataires après modération."
        ),
        error_messages={"required": _("Cochez la case de consentement pour signer.")},
    )
    # Honeypot: hidden from people, filled by robots; a filled one is silently dropped.
    website = forms.CharField(label=_("Ne pas remplir ce champ"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = Term.objects.filter(
            taxonomy__key="actor_profiles", obsolete=False, parent__isnull=True
        ).order_by("position", "key")
        self.fields["profile"].to_field_name = "key"
        self.resolved_territory: Territory | None = None

    def clean_organisation_name(self) -> str:
        name = " ".join(self.cleaned_data["organisation_name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Le nom de l'organisation est trop court."))
        return name

    def clean_territory(self) -> str:
        text = self.cleaned_data["territory"]
        lookup = find_territory(text)
        if lookup.territory is None:
            if lookup.candidates:
                names = ", ".join(f"{t.name} ({t.code})" for t in lookup.candidates)
                raise forms.ValidationError(
                    _(
                        "Plusieurs territoires correspondent à « %(text)s » : %(names)s. "
                        "Recopiez l'un d'eux avec son code entre parenthèses."
                    ),
                    params={"text": text, "names": names},
                )
            raise forms.ValidationError(
                _(
                    "Aucun territoire ne correspond à « %(text)s ». Donnez le code officiel ou "
                    "le nom exact d'une commune, d'un département ou d'une région."
                ),
                params={"text": text},
            )
        self.resolved_territory = lookup.territory
        return text

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def save(self) -> Signature | None:
        if self.is_spam:
            return None
        return Signature.objects.create(
            organisation_name=self.cleaned_data["organisation_name"],
            profile=self.cleaned_data["profile"],
            territory=self.resolved_territory,
            email=self.cleaned_data["email"],
            consent=True,
        )
