"""Suggested SDG targets of the alliances, with their status, evidence and history.

Verified codes are not here: they are the alliance's own `sdg_goals`/`sdg_targets`, which the
search indexes. A suggestion confirmed by a curator adds its target there; the suggestion row
stays, with its history, so that what was suggested, by which words, and who decided what,
remains known.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliances.base.models import Alliance
from alliances.sdg.models import SdgTarget


class SdgSuggestionQuerySet(models.QuerySet):
    def current(self) -> "SdgSuggestionQuerySet":
        """Suggestions awaiting a curator (shown as "suggérée, non vérifiée")."""
        return self.filter(status=SdgSuggestion.Status.SUGGESTED)

    def public(self) -> "SdgSuggestionQuerySet":
        """Current suggestions of published alliances."""
        return self.current().filter(alliance__status=Alliance.Status.PUBLISHED)


class SdgSuggestion(models.Model):
    """One target suggested for one alliance."""

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("suggérée, non vérifiée")
        VERIFIED = "verified", _("vérifiée")
        REJECTED = "rejected", _("rejetée")
        # The alliance's text no longer supports it (kept for its history).
        WITHDRAWN = "withdrawn", _("retirée (le texte ne la justifie plus)")

    alliance = models.ForeignKey(
        Alliance,
        on_delete=models.CASCADE,
        related_name="sdg_suggestions",
        verbose_name=_("alliance"),
    )
    target = models.ForeignKey(
        SdgTarget, on_delete=models.PROTECT, related_name="+", verbose_name=_("cible ODD")
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.SUGGESTED, db_index=True
    )
    score = models.FloatField(_("score"), default=0)
    # [{"kind", "field", "wording", "matched", "weight"}]: what made the suggester propose it.
    triggers = models.JSONField(_("déclencheurs"), default=list)
    method = models.CharField(_("méthode"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("suggérée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    objects = SdgSuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion ODD")
        verbose_name_plural = _("suggestions ODD")
        ordering = ["alliance__title", "target__goal__number", "target__position"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "target"], name="sdg_suggestion_unique")
        ]
        indexes = [models.Index(fields=["target", "status"])]

    def __str__(self) -> str:
        return f"{self.alliance} · {self.target.code}"

    def words(self) -> list[str]:
        """The words of the alliance's text that triggered it, each once."""
        return [item["text"] for item in self.evidence()]

    def evidence(self) -> list[dict[str, object]]:
        """Each distinct piece of text that triggered it, with where it was found: the text,
        a domain of the alliance, or the similarity with the official target text."""
        out: list[dict[str, object]] = []
        for trigger in self.triggers or []:
            matched = str(trigger.get("matched") or "")
            if matched and matched not in [item["text"] for item in out]:
                out.append(
                    {
                        "text": matched,
                        "domain": trigger.get("field") == "domains",
                        "similarity": trigger.get("kind") == "similarity",
                    }
                )
        return out


class SdgSuggestionEvent(models.Model):
    """The history of a suggestion: suggested, re-scored, verified, rejected, reopened..."""

    class Action(models.TextChoices):
        SUGGESTED = "suggested", _("suggérée")
        RESCORED = "rescored", _("recalculée")
        VERIFIED = "verified", _("vérifiée")
        REJECTED = "rejected", _("rejetée")
        REOPENED = "reopened", _("rouverte")
        WITHDRAWN = "withdrawn", _("retirée")

    suggestion = models.ForeignKey(SdgSuggestion, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.CharField(_("auteur"), max_length=150, blank=True)  # "suggester", a login
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    status_before = models.CharField(_("statut avant"), max_length=10, blank=True)
    status_after = models.CharField(_("statut après"), max_length=10, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("historique de suggestion ODD")
        verbose_name_plural = _("historique des suggestions ODD")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.suggestion} · {self.action} · {self.at:%Y-%m-%d %H:%M}"


class SdgCodingState(models.Model):
    """What the suggestions of an alliance were last computed from (a digest of its text, of
    its verified codes and of the suggester's version): an unchanged alliance is skipped."""

    alliance = models.OneToOneField(
        Alliance, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    digest = models.CharField(max_length=64)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("état du codage ODD")
        verbose_name_plural = _("états du codage ODD")

    def __str__(self) -> str:
        return f"{self.alliance_id} · {self.digest[:12]}"
