from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from alliances.base.models import Organisation

from .models import Invitation, Membership, Workspace


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "organisation", "role"]

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


class PublishingForm(forms.ModelForm):
    class Meta:
        model = Workspace
        fields = ["publish_evaluation", "publish_model", "publish_reports", "curators_granted"]
