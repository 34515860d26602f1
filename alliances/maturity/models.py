"""Stored referential versions and diagnoses (no account: a private token gives access)."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliances.common.i18n import current_language

from . import engine


class Target(models.TextChoices):
    ORGANISATION = "organisation", _("une organisation")
    TERRITORY = "territory", _("un territoire")


class ReferentialVersionQuerySet(models.QuerySet):
    def active(self) -> "ReferentialVersionQuerySet":
        return self.filter(active=True)


class ReferentialVersion(models.Model):
    """One version of a referential, as validated when it was loaded.

    `content` is the raw mapping (what the YAML says); `source_text` keeps the YAML itself so
    curators can edit it again. At most one version per key is active; diagnoses keep the
    version they were taken with, so an edit never changes a past result.
    """

    key = models.SlugField(_("clé"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    target = models.CharField(_("public"), max_length=20, choices=Target.choices)
    title_fr = models.CharField(_("titre (français)"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    content = models.JSONField(_("contenu"))
    source_text = models.TextField(_("source YAML"), blank=True)
    source = models.CharField(_("origine"), max_length=200, blank=True)
    checksum = models.CharField(max_length=64, blank=True, editable=False)
    active = models.BooleanField(_("active"), default=False)
    loaded_at = models.DateTimeField(_("chargée le"), auto_now=True)

    objects = ReferentialVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version de référentiel")
        verbose_name_plural = _("versions de référentiels")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="maturity_referential_version"),
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(active=True),
                name="maturity_one_active_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    @property
    def title(self) -> str:
        if current_language() == "en" and self.title_en:
            return self.title_en
        return self.title_fr

    @property
    def referential(self) -> engine.Referential:
        """The engine's view of this version, built once per version and process."""
        return _built(self.pk, self.checksum, self.content)


_CACHE: dict[tuple[int, str], engine.Referential] = {}


def _built(pk: int, checksum: str, content: dict) -> engine.Referential:
    # Validated when stored; caching the built dataclasses keeps scoring under a millisecond.
    key = (pk, checksum)
    referential = _CACHE.get(key)
    if referential is None:
        referential = engine.build(content)
        if len(_CACHE) > 100:
            _CACHE.clear()
        _CACHE[key] = referential
    return referential


def new_token() -> str:
    # 32 random bytes: unguessable, and URL-safe for the private resume link.
    return secrets.token_urlsafe(32)


class Diagnosis(models.Model):
    """One self-diagnosis in progress or completed. Holds no personal data."""

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    referential = models.ForeignKey(
        ReferentialVersion,
        verbose_name=_("référentiel"),
        on_delete=models.PROTECT,
        related_name="diagnoses",
    )
    profile = models.CharField(_("profil d'acteur"), max_length=60)
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territoire"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answers = models.JSONField(_("réponses"), default=dict, blank=True)
    current_step = models.PositiveSmallIntegerField(_("étape en cours"), default=1)
    completed = models.BooleanField(_("terminé"), default=False)
    consent_to_aggregate = models.BooleanField(
        _("accord pour les statistiques anonymes"), default=False
    )
    overall_level = models.PositiveSmallIntegerField(_("niveau global"), null=True, blank=True)
    axis_levels = models.JSONField(_("niveaux par axe"), default=dict, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("autodiagnostic")
        verbose_name_plural = _("autodiagnostics")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["completed", "consent_to_aggregate"])]

    def __str__(self) -> str:
        return f"{self.referential} · {self.profile} · {self.created_at:%Y-%m-%d}"
