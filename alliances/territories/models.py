from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Levels of the official geographic code (COG), largest first.

    The values are the French path segments of /territoires/<level>/<code>/.
    """

    COUNTRY = "pays", _("pays")
    REGION = "region", _("région")
    OVERSEAS_COLLECTIVITY = "com", _("collectivité d'outre-mer")
    DEPARTEMENT = "departement", _("département")
    EPCI = "epci", _("intercommunalité (EPCI)")
    COMMUNE = "commune", _("commune")
    # Former communes merged into a commune nouvelle, and the districts of Paris, Lyon and
    # Marseille: kept so that their names and codes still lead to the current commune.
    DELEGATED_COMMUNE = "commune-deleguee", _("commune déléguée")
    ASSOCIATED_COMMUNE = "commune-associee", _("commune associée")
    MUNICIPAL_DISTRICT = "arrondissement", _("arrondissement municipal")


# Levels whose territories can be the place of an alliance, an organisation or a figure.
PLACE_LEVELS = (Level.COUNTRY, Level.REGION, Level.DEPARTEMENT, Level.EPCI, Level.COMMUNE)
FRANCE_CODE = "FR"
# What the loader writes from the source besides the identity (level, code), in the order of
# its statements; the back office shows the same fields, read-only where the source owns them.
SOURCE_FIELDS = (
    "name",
    "search_name",
    "siren",
    "population",
    "zone",
    "epci_type",
    "parent",
    "region",
    "departement",
    "epci",
    "obsolete",
    "source_digest",
)


class Territory(models.Model):
    """A territory of the COG, with its containment denormalised for fast filtering.

    `region`, `departement` and `epci` point to the territories that contain this one
    (a région points to itself as `region`, a département to itself as `departement`), so
    "everything in région R" is one indexed filter: `region=R`.
    """

    level = models.CharField(_("niveau"), max_length=20, choices=Level.choices)
    code = models.CharField(_("code officiel"), max_length=12)
    name = models.CharField(_("nom"), max_length=200)
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    zone = models.CharField(_("zone"), max_length=10, blank=True)  # metro, drom, com
    parent = models.ForeignKey(
        "self",
        verbose_name=_("territoire parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    region = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    departement = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    epci = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    epci_type = models.CharField(_("type d'EPCI"), max_length=10, blank=True)  # CC, CA, CU, METRO
    obsolete = models.BooleanField(
        _("obsolète"),
        default=False,
        help_text=_("Absent de la dernière version du code officiel ; conservé pour l'historique."),
    )
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="territory_unique_code"),
        ]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.level != Level.COUNTRY else self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("territories:detail", kwargs={"level": self.level, "code": self.code})


class PostalCode(models.Model):
    """A postcode served by a commune (a commune may have several, and vice versa)."""

    code = models.CharField(_("code postal"), max_length=5, db_index=True)
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="postcodes")

    class Meta:
        verbose_name = _("code postal")
        verbose_name_plural = _("codes postaux")
        constraints = [
            models.UniqueConstraint(fields=["code", "territory"], name="postcode_unique"),
        ]

    def __str__(self) -> str:
        return self.code
