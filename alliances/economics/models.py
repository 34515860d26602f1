from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alliances.base.models import Organisation
from alliances.workspaces.models import Workspace

from . import model as engine

POSITIVE = [MinValueValidator(Decimal(0))]
PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def _percent(label: str, help_text: str) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=help_text,
    )


def _share(percent: Decimal | None) -> Decimal | None:
    return None if percent is None else Decimal(percent) / 100


class ContributionEntry(models.Model):
    """A partner's contribution of one kind in one year, as entered in the workspace."""

    class Kind(models.TextChoices):
        MONEY = engine.Kind.MONEY.value, _("apport financier")
        IN_KIND = engine.Kind.IN_KIND.value, _("apport en nature")
        SKILLS = engine.Kind.SKILLS.value, _("mécénat de compétences")
        VOLUNTEERING = engine.Kind.VOLUNTEERING.value, _("bénévolat")
        PREMISES = engine.Kind.PREMISES.value, _("locaux et équipements")

    class Origin(models.TextChoices):
        PUBLIC = engine.Origin.PUBLIC.value, _("ressource publique")
        PRIVATE = engine.Origin.PRIVATE.value, _("ressource privée")
        EARNED = engine.Origin.EARNED.value, _("revenu d'activité")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="contributions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("année"))
    kind = models.CharField(_("nature de l'apport"), max_length=15, choices=Kind.choices)
    origin = models.CharField(
        _("origine"), max_length=8, choices=Origin.choices, default=Origin.PRIVATE
    )
    amount = models.DecimalField(
        _("montant (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    hours = models.DecimalField(
        _("heures par personne"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    people = models.PositiveIntegerField(_("nombre de personnes"), default=1)
    rate = models.DecimalField(
        _("valeur d'une heure (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    rate_low = models.DecimalField(
        _("valeur basse d'une heure (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    rate_high = models.DecimalField(
        _("valeur haute d'une heure (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("source de la valeur"), max_length=500, blank=True)
    note = models.CharField(_("description"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True, null=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("apport")
        verbose_name_plural = _("apports")
        ordering = ["year", "organisation__name", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} {self.get_kind_display()}"

    @property
    def is_hourly(self) -> bool:
        return self.kind in engine.HOURLY_KINDS

    @property
    def value(self) -> Decimal | None:
        if self.is_hourly:
            if self.hours is None or self.rate is None:
                return None
            return self.hours * self.people * self.rate
        return self.amount

    def as_engine(self) -> engine.Contribution:
        hours = self.hours * self.people if self.hours is not None else None
        return engine.Contribution(
            partner=self.organisation.name,
            year=self.year,
            kind=engine.Kind(self.kind),
            origin=engine.Origin(self.origin),
            amount=self.amount,
            hours=hours,
            people=self.people,
            rate=self.rate,
            rate_low=self.rate_low,
            rate_high=self.rate_high,
            source=self.source,
        )


class OutcomeEntry(models.Model):
    """What the alliance achieved in a year, valued with a unit value and its source, and
    adjusted for what would have happened anyway and what others contributed."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="outcomes")
    year = models.PositiveSmallIntegerField(_("année"))
    label = models.CharField(_("résultat"), max_length=200)
    quantity = models.DecimalField(
        _("quantité"), max_digits=14, decimal_places=2, validators=POSITIVE
    )
    unit = models.CharField(_("unité"), max_length=60)
    beneficiaries = models.BooleanField(
        _("compte des bénéficiaires"),
        default=False,
        help_text=_("Cochez si la quantité est un nombre de personnes bénéficiaires."),
    )
    unit_value = models.DecimalField(
        _("valeur unitaire (€)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=POSITIVE,
    )
    unit_value_low = models.DecimalField(
        _("valeur unitaire basse (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    unit_value_high = models.DecimalField(
        _("valeur unitaire haute (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    source = models.CharField(_("source de la valeur unitaire"), max_length=300, blank=True)
    deadweight = _percent(
        _("ce qui serait arrivé sans l'alliance (%)"),
        _(
            "Effet d'aubaine : la part du résultat qui aurait eu lieu de toute façon. "
            "Exemple : 20 si, sans l'alliance, 2 personnes sur 10 auraient retrouvé un emploi."
        ),
    )
    displacement = _percent(
        _("ce qui est seulement déplacé (%)"),
        _(
            "Déplacement : la part du résultat prise ailleurs plutôt que créée. "
            "Exemple : 10 si un emploi sur 10 a été pris à une autre personne du territoire."
        ),
    )
    attribution = _percent(
        _("ce qui revient à d'autres acteurs (%)"),
        _(
            "Attribution : la part du résultat due à d'autres que les partenaires "
            "(un autre dispositif, la famille, un financeur extérieur)."
        ),
    )
    drop_off = _percent(
        _("baisse de l'effet chaque année (%)"),
        _(
            "Décroissance : de combien l'effet diminue chaque année après la première, "
            "quand il dure plusieurs années. Sans objet pour un effet d'un an."
        ),
    )
    duration_years = models.PositiveSmallIntegerField(
        _("durée de l'effet (années)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(engine.MAX_DURATION_YEARS)],
        help_text=_("Combien d'années le résultat produit son effet (1 le plus souvent)."),
    )
    adjustments_reason = models.TextField(
        _("sur quoi reposent ces parts"),
        blank=True,
        help_text=_(
            "Une phrase par part : une enquête auprès des bénéficiaires, une étude, "
            "un groupe témoin, l'avis des partenaires…"
        ),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True, null=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("résultat valorisé")
        verbose_name_plural = _("résultats valorisés")
        ordering = ["year", "label", "pk"]

    def __str__(self) -> str:
        return self.label

    def adjustments(self) -> engine.Adjustments:
        return engine.Adjustments(
            deadweight=_share(self.deadweight),
            displacement=_share(self.displacement),
            attribution=_share(self.attribution),
            drop_off=_share(self.drop_off),
            duration_years=self.duration_years or 1,
        )

    def as_engine(self) -> engine.Outcome:
        return engine.Outcome(
            label=self.label,
            quantity=self.quantity,
            unit=self.unit,
            unit_value=self.unit_value,
            unit_value_low=self.unit_value_low,
            unit_value_high=self.unit_value_high,
            source=self.source,
            beneficiaries=self.beneficiaries,
            year=self.year,
            adjustments=self.adjustments(),
        )


class ReferenceRate(models.Model):
    """A reference value in force from a date, with its source (the SMIC, for instance).

    Kept as dated data so that a contribution is valued at the rate of its own year, and
    updated by `manage.py update_reference_rates` from alliances/data/economics.
    """

    key = models.SlugField(_("clé"), max_length=40)
    label_fr = models.CharField(_("libellé (français)"), max_length=200)
    label_en = models.CharField(_("libellé (anglais)"), max_length=200)
    unit = models.CharField(_("unité"), max_length=20)
    valid_from = models.DateField(_("en vigueur à partir du"))
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=4)
    source = models.CharField(_("source"), max_length=400)
    source_url = models.URLField(_("adresse de la source"), blank=True, max_length=400)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("taux de référence")
        verbose_name_plural = _("taux de référence")
        ordering = ["key", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "valid_from"], name="reference_rate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.valid_from}: {self.value}"
