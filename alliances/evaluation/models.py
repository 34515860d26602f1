from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alliances.base.models import Organisation
from alliances.sdg.models import SdgTarget
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
    # Chosen when the campaign opens and shown to every partner above the comment box: the
    # comments appear with the name of their organisation, or without any name.
    comments_attributed = models.BooleanField(
        _("commentaires signés du nom de l'organisation"), default=False
    )
    opened_at = models.DateTimeField(_("ouverte le"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_reminder_at = models.DateTimeField(_("dernière relance"), null=True, blank=True)

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
    """One partner organisation's answers to a campaign.

    `answers` maps a question key to a point of the scale or "dk" (don't know); a question
    without a key is not answered yet. `submitted` is true only once every question has an
    explicit answer and the partner sent them: only then does the partner count as having
    replied.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    answers = models.JSONField(_("réponses"), default=dict)
    comment = models.TextField(_("commentaire"), blank=True)
    submitted = models.BooleanField(_("envoyée"), default=False)
    submitted_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
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


class ProgressReportQuerySet(models.QuerySet):
    def submitted(self) -> "ProgressReportQuerySet":
        return self.filter(status=ProgressReport.Status.SUBMITTED)


class ProgressReport(models.Model):
    """The yearly report of an alliance: drafted by any partner, submitted by a coordinator.

    Only a submitted report counts for the status light and may be published.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("déposé")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("année"))
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    achievements = models.TextField(
        _("réalisations"),
        blank=True,
        help_text=_("Ce que l'alliance a fait pendant l'année, pour qui, avec qui."),
    )
    figures = models.TextField(
        _("autres résultats"),
        blank=True,
        help_text=_("Ce que les indicateurs ne disent pas : un témoignage, un effet inattendu."),
    )
    difficulties = models.TextField(
        _("difficultés"), blank=True, help_text=_("Ce qui a freiné, et comment on y a répondu.")
    )
    lessons = models.TextField(
        _("enseignements"),
        blank=True,
        help_text=_("Ce que les partenaires referaient, ou feraient autrement."),
    )
    next_steps = models.TextField(
        _("prochaines étapes"), blank=True, help_text=_("Ce qui est prévu pour l'année suivante.")
    )
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rédigé par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, null=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True, null=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapport d'avancement")
        verbose_name_plural = _("rapports d'avancement")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "year"], name="report_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.workspace} · {self.year}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Indicator(models.Model):
    """A result the alliance follows from year to year: a baseline, a target, the actual
    value in each report. Quantitative (a number with its unit) or qualitative (a sentence).
    An indicator may take its values from the socio-economic model instead of being typed."""

    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", _("quantitatif (un nombre)")
        QUALITATIVE = "qualitative", _("qualitatif (une phrase)")

    class ModelFigure(models.TextChoices):
        TOTAL = "total", _("ressources mobilisées (€)")
        NON_CASH = "non_cash_share", _("part des apports non financiers (%)")
        BENEFICIARIES = "beneficiaries", _("bénéficiaires comptés")
        VALUE_CREATED = "value_created", _("valeur créée après ajustements (€)")
        VOLUNTEER_HOURS = "volunteer_hours", _("heures de bénévolat")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicateur"), max_length=200)
    kind = models.CharField(
        _("nature"), max_length=12, choices=Kind.choices, default=Kind.QUANTITATIVE
    )
    unit = models.CharField(
        _("unité"), max_length=60, blank=True, help_text=_("Exemples : personnes, repas, €, %.")
    )
    model_figure = models.CharField(
        _("valeur tirée du modèle socio-économique"),
        max_length=20,
        choices=ModelFigure.choices,
        blank=True,
        help_text=_(
            "Laissez vide pour saisir les valeurs ; sinon chaque année reprend le chiffre du "
            "modèle, sans ressaisie."
        ),
    )
    baseline_year = models.PositiveSmallIntegerField(_("année de référence"), null=True, blank=True)
    baseline = models.DecimalField(
        _("valeur de départ"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    baseline_text = models.CharField(_("situation de départ"), max_length=300, blank=True)
    target_year = models.PositiveSmallIntegerField(_("année visée"), null=True, blank=True)
    target = models.DecimalField(_("cible"), max_digits=16, decimal_places=2, null=True, blank=True)
    target_text = models.CharField(_("situation visée"), max_length=300, blank=True)
    sdg_targets = models.ManyToManyField(
        SdgTarget, verbose_name=_("cibles ODD"), blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposé par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[sdg_targets])

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_quantitative(self) -> bool:
        return self.kind == self.Kind.QUANTITATIVE


class IndicatorValue(models.Model):
    """The actual value of an indicator in one report (one period)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="indicator_values"
    )
    value = models.DecimalField(
        _("valeur atteinte"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    text = models.CharField(_("situation atteinte"), max_length=300, blank=True)
    comment = models.CharField(_("commentaire"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("valeur d'indicateur")
        verbose_name_plural = _("valeurs d'indicateurs")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "report"], name="indicator_value_unique_report"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.report.year}"
