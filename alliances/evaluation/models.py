from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliances.base.models import Organisation
from alliances.workspaces.models import Workspace


class Campaign(models.Model):
    """One round of the joint evaluation; it keeps the questionnaire it was opened with."""

    class Status(models.TextChoices):
        OPEN = "open", _("ouverte")
        CLOSED = "closed", _("close")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="campaigns")
    year = models.PositiveSmallIntegerField(_("année"))
    questionnaire = models.JSONField(_("questionnaire"))
    status = models.CharField(
        _("statut"), max_length=6, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("ouverte le"), auto_now_add=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)

    class Meta:
        verbose_name = _("campagne d'évaluation")
        verbose_name_plural = _("campagnes d'évaluation")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "year"], name="campaign_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.workspace} · {self.year}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Response(models.Model):
    """One partner organisation's answers to a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    answers = models.JSONField(_("réponses"), default=dict)
    comment = models.TextField(_("commentaire"), blank=True)
    submitted = models.BooleanField(_("envoyée"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="response_unique_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.organisation}"


class ProgressReport(models.Model):
    """The yearly report of an alliance on what it achieved."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("année"))
    achievements = models.TextField(_("réalisations"))
    figures = models.TextField(_("résultats chiffrés"), blank=True)
    difficulties = models.TextField(_("difficultés"), blank=True)
    next_steps = models.TextField(_("prochaines étapes"), blank=True)
    submitted_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("rapport d'avancement")
        verbose_name_plural = _("rapports d'avancement")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "year"], name="report_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.workspace} · {self.year}"
