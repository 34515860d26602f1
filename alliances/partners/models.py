"""Faire alliance: who represents an organisation, its needs and offers, contacts, requests.

The organisation itself is the base's (`base.Organisation`); what only this part needs
(domains, a description, who may speak for it) lives here, so the base keeps its schema.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliances.base.models import Alliance, Organisation
from alliances.base.search.analysis import analyse
from alliances.referentials.models import Term
from alliances.territories.models import Territory

from .kinds import KIND_CHOICES

# A need or an offer leaves the lists after this long unless its owner confirms it.
DEFAULT_LIFETIME = timedelta(days=183)


class Decision(models.TextChoices):
    PENDING = "pending", _("en attente")
    APPROVED = "approved", _("acceptée")
    REFUSED = "refused", _("refusée")


class Via(models.TextChoices):
    CURATOR = "curator", _("décision d'un curateur")
    DOMAIN = "domain", _("domaine de l'adresse e-mail")
    CLAIM = "claim", _("représentant reconnu de l'organisation")


class CuratedRequest(models.Model):
    """What a request that a curator may decide keeps of its decision (claims, workspaces)."""

    status = models.CharField(
        _("décision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    via = models.CharField(_("accordée par"), max_length=10, choices=Via.choices, blank=True)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )

    class Meta:
        abstract = True


class Claim(CuratedRequest):
    """A person says they act for an organisation; once approved they may edit and publish."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="claims",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_claims",
        verbose_name=_("compte"),
    )
    note = models.TextField(_("message aux curateurs"), blank=True)
    # The language the person used when asking, then when confirming the profile: the
    # reminders to confirm it are written in it (ADR 0155).
    language = models.CharField(_("langue des e-mails"), max_length=8, blank=True)

    class Meta(CuratedRequest.Meta):
        verbose_name = _("demande de représentation")
        verbose_name_plural = _("demandes de représentation")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="claim_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.get_status_display()})"


class WorkspaceRequest(CuratedRequest):
    """A partner of a published alliance asks for the alliance's workspace."""

    alliance = models.ForeignKey(
        Alliance, on_delete=models.CASCADE, related_name="+", verbose_name=_("alliance")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="workspace_requests",
        verbose_name=_("compte"),
    )

    class Meta(CuratedRequest.Meta):
        verbose_name = _("demande d'espace partenaires")
        verbose_name_plural = _("demandes d'espace partenaires")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.alliance} · {self.organisation} ({self.get_status_display()})"


class OrganisationProfile(models.Model):
    """What an organisation says of itself to find partners (edited by its representatives)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="partner_profile"
    )
    description = models.TextField(_("présentation"), blank=True, max_length=3000)
    domains = models.ManyToManyField(
        Term,
        verbose_name=_("domaines d'action"),
        blank=True,
        related_name="+",
        limit_choices_to={"taxonomy__key": "domains", "parent__isnull": True},
    )
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    # The representatives were asked to confirm it before it goes stale (ADR 0155): once per
    # confirmation, so a second run of the daily follow-ups sends nothing again.
    stale_reminded_at = models.DateTimeField(
        _("rappel de confirmation envoyé le"), null=True, blank=True
    )
    # A facilitator or a curator checked the profile (who, when).
    verified_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vérifié par"),
    )

    class Meta:
        verbose_name = _("profil de partenaire")
        verbose_name_plural = _("profils de partenaires")

    def __str__(self) -> str:
        return str(self.organisation)


class DataVersion(models.Model):
    """Drawn anew at each write to what the suggestions read (organisations, needs and
    offers): every process keeps its candidates in memory under this version (ADR 0157)."""

    name = models.CharField(max_length=20, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


class PoolChange(models.Model):
    """One row written to what the suggestions read (an organisation, a need or offer), in
    the order of the writes: a process holding the candidates reads the rows written since
    its last look and applies only those (ADR 0165). Pruned after a day (`pool.prune`)."""

    id = models.BigAutoField(primary_key=True)
    part = models.CharField(max_length=20)  # pool.ORGANISATIONS or pool.LISTINGS
    row_id = models.BigIntegerField()
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.part} {self.row_id}"


class ProfileChange(models.Model):
    """The history of an organisation's profile: who changed what, when."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="profile_changes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField(_("date"), auto_now_add=True)
    changes = models.JSONField(_("modifications"), default=dict)  # field -> [before, after]

    class Meta:
        verbose_name = _("modification de profil")
        verbose_name_plural = _("modifications de profil")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.at:%Y-%m-%d %H:%M}"


class ListingQuerySet(models.QuerySet):
    def open(self) -> "ListingQuerySet":
        """What the public sees: published and not expired."""
        return self.filter(status=Listing.Status.PUBLISHED, expires_at__gt=timezone.now())


