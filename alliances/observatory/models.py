"""The partnership observatory: programmes, studies, populations, indicators and figures.

A `Figure` is one published share (%) of an `Indicator` for a `Population`, a territory and a
year. The indicator has a stable key so that the same question is followed across years and
populations. Margins of error are computed, not stored (see `stats.py`).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alliances.common.i18n import current_language, localized
from alliances.territories.models import Territory


class Programme(models.Model):
    """A five-year survey programme (ARPEA, PHARE, IMPACT...) or a related study series."""

    key = models.SlugField(_("clé"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("année de début"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("année de fin"), null=True, blank=True)
    description_fr = models.TextField(_("description (français)"), blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)
    is_observatory_wave = models.BooleanField(
        _("vague de l'Observatoire"),
        default=True,
        help_text=_("Décoché pour une étude associée qui n'est pas une vague du programme."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("programme d'études")
        verbose_name_plural = _("programmes d'études")
        ordering = ["position", "start_year", "key"]

    def __str__(self) -> str:
        return self.name

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def period(self) -> str:
        if self.start_year and self.end_year:
            return f"{self.start_year}-{self.end_year}"
        if self.start_year:
            return f"{self.start_year}-…"
        return ""


class Population(models.Model):
    """Who was surveyed: citizens, mayors, business leaders, employer associations..."""

    key = models.SlugField(_("clé"), max_length=80, unique=True)
    label_fr = models.CharField(_("libellé (français)"), max_length=200)
    label_en = models.CharField(_("libellé (anglais)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (français)"), blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)
    # A part of a broader population surveyed in the same study ("associations with a budget
    # above 150 k€" among association leaders): its figures need the subgroup's own n.
    subgroup_of = models.ForeignKey(
        "self",
        verbose_name=_("sous-groupe de"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subgroups",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("observatory:population", kwargs={"key": self.key})

    @property
    def label(self) -> str:
        return localized(self, "label")


class Study(models.Model):
    """One survey: programme, pollster, fieldwork dates, method, population, sample size."""

    key = models.SlugField(_("clé"), max_length=120, unique=True)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="studies",
        null=True,
        blank=True,
    )
    title = models.CharField(_("titre"), max_length=300)
    pollster = models.CharField(_("institut"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    fieldwork = models.CharField(
        _("terrain (anglais)"),
        max_length=300,
        blank=True,
        help_text=_("Dates du terrain, telles que publiées."),
    )
    fieldwork_fr = models.CharField(_("terrain (français)"), max_length=300, blank=True)
    method = models.CharField(_("méthode"), max_length=300, blank=True)
    population_label = models.CharField(
        _("population (texte de la source)"), max_length=300, blank=True
    )
    sample_size = models.PositiveIntegerField(_("taille d'échantillon"), null=True, blank=True)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    publication_url = models.URLField(_("lien de publication"), max_length=500, blank=True)
    note = models.TextField(_("note (anglais)"), blank=True)
    note_fr = models.TextField(_("note (français)"), blank=True)
    obsolete = models.BooleanField(_("obsolète"), default=False)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("étude")
        verbose_name_plural = _("études")
        ordering = ["year", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def fieldwork_text(self) -> str:
        """The fieldwork dates in the page's language (never English on a French page)."""
        return self.fieldwork if current_language() == "en" else self.fieldwork_fr


class Indicator(models.Model):
    """A survey statement with a stable key, followed across years and populations."""

    key = models.SlugField(_("clé"), max_length=80, unique=True)
    label_fr = models.CharField(_("intitulé court (français)"), max_length=120, blank=True)
    label_en = models.CharField(_("intitulé court (anglais)"), max_length=120, blank=True)
    statement_fr = models.CharField(_("énoncé (français)"), max_length=400)
    statement_en = models.CharField(_("énoncé (anglais)"), max_length=400, blank=True)
    theme = models.CharField(_("thème"), max_length=60, blank=True)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.statement

    def get_absolute_url(self) -> str:
        return reverse("observatory:indicator", kwargs={"key": self.key})

    @property
    def statement(self) -> str:
        return localized(self, "statement")

    @property
    def label(self) -> str:
        """A short title, unique among indicators (the statement is the subtitle)."""
        return localized(self, "label") or self.statement


