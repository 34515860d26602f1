from django.db import models
from django.utils.translation import gettext_lazy as _


class LoadedDataset(models.Model):
    """One shipped dataset as last loaded: what /healthz reports as a data version."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    version = models.CharField(_("version"), max_length=100)
    checksum = models.CharField(_("empreinte"), max_length=64)
    rows = models.PositiveIntegerField(_("lignes"), default=0)
    loaded_at = models.DateTimeField(_("chargé le"), auto_now=True)

    class Meta:
        verbose_name = _("jeu de données chargé")
        verbose_name_plural = _("jeux de données chargés")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"