class Listing(models.Model):
    """A need ("besoin") or an offer ("proposition") of an organisation."""

    class Direction(models.TextChoices):
        NEED = "need", _("besoin")
        OFFER = "offer", _("proposition")

    class Reach(models.TextChoices):
        LOCAL = "local", _("locale")
        DEPARTEMENT = "departement", _("départementale")
        REGION = "region", _("régionale")
        NATIONAL = "national", _("nationale")

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente d'un curateur")
        PUBLISHED = "published", _("publiée")
        REFUSED = "refused", _("refusée")
        CLOSED = "closed", _("close")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="partner_listings",
        verbose_name=_("organisation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_listings",
        verbose_name=_("auteur"),
    )
    direction = models.CharField(_("sens"), max_length=5, choices=Direction.choices)
    kind = models.CharField(_("nature"), max_length=30, choices=KIND_CHOICES)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), max_length=3000)
    domains = models.ManyToManyField(
        Term,
        verbose_name=_("domaines"),
        blank=True,
        related_name="+",
        limit_choices_to={"taxonomy__key": "domains", "parent__isnull": True},
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("lieu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reach = models.CharField(
        _("portée"), max_length=12, choices=Reach.choices, default=Reach.DEPARTEMENT
    )
    starts_on = models.DateField(_("à partir du"), null=True, blank=True)
    ends_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"), db_index=True)
    expiry_reminded_at = models.DateTimeField(
        _("rappel d'expiration envoyé le"), null=True, blank=True
    )
    synthetic = models.BooleanField(_("donnée synthétique"), default=False)
    # Title, description and organisation name as the base's French analyser gives them
    # (folded words and their stems between spaces): what the list's text search matches.
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = ListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("besoin ou proposition")
        verbose_name_plural = _("besoins et propositions")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["direction", "status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} · {self.title}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.expires_at is None:
            self.expires_at = timezone.now() + DEFAULT_LIFETIME
        self.search_text = self.analysed_text()
        fields = kwargs.get("update_fields")
        if fields is not None and {"title", "description", "organisation"} & set(fields):
            kwargs["update_fields"] = [*fields, "search_text"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("partners:listing", kwargs={"pk": self.pk})

    def analysed_text(self) -> str:
        name = self.organisation.name if self.organisation_id else ""
        return f" {analyse(' '.join((self.title, self.description, name)))} "


class HiddenSuggestion(models.Model):
    """A person does not want to see this suggestion again for this subject."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hidden_suggestions"
    )
    subject = models.CharField(max_length=40)  # "listing:12", "organisation:3"
    target = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "subject", "target"], name="hidden_once")
        ]

    def __str__(self) -> str:
        return f"{self.subject} ↛ {self.target}"


class Conversation(models.Model):
    """A contact relayed by the platform; addresses are shown once the recipient replies."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_conversations",
        verbose_name=_("expéditeur"),
    )
    sender_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation de l'expéditeur"),
    )
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="partner_conversations",
        verbose_name=_("organisation destinataire"),
    )
    listing = models.ForeignKey(
        Listing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
        verbose_name=_("à propos de"),
    )
    created_at = models.DateTimeField(_("ouverte le"), auto_now_add=True, db_index=True)
    replied_at = models.DateTimeField(_("première réponse le"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("répondu par"),
    )
    # No request left unanswered (docs/partners.md): staged reminders, then the facilitator.
    reminders_sent = models.PositiveSmallIntegerField(_("relances envoyées"), default=0)
    escalated_at = models.DateTimeField(_("transmise au facilitateur le"), null=True, blank=True)
    # After one and three months both parties are asked whether a partnership started.
    followups_sent = models.PositiveSmallIntegerField(_("questions de suivi envoyées"), default=0)
    partnership_started = models.BooleanField(_("partenariat engagé"), null=True, blank=True)
    # The draft alliance either party made of this conversation (item 5).
    alliance = models.ForeignKey(
        Alliance,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("alliance en brouillon"),
    )

    class Meta:
        verbose_name = _("mise en relation")
        verbose_name_plural = _("mises en relation")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("partners:conversation", kwargs={"pk": self.pk})


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    # Messages go with their author's account (right to erasure).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_messages"
    )
    body = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.conversation_id} · {self.created_at:%Y-%m-%d %H:%M}"


class AbuseReport(models.Model):
    """A report on a conversation, or on a published need or offer."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="reports", null=True, blank=True
    )
    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="reports", null=True, blank=True
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("motif"), max_length=2000)
    created_at = models.DateTimeField(_("signalé le"), auto_now_add=True)
    handled = models.BooleanField(_("traité"), default=False)

    class Meta:
        verbose_name = _("signalement d'abus")
        verbose_name_plural = _("signalements d'abus")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.conversation or self.listing} · {self.created_at:%Y-%m-%d}"


class Facilitator(models.Model):
    """A person named by the curators to relay requests in a territory (and inside it).

    Usually someone of a territorial catalyst of the base (`catalyst`), or a curator."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="facilitations",
        verbose_name=_("compte"),
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("territoire")
    )
    catalyst = models.ForeignKey(
        Alliance,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "catalyst"},
        verbose_name=_("catalyseur territorial"),
    )
    named_at = models.DateTimeField(_("nommé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("facilitateur territorial")
        verbose_name_plural = _("facilitateurs territoriaux")
        constraints = [
            models.UniqueConstraint(fields=["user", "territory"], name="facilitator_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.territory}"


class Introduction(models.Model):
    """A facilitator introduces two organisations to each other (both are told)."""

    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    first = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("mise en relation par un facilitateur")
        verbose_name_plural = _("mises en relation par un facilitateur")

    def __str__(self) -> str:
        return f"{self.first} ↔ {self.second}"
