from django import forms
from django.utils.translation import gettext_lazy as _

from alliances.common.i18n import current_language

from .models import ProgressReport

DONT_KNOW = ""


class AnswersForm(forms.Form):
    """One radio group per question of the campaign's questionnaire (plus "don't know")."""

    def __init__(self, *args: object, questionnaire: dict, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
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
                    choices=choices,
                    widget=forms.RadioSelect,
                    required=False,
                )
                keys.append(question["key"])
            self.axes.append({"label": axis.get(f"label_{lang}") or axis["label_fr"], "keys": keys})
        self.fields["comment"] = forms.CharField(
            label=_("Commentaire (facultatif)"),
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
            max_length=4000,
        )

    def grouped(self) -> list[dict]:
        return [
            {"label": axis["label"], "fields": [self[key] for key in axis["keys"]]}
            for axis in self.axes
        ]

    def answers(self) -> dict[str, int | None]:
        return {
            key: (int(value) if value not in (None, DONT_KNOW) else None)
            for key, value in self.cleaned_data.items()
            if key != "comment"
        }


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=_("Année évaluée"), min_value=2000, max_value=2100)


class ProgressReportForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = ["year", "achievements", "figures", "difficulties", "next_steps"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ["achievements", "figures", "difficulties", "next_steps"]
        }

    def __init__(self, *args: object, workspace: object, today_year: int, **kwargs: object):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.today_year = today_year

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > self.today_year:
            raise forms.ValidationError(
                _("On ne peut pas rendre compte d'une année à venir (%(year)s).") % {"year": year}
            )
        if year < 1990:
            raise forms.ValidationError(_("Année trop ancienne."))
        if self.workspace.reports.filter(year=year).exists():
            raise forms.ValidationError(_("Un rapport existe déjà pour cette année."))
        return year
