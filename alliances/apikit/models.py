import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX_LENGTH = 8


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKey(models.Model):
    """A key for the API's write endpoints, issued and revoked by an administrator.

    Only a hash is stored: the key itself is shown once, when it is issued.
    """

    name = models.CharField(_("nom"), max_length=200, help_text=_("Qui l'utilise, pour quoi."))
    prefix = models.CharField(_("début de la clé"), max_length=KEY_PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("curateur responsable"),
        on_delete=models.PROTECT,
        related_name="api_keys",
    )
    requests_per_minute = models.PositiveIntegerField(_("requêtes par minute"), default=120)
    created_at = models.DateTimeField(_("émise le"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    class Meta:
        verbose_name = _("clé d'API")
        verbose_name_plural = _("clés d'API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, name: str, user: object, requests_per_minute: int = 120) -> tuple["ApiKey", str]:
        raw = "all_" + secrets.token_urlsafe(32)
        key = cls.objects.create(
            name=name,
            user=user,
            prefix=raw[:KEY_PREFIX_LENGTH],
            key_hash=hash_key(raw),
            requests_per_minute=requests_per_minute,
        )
        return key, raw

    @classmethod
    def find(cls, raw: str) -> "ApiKey | None":
        return (
            cls.objects.filter(key_hash=hash_key(raw), revoked_at__isnull=True)
            .select_related("user")
            .first()
        )

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
