"""Saved searches (followed by e-mail or not) and the portals that publish them."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliances.base.search.query import SearchQuery

from . import schedule, targets
from .querystrings import query_of

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
NAME_MAX = 120
TITLE_MAX = 200
INTRO_MAX = 3000


class SavedSearch(models.Model):
    """A search kept by a signed-in person: its query string is the search, of the base's
    alliances or of the needs and offers (`target`)."""

    class Frequency(models.TextChoices):
        NONE = schedule.NONE, _("pas d'alerte")
        DAILY = schedule.DAILY, _("chaque jour")
        WEEKLY = schedule.WEEKLY, _("chaque semaine")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("propriétaire"),
        on_delete=models.CASCADE,
        related_name="saved_searches",
    )
    name = models.CharField(_("nom"), max_length=NAME_MAX)
    # What is searched: the alliances of the base, or the needs and offers (alerts.targets).
    target = models.CharField(
        _("recherche de"), max_length=10, choices=targets.CHOICES, default=targets.ALLIANCES
    )
    # Canonical (alerts.querystrings): no page, no page size, no drafts.
    querystring = models.TextField(_("recherche (chaîne de requête)"), blank=True)
    frequency = models.CharField(
        _("alerte par e-mail"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.NONE,
        db_index=True,
    )
    language = models.CharField(
        _("langue des e-mails"), max_length=5, choices=settings.LANGUAGES, default="fr"
    )
    created_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    # Alliances first published after this moment are "new" for the next alert; it moves to
    # the moment of each completed check (alerts.schedule explains why only then).
    alerts_since = models.DateTimeField(_("nouveautés depuis"), default=timezone.now)
    last_checked_at = models.DateTimeField(
        _("dernière vérification"), null=True, blank=True, editable=False
    )
    last_sent_at = models.DateTimeField(
        _("dernière alerte envoyée le"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("recherche enregistrée")
        verbose_name_plural = _("recherches enregistrées")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("alerts:edit", args=[self.pk])

    @property
    def query(self) -> SearchQuery:
        return query_of(self.querystring)

    @property
    def searches(self) -> "targets.Target":
        return targets.target_of(self.target)

    @property
    def search_url(self) -> str:
        return self.searches.search_url(self.querystring)

    def switch_frequency(self, frequency: str) -> None:
        """Alerts switched on start from now: no flood of what was published meanwhile."""
        if frequency != self.frequency and self.frequency == schedule.NONE:
            self.alerts_since = timezone.now()
            self.last_checked_at = None
        self.frequency = frequency


class Portal(models.Model):
    """A saved search published as a public page (/portails/<slug>/) and a widget."""

    saved_search = models.OneToOneField(
        SavedSearch,
        verbose_name=_("recherche enregistrée"),
        on_delete=models.CASCADE,
        related_name="portal",
    )
    slug = models.SlugField(
        _("adresse"),
        max_length=60,
        unique=True,
        validators=[RegexValidator(SLUG_PATTERN)],
    )
    title = models.CharField(_("titre"), max_length=TITLE_MAX)
    intro = models.TextField(_("texte d'introduction"), blank=True, max_length=INTRO_MAX)
    is_public = models.BooleanField(_("publié"), default=False)
    # Set by curators (admin action): the owner cannot publish the portal again.
    blocked = models.BooleanField(_("retiré par les curateurs"), default=False)
    blocked_reason = models.CharField(_("motif du retrait"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("portail")
        verbose_name_plural = _("portails")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("alerts:portal", args=[self.slug])

    @property
    def is_visible(self) -> bool:
        return self.is_public and not self.blocked
