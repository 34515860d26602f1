from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from alliances.base.models import Alliance, Organisation

from .models import Invitation, Membership, Workspace


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "organisation", "role", "language"]
        help_texts = {
            "language": _("La langue de l'e-mail d'invitation et des messages suivants."),
        }

    def __init__(self, *args: object, workspace: Workspace, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # One can only invite someone for a partner of this alliance.
        self.fields["organisation"].queryset = Organisation.objects.filter(
            partnerships__alliance=workspace.alliance
        ).order_by("name")
        self.workspace = workspace

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if Membership.objects.filter(workspace=self.workspace, user__email__iexact=email).exists():
            raise forms.ValidationError(_("Cette personne est déjà membre de l'espace."))
        return email


class AcceptInvitationForm(forms.Form):
    """Create the account of an invited person (the e-mail is the invitation's)."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    password = forms.CharField(
        label=_("Mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 8 caractères, pas uniquement des chiffres."),
    )

    def __init__(self, *args: object, email: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = get_user_model()(username=self.email, email=self.email)
        password_validation.validate_password(password, user)
        return password


class CuratorsForm(forms.ModelForm):
    class Meta:
        model = Workspace
        fields = ["curators_granted"]
        help_texts = {
            "curators_granted": _(
                "Les curateurs de la plateforme peuvent alors lire l'espace (sans rien modifier), "
                "par exemple pour vous aider."
            )
        }


class LanguageForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["language"]


class WorkspaceCreationForm(forms.Form):
    """The back office's form: an alliance, then one of its partners as coordinator."""

    alliance = forms.ModelChoiceField(
        label=_("Alliance"),
        queryset=Alliance.objects.filter(workspace__isnull=True).order_by("title"),
        help_text=_("Les alliances qui ont déjà un espace ne sont pas proposées."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation du coordinateur"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Parmi les partenaires de l'alliance choisie."),
    )
    email = forms.EmailField(
        label=_("Adresse électronique du coordinateur"),
        required=False,
        help_text=_(
            "Un compte existant devient membre aussitôt et en est prévenu ; sinon une invitation "
            "est envoyée, à votre nom."
        ),
    )
    role = forms.ChoiceField(
        label=_("Rôle"), choices=Membership.Role.choices, initial=Membership.Role.COORDINATOR
    )
    language = forms.ChoiceField(
        label=_("Langue des e-mails"), choices=settings.LANGUAGES, initial="fr"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("role"):
            # The first step posts the alliance alone: the second offers the defaults.
            self.data = self.data.copy()
            self.data["role"] = Membership.Role.COORDINATOR
            self.data.setdefault("language", "fr")
        alliance_id = self.data.get("alliance") if self.is_bound else None
        if alliance_id and str(alliance_id).isdigit():
            self.fields["organisation"].queryset = (
                Organisation.objects.filter(partnerships__alliance_id=int(alliance_id))
                .distinct()
                .order_by("name")
            )

    @property
    def second_step(self) -> bool:
        """True once the alliance is chosen: its partners are then offered."""
        return self.fields["organisation"].queryset.exists()

    def clean(self) -> dict:
        data = super().clean()
        if self.errors or self.data.get("step") != "create":
            return data
        if not self.second_step:
            self.add_error(
                "alliance",
                _(
                    "Cette alliance n'a aucun partenaire enregistré : "
                    "ajoutez-en d'abord dans la base."
                ),
            )
            return data
        if not data.get("organisation"):
            self.add_error("organisation", _("Choisissez l'organisation du coordinateur."))
        if not data.get("email"):
            self.add_error("email", _("Indiquez l'adresse du coordinateur."))
        return data
