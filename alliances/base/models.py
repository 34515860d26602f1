from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alliances.referentials.models import Term
from alliances.sdg.models import SdgGoal, SdgTarget
from alliances.territories.models import Territory


class Organisation(models.Model):
    """An association, company, local authority, foundation, public body...

    Identified by SIREN/SIRET or RNA number where it has one; organisations named in several
    examples are one organisation (matched on identifiers, then on the folded name).
    """

    name = models.CharField(_("nom"), max_length=300)
    name_key = models.CharField(max_length=300, db_index=True, editable=False)
    profile = models.ForeignKey(
        Term,
        verbose_name=_("profil d'acteur"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"taxonomy__key": "actor_profiles", "parent__isnull": True},
    )
    subtype = models.ForeignKey(
        Term,
        verbose_name=_("sous-type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"taxonomy__key": "actor_profiles", "parent__isnull": False},
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, db_index=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True, db_index=True)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    website = models.URLField(_("site web"), blank=True)
    # Generated for tests and benchmarks only (see generate_synthetic_alliances).
    synthetic = models.BooleanField(_("donnée synthétique"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        from .names import organisation_key

        # The matching key follows the name, whoever edits it (admin, import, loader).
        self.name_key = organisation_key(self.name)[:300]
        if self.siret and not self.siren:
            self.siren = self.siret[:9]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("base:organisation", kwargs={"pk": self.pk})

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .identifiers import (
            clean_digits,
            is_valid_rna,
            is_valid_siren,
            is_valid_siret,
            normalize_rna,
        )

        errors = {}
        self.siren, self.siret = clean_digits(self.siren), clean_digits(self.siret)
        self.rna = normalize_rna(self.rna)
        if self.siren and not is_valid_siren(self.siren):
            errors["siren"] = _("SIREN invalide : 9 chiffres dont une clé de contrôle (Luhn).")
        if self.siret and not is_valid_siret(self.siret):
            errors["siret"] = _("SIRET invalide : 14 chiffres dont une clé de contrôle (Luhn).")
        elif self.siret and self.siren and not self.siret.startswith(self.siren):
            errors["siret"] = _("Le SIRET doit commencer par le SIREN de l'organisation.")
        if self.rna and not is_valid_rna(self.rna):
            errors["rna"] = _("Numéro RNA invalide : W suivi de 9 caractères (ex. W751234567).")
        if errors:
            raise ValidationError(errors)


class AllianceQuerySet(models.QuerySet):
    def published(self) -> "AllianceQuerySet":
        """What the public sees: published alliances (never drafts, reviews or archives)."""
        return self.filter(status=Alliance.Status.PUBLISHED)

    def visible_to(self, user: object) -> "AllianceQuerySet":
        """Published alliances, and every status for curators (staff)."""
        if getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False):
            return self.all()
        return self.published()


class Alliance(models.Model):
    """An example of the base: a partnership (kind alliance) or a territorial catalyst."""

    class Kind(models.TextChoices):
        ALLIANCE = "alliance", _("alliance")
        CATALYST = "catalyst", _("catalyseur territorial")

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        REVIEW = "review", _("en relecture")
        PUBLISHED = "published", _("publiée")
        ARCHIVED = "archived", _("archivée")

    class Scale(models.TextChoices):
        LOCAL = "local", _("locale")
        DEPARTEMENTAL = "departemental", _("départementale")
        REGIONAL = "regional", _("régionale")
        NATIONAL = "national", _("nationale")

    class StatusLight(models.TextChoices):
        GREEN = "green", _("À jour (rapport de moins de 12 mois)")
        AMBER = "amber", _("À relancer (rapport de 12 à 24 mois)")
        RED = "red", _("Inactive (plus de 24 mois sans rapport)")

    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=300)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=120, unique=True)
    summary = models.TextField(_("résumé"), blank=True)
    description = models.TextField(_("description"), blank=True)
    partnership_types = models.ManyToManyField(
        Term,
        verbose_name=_("types de partenariat"),
        blank=True,
        related_name="+",
        limit_choices_to={"taxonomy__key": "partnership_types"},
    )
    domains = models.ManyToManyField(
        Term,
        verbose_name=_("domaines"),
        blank=True,
        related_name="+",
        limit_choices_to={"taxonomy__key": "domains"},
    )
    sdg_goals = models.ManyToManyField(
        SdgGoal, verbose_name=_("objectifs de développement durable"), blank=True
    )
    sdg_targets = models.ManyToManyField(SdgTarget, verbose_name=_("cibles ODD"), blank=True)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # An alliance at work in places apart (Paris and Marseille) keeps its main territory
    # above (its map point, its scale) and names the others here; the search finds it from
    # any of them, containment included.
    other_territories = models.ManyToManyField(
        Territory,
        verbose_name=_("autres territoires"),
        blank=True,
        related_name="+",
        help_text=_("Les autres lieux où l'alliance agit, outre son territoire principal."),
    )
    scale = models.CharField(_("échelle"), max_length=15, choices=Scale.choices, blank=True)
    start_year = models.PositiveSmallIntegerField(_("année de début"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("année de fin"), null=True, blank=True)
    stage = models.ForeignKey(
        Term,
        verbose_name=_("étape du cycle de vie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"taxonomy__key": "partnering_cycle"},
    )
    co_construction = models.ForeignKey(
        Term,
        verbose_name=_("forme de co-construction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"taxonomy__key": "co_construction_forms"},
    )
    catalyst_trades = models.ManyToManyField(
        Term,
        verbose_name=_("métiers du catalyseur"),
        blank=True,
        related_name="+",
        limit_choices_to={"taxonomy__key": "catalyst_trades"},
    )
    results_text = models.TextField(_("résultats (texte de la source)"), blank=True)
    # Set by the partner workspaces from the progress reports (empty: no workspace, no light);
    # kept on the alliance so that the search filters and counts it like any other column.
    status_light = models.CharField(
        _("voyant de suivi"),
        max_length=5,
        choices=StatusLight.choices,
        blank=True,
        default="",
        db_default="",  # the bulk writers (loader, import) insert rows without this column
        db_index=True,
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Where this example came from when it was loaded or imported (file key, row id).
    origin = models.CharField(_("origine"), max_length=200, blank=True, db_index=True)
    # Digest of the source row last loaded: a loader run with an unchanged row does nothing.
    source_digest = models.CharField(max_length=64, blank=True, editable=False)
    synthetic = models.BooleanField(
        _("donnée synthétique"),
        default=False,
        help_text=_("Exemple généré pour les tests et mesures de performance, jamais publié."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True, db_index=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)

    objects = AllianceQuerySet.as_manager()

    class Meta:
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")
        ordering = ["title"]
        indexes = [
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["start_year"]),
            # "The latest published" (home page, feeds) orders by date then id: with the id in
            # the index the first rows are read directly, however many share one date (a bulk
            # load publishes thousands at once; with the date alone PostgreSQL sorted them all).
            models.Index(fields=["published_at", "id"], name="alliance_published_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("base:alliance", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == Alliance.Status.PUBLISHED


class Partner(models.Model):
    """An organisation's participation in an alliance, with its role."""

    class Role(models.TextChoices):
        LEADER = "leader", _("porteur")
        PARTNER = "partner", _("partenaire")
        FUNDER = "funder", _("financeur")
        OPERATOR = "operator", _("opérateur")
        BENEFICIARY = "beneficiary", _("bénéficiaire")
        FACILITATOR = "facilitator", _("facilitateur")

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnerships"
    )
    role = models.CharField(_("rôle"), max_length=12, choices=Role.choices, default=Role.PARTNER)
    # The source's own wording when it differs from the organisation's canonical name
    # ("Fondation FACE (fondation abritante)" for the organisation "Fondation Agir Contre
    # l'Exclusion (FACE)"): shown beside the name, never used to match organisations.
    as_named = models.CharField(
        _("nom donné par la source"),
        max_length=300,
        blank=True,
        default="",
        db_default="",  # the bulk writers (import, synthetic data) insert rows without it
        help_text=_("Le libellé de la source quand il diffère du nom de l'organisation."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["alliance", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "organisation"], name="partner_unique_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Result(models.Model):
    """A result of an alliance with a figure: label, value, unit, year."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="results")
    label = models.CharField(_("libellé"), max_length=300)
    value = models.DecimalField(_("valeur"), max_digits=16, decimal_places=2, null=True)
    unit = models.CharField(_("unité"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("résultat")
        verbose_name_plural = _("résultats")
        ordering = ["alliance", "position"]

    def __str__(self) -> str:
        return self.label


class Source(models.Model):
    """Where the facts of an example come from."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(_("adresse"), max_length=500)
    title = models.CharField(_("titre"), max_length=300, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    read_on = models.DateField(
        _("lue le"), null=True, blank=True, help_text=_("Date à laquelle la source a été lue.")
    )

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title or self.url


class ChangeRecord(models.Model):
    """The change history of an alliance: who changed what, when."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="history")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor = models.CharField(_("auteur"), max_length=150, blank=True)  # e.g. "import", "loader"
    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=30)  # created, updated, published...
    changes = models.JSONField(_("modifications"), default=dict)  # field -> [before, after]

    class Meta:
        verbose_name = _("modification")
        verbose_name_plural = _("historique des modifications")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.alliance} · {self.action} · {self.at:%Y-%m-%d %H:%M}"


def alliances_of_m2m_change(instance: object, action: str, pk_set: set | None) -> list[int]:
    """The alliances a change of one of the alliance's many-to-many fields touched, from
    `m2m_changed`'s arguments (the alliance's side or the other), once the change is done;
    empty before it."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return []
    if isinstance(instance, Alliance):
        return [instance.pk]
    return sorted(pk_set or ())


class ImportRun(models.Model):
    """An import of a file run by the job worker (ADR 0152): what was asked, by whom, where
    it stands and what it gave. Its live progress (rows checked, step) is in the cache alias
    `jobs`, not here: the worker writes it while the import's transaction holds the base."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("terminé")
        FAILED = "failed", _("échoué")
        INTERRUPTED = "interrupted", _("interrompu")

    class Mode(models.TextChoices):
        DRY_RUN = "dry_run", _("vérification seule")
        KEEP_VALID = "keep_valid", _("lignes valides seulement")
        ALL_OR_NOTHING = "all_or_nothing", _("tout ou rien")

    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    filename = models.CharField(_("fichier"), max_length=255)
    # The file as uploaded, under <data dir>/imports/ (kept: a dry run's file is imported
    # by the next run without being sent again).
    stored = models.CharField(_("fichier enregistré"), max_length=100)
    size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    language = models.CharField(_("langue"), max_length=10, default="fr")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("demandé par"),
    )
    # The dry run whose file this run imports, when it comes from one.
    checked_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="followers"
    )
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("lignes lues"), null=True, blank=True)
    valid_rows = models.PositiveIntegerField(_("lignes valides"), null=True, blank=True)
    rejected_rows = models.PositiveIntegerField(_("lignes en erreur"), null=True, blank=True)
    created_count = models.PositiveIntegerField(_("alliances créées"), default=0)
    organisations_created = models.PositiveIntegerField(_("organisations créées"), default=0)
    written = models.BooleanField(_("enregistré dans la base"), default=False)
    # The first problems and warnings, notices, the error of a failed run (JSON).
    summary = models.JSONField(_("résumé"), default=dict, blank=True)
    rejects = models.CharField(_("fichier des lignes rejetées"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("import de fichier")
        verbose_name_plural = _("imports de fichiers")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} · {self.get_mode_display()} · {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.INTERRUPTED)
