import re

from django import forms
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import targets
from .models import INTRO_MAX, NAME_MAX, SLUG_PATTERN, TITLE_MAX, Portal, SavedSearch
from .querystrings import MAX_QUERYSTRING_LENGTH, normalise_querystring, params_of

MAX_SAVED_PER_OWNER = 100
SLUG_MIN, SLUG_MAX = 3, 60


def _one_line(value: str) -> str:
    """Names end up in e-mail subjects and page titles: one line, single spaces."""
    return " ".join(value.split())


class SavedSearchForm(forms.ModelForm):
    """Name, e-mail frequency and language of a saved search (its query is not edited)."""

    class Meta:
        model = SavedSearch
        fields = ["name", "frequency", "language"]
        labels = {
            "name": _("Nom de la recherche"),
            "frequency": _("Alerte par e-mail"),
            "language": _("Langue des e-mails"),
        }
        help_texts = {
            "name": _("Pour la retrouver dans « Mes recherches » et dans l'objet des e-mails."),
            "frequency": _(
                "Un e-mail ne part que s'il y a de nouvelles alliances publiées depuis le "
                "précédent."
            ),
        }
        widgets = {"frequency": forms.RadioSelect}

    def __init__(self, *args: object, owner: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        choices = ", ".join(f"« {label} »" for _v, label in SavedSearch.Frequency.choices)
        self.fields["name"].error_messages.update(
            {
                "required": _("Donnez un nom à cette recherche."),
                "max_length": _("Le nom ne doit pas dépasser %(max)d caractères.")
                % {"max": NAME_MAX},
            }
        )
        self.fields["frequency"].error_messages.update(
            {
                "required": _("Choisissez une fréquence d'alerte."),
                "invalid_choice": gettext(
                    "Fréquence « %(value)s » inconnue : choisissez parmi %(choices)s."
                ).replace("%(choices)s", choices),
            }
        )
        languages = ", ".join(code for code, _name in settings.LANGUAGES)
        self.fields["language"].error_messages.update(
            {
                "invalid_choice": gettext(
                    "Langue « %(value)s » inconnue : choisissez parmi %(choices)s."
                ).replace("%(choices)s", languages)
            }
        )

    def clean_name(self) -> str:
        name = _one_line(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Donnez un nom à cette recherche."))
        return name

    def save(self, commit: bool = True) -> SavedSearch:
        saved = super().save(commit=False)
        # switch_frequency needs the frequency stored before this edit.
        if saved.pk:
            before = SavedSearch.objects.get(pk=saved.pk).frequency
            wanted = saved.frequency
            saved.frequency = before
            saved.switch_frequency(wanted)
        if commit:
            saved.save()
        return saved


class NewSavedSearchForm(SavedSearchForm):
    """Saving the current search: its target and query string travel in hidden fields."""

    target = forms.ChoiceField(widget=forms.HiddenInput, required=False, choices=targets.CHOICES)
    querystring = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=MAX_QUERYSTRING_LENGTH
    )

    class Meta(SavedSearchForm.Meta):
        fields = ["name", "frequency", "language"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["querystring"].error_messages["max_length"] = _(
            "Cette recherche est trop longue pour être enregistrée (au plus %(max)d caractères)."
        ) % {"max": MAX_QUERYSTRING_LENGTH}

    def clean_target(self) -> str:
        return self.cleaned_data.get("target") or targets.ALLIANCES

    def clean_querystring(self) -> str:
        # Never trust the hidden field: it goes through its search's parser again.
        target = targets.target_of(self.cleaned_data.get("target", targets.ALLIANCES))
        raw = self.cleaned_data.get("querystring", "")
        if target.key == targets.ALLIANCES:
            return normalise_querystring(raw)[0]
        return target.canonical(params_of(raw))[0]

    def clean(self) -> dict:
        data = super().clean()
        if (
            self.owner is not None
            and SavedSearch.objects.filter(owner=self.owner).count() >= MAX_SAVED_PER_OWNER
        ):
            raise forms.ValidationError(
                _(
                    "Vous avez déjà %(max)d recherches enregistrées : supprimez-en une avant "
                    "d'en enregistrer une autre."
                )
                % {"max": MAX_SAVED_PER_OWNER}
            )
        return data

    def save(self, commit: bool = True) -> SavedSearch:
        saved = forms.ModelForm.save(self, commit=False)
        saved.owner = self.owner
        saved.target = self.cleaned_data["target"]
        saved.querystring = self.cleaned_data["querystring"]
        if commit:
            saved.save()
        return saved


class PortalForm(forms.ModelForm):
    class Meta:
        model = Portal
        fields = ["slug", "title", "intro", "is_public"]
        labels = {
            "slug": _("Adresse du portail"),
            "title": _("Titre du portail"),
            "intro": _("Texte d'introduction"),
            "is_public": _("Publier le portail (page publique et widget à intégrer)"),
        }
        help_texts = {
            "slug": _(
                "La fin de l'adresse /portails/…/ : lettres minuscules sans accent, chiffres "
                "et tirets, de 3 à 60 caractères (ex. alliances-du-doubs)."
            ),
            "intro": _("Texte simple ; les lignes vides séparent les paragraphes."),
        }
        widgets = {"intro": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].validators = []  # clean_slug says what is wrong, in words
        self.fields["slug"].error_messages.update(
            {"required": _("Choisissez l'adresse du portail (ex. alliances-du-doubs).")}
        )
        self.fields["title"].error_messages.update(
            {
                "required": _("Donnez un titre au portail."),
                "max_length": _("Le titre ne doit pas dépasser %(max)d caractères.")
                % {"max": TITLE_MAX},
            }
        )
        self.fields["intro"].error_messages.update(
            {
                "max_length": _("Le texte d'introduction ne doit pas dépasser %(max)d caractères.")
                % {"max": INTRO_MAX}
            }
        )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip()
        if not SLUG_MIN <= len(slug) <= SLUG_MAX:
            raise forms.ValidationError(
                _("L'adresse « %(slug)s » doit compter de %(min)d à %(max)d caractères."),
                params={"slug": slug, "min": SLUG_MIN, "max": SLUG_MAX},
            )
        if not re.match(SLUG_PATTERN, slug):
            raise forms.ValidationError(
                _(
                    "L'adresse « %(slug)s » n'est pas valide : utilisez des lettres minuscules "
                    "sans accent, des chiffres et des tirets (par exemple « %(example)s »)."
                ),
                params={"slug": slug, "example": slugify(slug)[:SLUG_MAX] or "mon-portail"},
            )
        taken = Portal.objects.filter(slug=slug)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _(
                    "L'adresse « %(slug)s » est déjà prise par un autre portail : "
                    "choisissez-en une autre."
                ),
                params={"slug": slug},
            )
        return slug

    def clean_title(self) -> str:
        title = _one_line(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(_("Donnez un titre au portail."))
        return title

    def clean_is_public(self) -> bool:
        wanted = self.cleaned_data.get("is_public", False)
        if wanted and self.instance.blocked:
            raise forms.ValidationError(
                _(
                    "Les curateurs ont retiré ce portail de la publication : il ne peut pas "
                    "être publié à nouveau sans leur accord."
                )
            )
        return wanted


def suggested_slug(name: str) -> str:
    """A free address made from a name (a number appended when it is taken)."""
    base = slugify(name)[:50].strip("-") or "portail"
    if len(base) < SLUG_MIN:
        base = f"portail-{base}"
    slug, n = base, 2
    while Portal.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug
