from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import model as engine
from .models import ContributionEntry, OutcomeEntry, default_volunteer_rate


class ContributionForm(forms.ModelForm):
    """A contribution of the member's own organisation (the organisation is never a field)."""

    class Meta:
        model = ContributionEntry
        fields = [
            "year",
            "kind",
            "origin",
            "amount",
            "hours",
            "people",
            "rate",
            "rate_low",
            "rate_high",
            "rate_source",
            "note",
        ]

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        kind = data.get("kind")
        if kind == engine.Kind.VOLUNTEERING and data.get("rate") is None:
            rate, source = default_volunteer_rate()
            data["rate"] = rate
            data["rate_source"] = data.get("rate_source") or source
            self.instance.rate, self.instance.rate_source = rate, data["rate_source"]
        hours = data.get("hours")
        candidate = engine.Contribution(
            partner="-",
            year=data.get("year") or 0,
            kind=engine.Kind(kind),
            origin=engine.Origin(data.get("origin") or "private"),
            amount=data.get("amount"),
            hours=hours * data.get("people", 1) if hours is not None else None,
            people=data.get("people") or 1,
            rate=data.get("rate"),
            rate_low=data.get("rate_low"),
            rate_high=data.get("rate_high"),
        )
        try:
            candidate.validate(current_year=timezone.localdate().year)
        except engine.InvalidInput as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)
        return data


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = OutcomeEntry
        fields = [
            "year",
            "label",
            "quantity",
            "unit",
            "beneficiaries",
            "unit_value",
            "unit_value_low",
            "unit_value_high",
            "source",
        ]

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        year = data.get("year")
        if year and year > timezone.localdate().year:
            self.add_error("year", _("Cette année est dans le futur."))
        low, high, value = (
            data.get("unit_value_low"),
            data.get("unit_value_high"),
            data.get("unit_value"),
        )
        if low is not None and value is not None and low > value:
            self.add_error("unit_value_low", _("La valeur basse dépasse la valeur centrale."))
        if high is not None and value is not None and high < value:
            self.add_error(
                "unit_value_high", _("La valeur haute est inférieure à la valeur centrale.")
            )
        if value and not data.get("source"):
            self.add_error("source", _("Une valeur unitaire doit citer sa source."))
        return data
