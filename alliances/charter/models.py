"""The charter of alliance: its principles (entered by curators) and moderated signatures."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliances.common.i18n import localized


class Principle(models.Model):
    """One principle of the charter; the official text is entered by curators in the admin."""

    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title_fr = models.CharField(_("intitulé (français)"), max_length=300)
    title_en = models.CharField(_("intitulé (anglais)"), max_length=300, blank=True)
    text_fr = models.TextField(_("texte (français)"), blank=True)
    text_en = models.TextField(_("texte (anglais)"), blank=True)
    published = models.BooleanField(_("publié"), default=False)
    # A principle is published only from a public source that allows it, and credited.
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    source_credit = models.CharField(
        _("crédit"),
        max_length=300,
        blank=True,
        help_text=_("L'auteur du texte et la licence ou l'autorisation qui permet de le publier."),
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    # Set when the principle comes from alliances/data/charter/charter.yaml; empty when a
    # curator entered it in the admin (the loader never touches those).
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("principe de la charte")
        verbose_name_plural = _("principes de la charte")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title_fr

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.published and not (self.source_url and self.source_credit):
            raise ValidationError(
                _(
                    "Un principe n'est publié qu'avec sa source et son crédit (auteur, licence "
                    "ou autorisation de reproduire)."
                )
            )

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def text(self) -> str:
        return localized(self, "text")


class SignatureStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    ACCEPTED = "accepted", _("acceptée")
    REFUSED = "refused", _("refusée")


class Signature(models.Model):
    """An organisation signs the charter; shown publicly once a curator accepts it."""

    organisation_name = models.CharField(_("nom de l'organisation"), max_length=300)
    profile = models.ForeignKey(
        "referentials.Term",
        verbose_name=_("profil d'acteur"),
        on_delete=models.PROTECT,
        related_name="charter_signatures",
        limit_choices_to={"taxonomy__key": "actor_profiles"},
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territoire"),
        on_delete=models.PROTECT,
        related_name="charter_signatures",
    )
    email = models.EmailField(_("e-mail de contact"))
    consent = models.BooleanField(_("consentement"), default=False)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=SignatureStatus.choices,
        default=SignatureStatus.PENDING,
        db_index=True,
    )
    moderation_note = models.TextField(_("note de modération"), blank=True)
    created_at = models.DateTimeField(_("signée le"), auto_now_add=True)
    moderated_at = models.DateTimeField(_("modérée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("signature de la charte")
        verbose_name_plural = _("signatures de la charte")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.organisation_name
