from django.db import models
from django.utils.translation import gettext_lazy as _

from alliances.common.i18n import localized


class Taxonomy(models.Model):
    """A list of terms of the field (actor profiles, domains...), loaded from data."""

    key = models.SlugField(_("clé"), max_length=60, unique=True)
    name_fr = models.CharField(_("nom (français)"), max_length=200)
    name_en = models.CharField(_("nom (anglais)"), max_length=200, blank=True)
    provisional = models.BooleanField(
        _("provisoire"),
        default=False,
        help_text=_("La liste publiée n'a pas été confirmée : à revoir par les curateurs."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    # Digest of the source list last loaded (name, flag, place): an administrator's edit
    # survives a re-run as long as the source list did not change.
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("taxonomie")
        verbose_name_plural = _("taxonomies")
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Term(models.Model):
    """One term of a taxonomy; subtypes point to their parent term."""

    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.PROTECT, related_name="terms")
    key = models.SlugField(_("clé"), max_length=60)
    label_fr = models.CharField(_("libellé (français)"), max_length=200)
    label_en = models.CharField(_("libellé (anglais)"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("terme parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subtypes",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    extra = models.JSONField(_("attributs"), default=dict, blank=True)
    provisional = models.BooleanField(
        _("provisoire"),
        default=False,
        help_text=_("Terme dont la source n'a pas confirmé l'existence : à revoir."),
    )
    obsolete = models.BooleanField(
        _("obsolète"),
        default=False,
        help_text=_("Terme absent de la source au dernier chargement : gardé, jamais supprimé."),
    )
    # Digest of the source row last loaded: an unchanged source leaves an
    # administrator's edits alone; a changed one updates the term.
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("terme")
        verbose_name_plural = _("termes")
        ordering = ["taxonomy", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "key"], name="term_unique_key"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self, "label")


class SearchSynonym(models.Model):
    """Names the search treats as one: an acronym and its expansion, French and English names
    of the same thing (data/referentials/synonymes.yaml, edited by the curators)."""

    class Kind(models.TextChoices):
        ACRONYM = "acronym", _("sigle")
        SYNONYM = "synonym", _("synonyme")
        TRANSLATION = "translation", _("traduction")

    key = models.SlugField(_("clé"), max_length=60, unique=True)
    kind = models.CharField(_("nature"), max_length=12, choices=Kind.choices)
    terms = models.TextField(
        _("noms équivalents"),
        help_text=_("Un nom par ligne ; le premier est celui que la recherche affiche."),
    )
    note = models.TextField(
        _("pourquoi ils sont équivalents"),
        help_text=_("La source qui définit le sigle ou l'équivalence (loi, institution)."),
    )
    active = models.BooleanField(_("actif"), default=True)
    # Digest of the source entry last loaded: a curator's edit is kept while it is unchanged.
    source_digest = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("synonyme de recherche")
        verbose_name_plural = _("synonymes de recherche")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.names[0] if self.names else self.key

    @property
    def names(self) -> list[str]:
        return [line.strip() for line in self.terms.splitlines() if line.strip()]