class Figure(models.Model):
    """One measured share (%) of an indicator, for a population, a territory and a year."""

    key = models.SlugField(_("identifiant"), max_length=120, unique=True)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicateur"), on_delete=models.PROTECT, related_name="figures"
    )
    population = models.ForeignKey(
        Population, verbose_name=_("population"), on_delete=models.PROTECT, related_name="figures"
    )
    # The population exactly as the source words it (the Population row may group several).
    population_label = models.CharField(
        _("population (texte de la source)"), max_length=300, blank=True
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vide tant que le territoire de la source n'est pas résolu."),
    )
    # A source that reports several régions together (e.g. "PACA + Corse").
    extra_territories = models.ManyToManyField(
        Territory, verbose_name=_("autres territoires couverts"), blank=True, related_name="+"
    )
    scope_label = models.CharField(_("périmètre (texte de la source)"), max_length=200, blank=True)
    # What the figure measures, as pages name it: "Occitanie", "PACA + Corse", "ancienne
    # région Rhône-Alpes", "France entière" (alliances/data/observatory/perimetres.csv).
    scope_fr = models.CharField(_("périmètre affiché (français)"), max_length=200, blank=True)
    scope_en = models.CharField(_("périmètre affiché (anglais)"), max_length=200, blank=True)
    # The statement exactly as the source words it (the Indicator may group several wordings).
    source_statement = models.CharField(
        _("énoncé (texte de la source)"), max_length=400, blank=True
    )
    year = models.PositiveSmallIntegerField(_("année"), db_index=True)
    approximate_year = models.BooleanField(
        _("année approximative"),
        default=False,
        help_text=_("La source ne permet pas de dater le chiffre avec certitude."),
    )
    value = models.DecimalField(
        _("valeur (%)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    n = models.PositiveIntegerField(_("taille d'échantillon"), null=True, blank=True)
    n_is_lower_bound = models.BooleanField(
        _("échantillon minimal"),
        default=False,
        help_text=_("La source dit « plus de n répondants » : n est une borne inférieure."),
    )
    sample_total = models.PositiveIntegerField(
        _("échantillon complet de l'étude"),
        null=True,
        blank=True,
        help_text=_(
            "Pour un sous-groupe : la taille de tout l'échantillon, pour information. "
            "Jamais utilisée pour la marge d'erreur, qui demande l'effectif du sous-groupe (n)."
        ),
    )
    study = models.ForeignKey(
        Study,
        verbose_name=_("étude"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="figures",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="figures",
    )
    fieldwork = models.CharField(_("terrain (anglais)"), max_length=300, blank=True)
    fieldwork_fr = models.CharField(_("terrain (français)"), max_length=300, blank=True)
    # The first source; every source reporting the figure is a FigureSource.
    source_url = models.URLField(_("source"), max_length=500)
    note = models.TextField(_("note (anglais)"), blank=True)
    note_fr = models.TextField(_("note (français)"), blank=True)
    obsolete = models.BooleanField(_("obsolète"), default=False)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("chiffre")
        verbose_name_plural = _("chiffres")
        ordering = ["indicator", "year", "population", "key"]
        indexes = [models.Index(fields=["indicator", "population", "year"])]

    def __str__(self) -> str:
        return f"{self.indicator.key} · {self.population.key} · {self.year} : {self.value} %"

    @property
    def scope(self) -> str:
        """What the figure measures, in the page's language."""
        shown = localized(self, "scope")
        if shown:
            return shown
        return self.territory.name if self.territory_id else self.scope_label

    @property
    def note_text(self) -> str:
        return self.note if current_language() == "en" else self.note_fr


class FigureSource(models.Model):
    """One source reporting a figure: the same measurement cited by several pages is one
    Figure with several sources (the first is `Figure.source_url`)."""

    figure = models.ForeignKey(
        Figure, verbose_name=_("chiffre"), on_delete=models.CASCADE, related_name="sources"
    )
    key = models.SlugField(_("identifiant de la ligne source"), max_length=120, blank=True)
    url = models.URLField(_("adresse"), max_length=500)
    year = models.PositiveSmallIntegerField(
        _("année donnée par cette source"), null=True, blank=True
    )
    n = models.PositiveIntegerField(_("effectif donné par cette source"), null=True, blank=True)
    note = models.TextField(_("note (anglais)"), blank=True)
    note_fr = models.TextField(_("note (français)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("source d'un chiffre")
        verbose_name_plural = _("sources des chiffres")
        ordering = ["figure", "position"]

    def __str__(self) -> str:
        return self.url

    @property
    def note_text(self) -> str:
        return self.note if current_language() == "en" else self.note_fr


class Fragility(models.Model):
    """A fragility of a territory, objective (measured) or perceived (surveyed)."""

    class Kind(models.TextChoices):
        OBJECTIVE = "objective", _("objective (mesurée)")
        PERCEIVED = "perceived", _("perçue (enquête)")

    key = models.SlugField(_("identifiant"), max_length=160, unique=True)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scope_label = models.CharField(_("territoire (texte de la source)"), max_length=200)
    scope_fr = models.CharField(_("périmètre affiché (français)"), max_length=200, blank=True)
    scope_en = models.CharField(_("périmètre affiché (anglais)"), max_length=200, blank=True)
    label = models.CharField(_("fragilité"), max_length=200)
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    population_label = models.CharField(_("population"), max_length=200, blank=True)
    rank = models.CharField(
        _("rang"), max_length=40, blank=True, help_text=_("Tel que publié, ex. « 1-5 (ex aequo) ».")
    )
    rank_order = models.PositiveSmallIntegerField(_("ordre"), default=99)
    source_url = models.URLField(_("source"), max_length=500)
    note = models.TextField(_("note (anglais)"), blank=True)
    note_fr = models.TextField(_("note (français)"), blank=True)
    obsolete = models.BooleanField(_("obsolète"), default=False)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("fragilité")
        verbose_name_plural = _("fragilités")
        ordering = ["scope_label", "kind", "rank_order", "label"]

    def __str__(self) -> str:
        return f"{self.scope_label} · {self.label}"

    @property
    def note_text(self) -> str:
        return self.note if current_language() == "en" else self.note_fr

    @property
    def scope(self) -> str:
        return localized(self, "scope") or self.scope_label
