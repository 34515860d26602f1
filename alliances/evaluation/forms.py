from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alliances.common.i18n import current_language
from alliances.sdg.models import SdgTarget

from .crossviews import DONT_KNOW
from .models import Indicator, IndicatorValue, ProgressReport

SEND = "send"
DRAFT = "draft"


def horizon_text(years: float | None) -> str:
    """ "about 18 months", "about 7 years": the horizon of an impact in words."""
    if not years:
        return ""
    if years < 2:
        months = round(years * 12)
        return ngettext("environ %(n)d mois", "environ %(n)d mois", months) % {"n": months}
    count = round(years)
    return ngettext("environ %(n)d an", "environ %(n)d ans", count) % {"n": count}


def question_help(question: dict) -> str:
    horizon = horizon_text(question.get("horizon_years"))
    if not horizon:
        return ""
    return _("Horizon de temps de cet impact : %(horizon)s.") % {"horizon": horizon}


class AnswersForm(forms.Form):
    """One radio group per question of the campaign's questionnaire, nothing pre-selected.

    "Je ne sais pas" is one of the choices, never a default: a question without a choice is
    not answered. A draft keeps what was chosen; sending needs a choice for every question.
    """

    def __init__(
        self, *args: object, questionnaire: dict, sending: bool = False, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sending = sending
        lang = current_language()
        scale = questionnaire["scale"]
        labels = scale.get(f"labels_{lang}") or scale["labels_fr"]
        choices = [
            (str(v), f"{v} · {labels[i]}")
            for i, v in enumerate(range(scale["min"], scale["max"] + 1))
        ]
        choices.append((DONT_KNOW, _("Je ne sais pas")))
        self.axes = []
        for axis in questionnaire["axes"]:
            keys = []
            for question in questionnaire["questions"]:
                if question["axis"] != axis["key"]:
                    continue
                self.fields[question["key"]] = forms.ChoiceField(
                    label=question.get(f"text_{lang}") or question["text_fr"],
                    help_text=question_help(question),
                    choices=choices,
                    widget=forms.RadioSelect,
                    required=False,
                )
                keys.append(question["key"])
            self.axes.append({"label": axis.get(f"label_{lang}") or axis["label_fr"], "keys": keys})
        self.question_keys = [k for axis in self.axes for k in axis["keys"]]
        self.fields["comment"] = forms.CharField(
            label=_("Commentaire (facultatif)"),
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
            max_length=4000,
        )

    def clean(self) -> dict:
        data = super().clean()
        if self.sending:
            for key in self.question_keys:
                if not data.get(key) and key not in self.errors:
                    self.add_error(
                        key, _("Choisissez une réponse (« Je ne sais pas » en est une).")
                    )
        return data

    def grouped(self) -> list[dict]:
        return [
            {"label": axis["label"], "fields": [self[key] for key in axis["keys"]]}
            for axis in self.axes
        ]

    def answers(self) -> dict[str, int | str]:
        """Question key -> point of the scale or DONT_KNOW; unanswered questions left out."""
        answers: dict[str, int | str] = {}
        for key in self.question_keys:
            value = self.cleaned_data.get(key)
            if value == DONT_KNOW:
                answers[key] = DONT_KNOW
            elif value:
                answers[key] = int(value)
        return answers


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=_("Année évaluée"), min_value=2000, max_value=2100)
    comments_attributed = forms.TypedChoiceField(
        label=_("Les commentaires des partenaires seront montrés"),
        choices=[
            ("0", _("sans le nom de leur organisation")),
            ("1", _("avec le nom de leur organisation")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
        help_text=_(
            "Décidez-le ensemble avant d'ouvrir : chaque partenaire le lira au-dessus de la "
            "case de commentaire, et ce choix ne change plus pendant la campagne."
        ),
    )


NARRATIVE = ["achievements", "figures", "difficulties", "lessons", "next_steps"]


class ProgressReportForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = ["year", *NARRATIVE]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in NARRATIVE}

    def __init__(self, *args: object, workspace: object, today_year: int, **kwargs: object):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.today_year = today_year
        if self.instance.pk:
            # The year of an existing report is part of its address: it does not change.
            self.fields["year"].disabled = True

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > self.today_year:
            raise forms.ValidationError(
                _("On ne peut pas rendre compte d'une année à venir (%(year)s).") % {"year": year}
            )
        if year < 1990:
            raise forms.ValidationError(_("Année trop ancienne."))
        others = self.workspace.reports.filter(year=year).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Un rapport existe déjà pour cette année."))
        return year


class SdgTargetsField(forms.CharField):
    """SDG targets typed as their codes ("8.5, 10.2"): a short field that works on a phone."""

    def to_python(self, value: object) -> list[SdgTarget]:
        text = super().to_python(value) or ""
        codes = [c.strip().rstrip(".") for c in text.replace(";", ",").split(",") if c.strip()]
        targets = {t.code: t for t in SdgTarget.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in targets]
        if unknown:
            raise forms.ValidationError(
                _("Cibles ODD inconnues : %(codes)s (exemple de code : 8.5).")
                % {"codes": ", ".join(unknown)}
            )
        return [targets[c] for c in dict.fromkeys(codes)]

    def prepare_value(self, value: object) -> str:
        if isinstance(value, str):
            return value
        if value is None:
            return ""
        return ", ".join(getattr(t, "code", str(t)) for t in value)


class IndicatorForm(forms.ModelForm):
    sdg_targets = SdgTargetsField(
        label=_("Cibles ODD (facultatif)"),
        required=False,
        help_text=_("Codes séparés par des virgules, par exemple 8.5, 10.2."),
    )

    class Meta:
        model = Indicator
        fields = [
            "name",
            "kind",
            "unit",
            "model_figure",
            "baseline_year",
            "baseline",
            "baseline_text",
            "target_year",
            "target",
            "target_text",
        ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["sdg_targets"] = list(self.instance.sdg_targets.all())
        for name in ("baseline", "target"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == Indicator.Kind.QUALITATIVE and data.get("model_figure"):
            self.add_error(
                "model_figure",
                _("Un chiffre du modèle est un nombre : choisissez « quantitatif »."),
            )
        if data.get("kind") == Indicator.Kind.QUANTITATIVE and not (
            data.get("unit") or data.get("model_figure")
        ):
            self.add_error("unit", _("Un indicateur chiffré a une unité."))
        baseline, target = data.get("baseline_year"), data.get("target_year")
        if baseline and target and target < baseline:
            self.add_error("target_year", _("L'année visée précède l'année de référence."))
        return data


class IndicatorValueForm(forms.ModelForm):
    class Meta:
        model = IndicatorValue
        fields = ["value", "text", "comment"]

    def __init__(self, *args: object, indicator: Indicator, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if indicator.is_quantitative:
            del self.fields["text"]
            self.fields["value"].widget.attrs["inputmode"] = "decimal"
            self.fields["value"].label = _("Valeur atteinte (%(unit)s)") % {
                "unit": indicator.unit or "—"
            }
        else:
            del self.fields["value"]
