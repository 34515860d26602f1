from django.db import models
from django.utils.translation import gettext_lazy as _


class LoadedDataset(models.Model):
    """One shipped dataset as last loaded: what /healthz reports as a data version."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    version = models.CharField(_("version"), max_length=100)
    checksum = models.CharField(_("empreinte"), max_length=64)
    rows = models.PositiveIntegerField(_("lignes"), default=0)
    loaded_at = models.DateTimeField(_("chargé le"), auto_now=True)

    class Meta:
        verbose_name = _("jeu de données chargé")
        verbose_name_plural = _("jeux de données chargés")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


# -- Search kit (issue 16): what the searches of the parts derive from their documents -------
class SearchVector(models.Model):
    """The embedding of one searchable document of a part (an alliance, a resource).

    `owner` names the collection ("alliance", "resource"); `vector` holds 384 float16;
    `digest` identifies the model and the text embedded (an unchanged text is never embedded
    again); `seq` is the write's sequence number, so that a process loads only what changed.
    """

    owner = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    digest = models.CharField(max_length=40)
    seq = models.BigIntegerField(default=0)
    vector = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "object_id"], name="search_vector_unique"),
        ]
        indexes = [models.Index(fields=["owner", "seq"], name="search_vector_seq")]

    def __str__(self) -> str:
        return f"{self.owner} {self.object_id}"


class SearchWord(models.Model):
    """A word of a collection's searchable texts (folded), its commonest written form and
    in how many documents it appears: the vocabulary typo suggestions are drawn from."""

    owner = models.CharField(max_length=20)
    word = models.CharField(max_length=60)
    form = models.CharField(max_length=60)
    documents = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "word"], name="search_word_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.word}"


class SearchState(models.Model):
    """The state of one derived collection ("vectors:alliance", "words:resource"...).

    `token` is drawn anew at every write and `generation` at every full rebuild or removal;
    `seq` counts the writes. A process compares them with what it holds in memory. `data`
    keeps what a rebuild trained (the vector index's quantiser)."""

    name = models.CharField(max_length=60, unique=True)
    token = models.BigIntegerField(default=0)
    generation = models.BigIntegerField(default=0)
    seq = models.BigIntegerField(default=0)
    data = models.BinaryField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
