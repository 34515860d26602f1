from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliances.base.models import Organisation
from alliances.workspaces.models import Workspace

from . import model as engine

POSITIVE = [MinValueValidator(Decimal(0))]


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
        _("taux horaire (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    rate_low = models.DecimalField(
        _("taux bas (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    rate_high = models.DecimalField(
        _("taux haut (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    rate_source = models.CharField(_("source du taux"), max_length=300, blank=True)
    note = models.CharField(_("précision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("apport")
        verbose_name_plural = _("apports")
        ordering = ["year", "organisation__name", "kind"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} {self.get_kind_display()}"

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
            rate_source=self.rate_source,
        )


class OutcomeEntry(models.Model):
    """What the alliance achieved in a year, valued with a unit value and its source."""

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

    class Meta:
        verbose_name = _("résultat valorisé")
        verbose_name_plural = _("résultats valorisés")
        ordering = ["year", "label"]

    def __str__(self) -> str:
        return self.label

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
        )


def default_volunteer_rate() -> tuple[Decimal, str]:
    """The default valuation of a volunteer hour and its named source (configurable)."""
    return (
        Decimal(settings.ALLIANCES_VOLUNTEER_HOURLY_RATE),
        settings.ALLIANCES_VOLUNTEER_RATE_SOURCE,
    )
