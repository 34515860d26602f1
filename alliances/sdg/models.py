from django.db import models
from django.utils.translation import gettext_lazy as _

from alliances.common.i18n import localized


class SdgGoal(models.Model):
    """One of the 17 UN Sustainable Development Goals (ODD)."""

    number = models.PositiveSmallIntegerField(_("numéro"), unique=True)
    short_fr = models.CharField(_("intitulé court (français)"), max_length=200)
    short_en = models.CharField(_("intitulé court (anglais)"), max_length=200)
    title_fr = models.TextField(_("intitulé (français)"))
    title_en = models.TextField(_("intitulé (anglais)"))

    class Meta:
        verbose_name = _("objectif de développement durable")
        verbose_name_plural = _("objectifs de développement durable")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.short}"

    @property
    def short(self) -> str:
        return localized(self, "short")

    @property
    def title(self) -> str:
        return localized(self, "title")


class SdgTarget(models.Model):
    """One of the 169 targets; `code` is "goal.target", e.g. "17.17" or "4.a"."""

    goal = models.ForeignKey(SdgGoal, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(_("code"), max_length=8, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_fr = models.TextField(_("intitulé (français)"))
    title_en = models.TextField(_("intitulé (anglais)"))

    class Meta:
        verbose_name = _("cible ODD")
        verbose_name_plural = _("cibles ODD")
        ordering = ["goal__number", "position"]

    def __str__(self) -> str:
        return self.code

    @property
    def title(self) -> str:
        return localized(self, "title")
