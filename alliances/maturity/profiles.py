"""Actor profiles offered to respondents: the shared taxonomy's labels when loaded."""

from django.utils.translation import gettext_lazy as _

from alliances.referentials.models import Term

from .engine import ACTOR_PROFILES

# Labels of referentiels.yaml, used when the taxonomy is not loaded (a fresh database).
FALLBACK_LABELS = {
    "association": _("Association"),
    "entreprise": _("Entreprise"),
    "fondation": _("Fondation"),
    "collectivite": _("Collectivité territoriale"),
    "etat": _("État et institutions publiques"),
    "syndicat": _("Syndicat"),
    "accompagnement": _("Acteur de l'accompagnement"),
    "academique": _("Acteur académique"),
    "citoyen": _("Citoyen"),
    "media": _("Média"),
}


def profile_labels() -> dict[str, str]:
    terms = Term.objects.filter(
        taxonomy__key="actor_profiles", key__in=ACTOR_PROFILES, parent__isnull=True
    )
    labels = {t.key: t.label for t in terms}
    return {key: labels.get(key) or str(FALLBACK_LABELS[key]) for key in ACTOR_PROFILES}


def profile_choices() -> list[tuple[str, str]]:
    return list(profile_labels().items())
