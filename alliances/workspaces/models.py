import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliances.base.models import Alliance, Organisation


def _token() -> str:
    return secrets.token_urlsafe(32)


class Workspace(models.Model):
    """The private space of the partners of one alliance."""

    alliance = models.OneToOneField(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="workspace"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    # Curators see a workspace only when its coordinator grants it.
    curators_granted = models.BooleanField(_("accès accordé aux curateurs"), default=False)
    # What the alliance chooses to show on its public page, item by item.
    publish_evaluation = models.BooleanField(_("publier la synthèse d'évaluation"), default=False)
    publish_model = models.BooleanField(_("publier le modèle socio-économique"), default=False)
    publish_reports = models.BooleanField(_("publier les rapports d'avancement"), default=False)
    last_reminder_at = models.DateTimeField(
        _("dernier rappel envoyé le"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("espace partenaires")
        verbose_name_plural = _("espaces partenaires")

    def __str__(self) -> str:
        return str(self.alliance)

    def get_absolute_url(self) -> str:
        return reverse("workspaces:detail", kwargs={"pk": self.pk})


class Membership(models.Model):
    """A person's place in a workspace: for one partner organisation, with a role."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinateur")
        MEMBER = "member", _("membre")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation partenaire"), on_delete=models.PROTECT
    )
    role = models.CharField(_("rôle"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("arrivé le"), auto_now_add=True)
    # The language of the e-mails this person receives about the workspace.
    language = models.CharField(
        _("langue des e-mails"), max_length=5, choices=settings.LANGUAGES, default="fr"
    )

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"


class Invitation(models.Model):
    """An invitation sent by e-mail; the link carries an unguessable token."""

    VALID_DAYS = 14

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("adresse électronique"))
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation partenaire"), on_delete=models.PROTECT
    )
    role = models.CharField(
        _("rôle"), max_length=12, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    language = models.CharField(
        _("langue de l'invitation"), max_length=5, choices=settings.LANGUAGES, default="fr"
    )
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.email

    @property
    def expired(self) -> bool:
        return timezone.now() > self.created_at + timedelta(days=self.VALID_DAYS)


class Part(models.TextChoices):
    """What a workspace may show on the alliance's public page, each part on its own."""

    EVALUATION = "evaluation", _("la synthèse de l'évaluation partenariale")
    MODEL = "model", _("le modèle socio-économique")
    REPORTS = "reports", _("les rapports d'avancement")


PUBLISH_FLAGS = {
    Part.EVALUATION: "publish_evaluation",
    Part.MODEL: "publish_model",
    Part.REPORTS: "publish_reports",
}


class PublicationRequest(models.Model):
    """A proposal to publish a part: published only once every partner organisation agreed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente des accords")
        PUBLISHED = "published", _("publiée")
        REFUSED = "refused", _("refusée")
        WITHDRAWN = "withdrawn", _("retirée")

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="publication_requests"
    )
    part = models.CharField(_("partie"), max_length=12, choices=Part.choices)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande de publication")
        verbose_name_plural = _("demandes de publication")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.workspace} · {self.get_part_display()} ({self.get_status_display()})"


class Consent(models.Model):
    """One partner organisation's answer to a publication request."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("pas encore répondu")
        AGREED = "agreed", _("d'accord")
        REFUSED = "refused", _("pas d'accord")

    request = models.ForeignKey(
        PublicationRequest, on_delete=models.CASCADE, related_name="consents"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    decision = models.CharField(
        _("réponse"), max_length=8, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("accord de publication")
        verbose_name_plural = _("accords de publication")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "organisation"], name="consent_unique_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} · {self.organisation} : {self.get_decision_display()}"
