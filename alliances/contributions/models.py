"""Public contributions: proposals of new examples or corrections, and problem reports."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Proposal(models.Model):
    """A contributor's proposal, waiting for a curator.

    `cells` holds import cells (columns of `alliances.base.importing.importer.COLUMNS`): the
    whole row of a new example, or only the changed cells of a correction, whose values at
    the time of the proposal are kept in `before`.
    """

    class Kind(models.TextChoices):
        NEW = "new", _("nouvel exemple")
        CORRECTION = "correction", _("correction")

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        ACCEPTED = "accepted", _("acceptée")
        REFUSED = "refused", _("refusée")

    kind = models.CharField(_("nature"), max_length=12, choices=Kind.choices, db_index=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    title = models.CharField(_("titre"), max_length=300)
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contributeur"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="contributions",
    )
    # The interface language at the time of the proposal: the answer is written in it.
    language = models.CharField(_("langue"), max_length=8, default="fr")
    alliance = models.ForeignKey(
        "base.Alliance",
        verbose_name=_("exemple"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        help_text=_("L'exemple corrigé, ou celui créé à l'acceptation."),
    )
    cells = models.JSONField(_("cellules proposées"), default=dict)
    before = models.JSONField(_("valeurs au moment de la proposition"), default=dict)
    explanation = models.TextField(_("explication du contributeur"), blank=True)
    message = models.TextField(_("message du curateur"), blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifiée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    edited_at = models.DateTimeField(_("modifiée le"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modérée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("modérée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["contributor", "created_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("contributions:mine-detail", kwargs={"pk": self.pk})

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class Report(models.Model):
    """A visitor reports a problem on a public page of an example."""

    class Reason(models.TextChoices):
        INACCURATE = "inaccurate", _("information inexacte")
        OUTDATED = "outdated", _("information dépassée")
        DUPLICATE = "duplicate", _("doublon d'un autre exemple")
        INAPPROPRIATE = "inappropriate", _("contenu inapproprié")
        OTHER = "other", _("autre problème")

    class Status(models.TextChoices):
        OPEN = "open", _("ouvert")
        CLOSED = "closed", _("clos")

    alliance = models.ForeignKey(
        "base.Alliance",
        verbose_name=_("exemple"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    reason = models.CharField(_("motif"), max_length=15, choices=Reason.choices)
    message = models.TextField(_("message"), blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A keyed digest of the sender's address (rules.address_key), never the address itself.
    address_key = models.CharField(max_length=64, db_index=True, editable=False)
    status = models.CharField(
        _("statut"), max_length=6, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    note = models.TextField(_("note du curateur"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clos par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    created_at = models.DateTimeField(_("signalé le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.alliance} · {self.get_reason_display()}"
