"""The M.E.D.O.C. library (resources) and the events (webinars, Thursday sessions).

Field names of `Resource` are read by other parts (maturity learning paths): keep them stable.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alliances.common.i18n import localized
from alliances.common.text import normalize_name

# The four maturity levels (1 to 4) are stored as four booleans: "aimed at level 2" is one
# plain indexed filter, identical on SQLite and PostgreSQL (a JSON list is not).
MATURITY_LEVELS = (1, 2, 3, 4)
UNKNOWN_LICENCE = "non précisée"


class Kind(models.TextChoices):
    """M.E.D.O.C.: the five kinds of knowledge resources."""

    METHOD = "methode", _("Méthodes")
    EXAMPLE = "exemple", _("Exemples")
    DATA = "donnee", _("Données")
    TOOL = "outil", _("Outils")
    SKILL = "competence", _("Compétences")


class Format(models.TextChoices):
    GUIDE = "guide", _("guide")
    REPORT = "report", _("rapport, étude")
    TOOL = "tool", _("outil")
    TRAINING = "training", _("formation")
    VIDEO = "video", _("vidéo")
    WEBINAR = "webinar", _("replay de webinaire")
    DATASET = "dataset", _("jeu de données")
    PLATFORM = "platform", _("plateforme")
    ARTICLE = "article", _("article")
    CHARTER = "charter", _("charte")


class Status(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    PUBLISHED = "published", _("publiée")


class ResourceQuerySet(models.QuerySet):
    def published(self) -> "ResourceQuerySet":
        return self.filter(status=Status.PUBLISHED, obsolete=False)

    def for_level(self, level: int) -> "ResourceQuerySet":
        if level not in MATURITY_LEVELS:
            raise ValueError(f"unknown maturity level {level!r}")
        return self.filter(**{f"level_{level}": True})


class Resource(models.Model):
    """One published resource of the field (guide, study, tool, training, replay...)."""

    kind = models.CharField(_("type M.E.D.O.C."), max_length=12, choices=Kind.choices)
    title = models.CharField(_("titre (tel que publié)"), max_length=300)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    summary_fr = models.TextField(_("résumé (français)"))
    summary_en = models.TextField(_("résumé (anglais)"), blank=True)
    publisher = models.CharField(_("éditeur"), max_length=300)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    format = models.CharField(_("format"), max_length=12, choices=Format.choices)
    url = models.URLField(_("lien"), max_length=500)
    licence = models.CharField(
        _("licence"),
        max_length=200,
        default=UNKNOWN_LICENCE,
        help_text=_("« non précisée » quand l'éditeur ne la donne pas : ne jamais la deviner."),
    )
    language = models.CharField(_("langue"), max_length=8, default="fr")
    duration = models.DurationField(_("durée"), null=True, blank=True)
    audience = models.ManyToManyField(
        "referentials.Term",
        verbose_name=_("publics (profils d'acteurs)"),
        related_name="resources_for_audience",
        blank=True,
        limit_choices_to={"taxonomy__key": "actor_profiles"},
    )
    level_1 = models.BooleanField(_("niveau 1"), default=False)
    level_2 = models.BooleanField(_("niveau 2"), default=False)
    level_3 = models.BooleanField(_("niveau 3"), default=False)
    level_4 = models.BooleanField(_("niveau 4"), default=False)
    domains = models.ManyToManyField(
        "referentials.Term",
        verbose_name=_("domaines"),
        related_name="resources_for_domain",
        blank=True,
        limit_choices_to={"taxonomy__key": "domains"},
    )
    sdg_goals = models.ManyToManyField(
        "sdg.SdgGoal", verbose_name=_("ODD"), related_name="resources", blank=True
    )
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    obsolete = models.BooleanField(
        _("obsolète"),
        default=False,
        help_text=_("Absente du dernier fichier livré ; conservée mais plus affichée."),
    )
    # Accent- and case-folded title, publisher and summaries: a LIKE over this column is the
    # same accent-insensitive search on SQLite and PostgreSQL.
    search_text = models.TextField(editable=False, blank=True)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")
        ordering = ["title"]
        indexes = [
            models.Index(fields=["kind"]),
            models.Index(fields=["format"]),
            models.Index(fields=["year"]),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = self.fold_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("library:detail", kwargs={"slug": self.slug})

    def fold_search_text(self) -> str:
        parts = (self.title, self.publisher, self.summary_fr, self.summary_en)
        return " " + normalize_name(" ".join(p for p in parts if p)) + " "

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def maturity_levels(self) -> list[int]:
        return [n for n in MATURITY_LEVELS if getattr(self, f"level_{n}")]

    def set_maturity_levels(self, levels: "list[int] | tuple[int, ...] | set[int]") -> None:
        for n in MATURITY_LEVELS:
            setattr(self, f"level_{n}", n in levels)

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED and not self.obsolete


class EventKind(models.TextChoices):
    WEBINAR = "webinar", _("webinaire")
    THURSDAY = "jeudi", _("Jeudi de l'ODD 17 (séance récurrente)")
    OTHER = "other", _("autre")


def validate_rrule(value: str) -> None:
    """An RFC 5545 RRULE value (without the "RRULE:" prefix), checked with dateutil."""
    from datetime import datetime

    from dateutil.rrule import rrulestr

    if not value:
        return
    if value.upper().startswith("RRULE:") or "\n" in value:
        raise ValidationError(
            _("Donnez seulement la règle, sans le préfixe « RRULE: » (ex. FREQ=WEEKLY;BYDAY=TH).")
        )
    try:
        rrulestr(value, dtstart=datetime(2020, 1, 2))
    except (ValueError, TypeError) as error:
        raise ValidationError(
            _("Règle de récurrence RFC 5545 invalide : %(error)s"), params={"error": error}
        ) from error


class Event(models.Model):
    """A webinar, a recurring Thursday session or another event: the dated events public
    sources give are shipped (alliances/data/library/evenements.jsonl), curators add others."""

    # Set for a shipped event (its id in the file); empty for an event entered in the admin.
    key = models.SlugField(_("identifiant"), max_length=120, blank=True, db_index=True)
    title_fr = models.CharField(_("titre (français)"), max_length=300)
    title_en = models.CharField(_("titre (anglais)"), max_length=300, blank=True)
    kind = models.CharField(
        _("type"), max_length=10, choices=EventKind.choices, default=EventKind.WEBINAR
    )
    description_fr = models.TextField(_("description (français)"), blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)
    start = models.DateTimeField(_("début (première séance)"))
    all_day = models.BooleanField(
        _("journée entière"),
        default=False,
        help_text=_("La source donne le jour, pas l'heure : seule la date est affichée."),
    )
    end = models.DateTimeField(_("fin (première séance)"), null=True, blank=True)
    duration = models.DurationField(
        _("durée"), null=True, blank=True, help_text=_("Utilisée quand la fin n'est pas donnée.")
    )
    timezone = models.CharField(_("fuseau horaire"), max_length=60, default="Europe/Paris")
    location = models.CharField(_("lieu"), max_length=300, blank=True)
    online_url = models.URLField(_("lien de connexion"), max_length=500, blank=True)
    rrule = models.CharField(
        _("règle de récurrence (RFC 5545)"),
        max_length=300,
        blank=True,
        validators=[validate_rrule],
        help_text=_("Par exemple FREQ=WEEKLY;BYDAY=TH pour chaque jeudi. Vide : séance unique."),
    )
    replay = models.ForeignKey(
        Resource,
        verbose_name=_("replay (ressource)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    source_title = models.CharField(_("titre de la source"), max_length=300, blank=True)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)
    published = models.BooleanField(_("publié"), default=True)
    # Stable iCalendar UID: calendar clients update the event instead of duplicating it.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["start"]

    def __str__(self) -> str:
        return self.title_fr

    def clean(self) -> None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValidationError(
                {"timezone": _("Fuseau horaire inconnu (ex. Europe/Paris).")}
            ) from error
        if self.end and self.start and self.end <= self.start:
            raise ValidationError({"end": _("La fin doit suivre le début.")})

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")
