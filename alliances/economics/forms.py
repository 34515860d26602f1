"""One form per kind of contribution, each field explained; the outcome form with its
explicit adjustments. Checks come from the pure model (economics.model)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import model as engine
from .models import ContributionEntry, OutcomeEntry
from .rates import default_volunteer_rate

YEAR_HELP = _("L'année pendant laquelle l'apport a été fait.")
ORIGIN_HELP = _(
    "D'où vient la ressource pour votre organisation : publique (subvention, collectivité), "
    "privée (entreprise, mécène, particuliers) ou revenu de votre activité."
)
NOTE_HELP = _("En quelques mots, pour que les autres partenaires comprennent l'apport.")
RANGE_HELP = _(
    "Facultatif : si la valeur d'une heure est incertaine, donnez une valeur basse et une "
    "valeur haute ; le modèle en tire une fourchette."
)
UNIT_RANGE_HELP = _(
    "Facultatif : si la valeur unitaire est incertaine, donnez une valeur basse et une valeur "
    "haute ; le modèle en tire une fourchette."
)

# For each kind: the fields asked, and the words that explain them.
KIND_FIELDS: dict[str, list[str]] = {
    engine.Kind.MONEY: ["year", "origin", "amount", "note"],
    engine.Kind.IN_KIND: ["year", "origin", "amount", "source", "note"],
    engine.Kind.PREMISES: ["year", "origin", "amount", "source", "note"],
    engine.Kind.SKILLS: [
        "year",
        "origin",
        "hours",
        "people",
        "rate",
        "rate_low",
        "rate_high",
        "source",
        "note",
    ],
    engine.Kind.VOLUNTEERING: [
        "year",
        "hours",
        "people",
        "rate",
        "rate_low",
        "rate_high",
        "source",
        "note",
    ],
}

KIND_WORDING: dict[str, dict[str, tuple]] = {
    engine.Kind.MONEY: {
        "amount": (_("Montant versé (€)"), _("La somme apportée à l'alliance pendant l'année.")),
        "note": (_("Pour quoi faire"), NOTE_HELP),
    },
    engine.Kind.IN_KIND: {
        "amount": (
            _("Valeur de ce qui a été donné (€)"),
            _("Ce que ces biens ou services auraient coûté à l'achat (prix du marché)."),
        ),
        "source": (
            _("Comment la valeur a été établie"),
            _("Une facture, un devis, un prix catalogue, une estimation du donateur…"),
        ),
        "note": (_("Ce qui a été donné"), _("Exemple : 2 tonnes de denrées, 10 ordinateurs.")),
    },
    engine.Kind.PREMISES: {
        "amount": (
            _("Valeur de la mise à disposition (€)"),
            _(
                "Ce qu'aurait coûté la location des locaux ou du matériel pendant l'année "
                "(loyer de marché × durée d'utilisation)."
            ),
        ),
        "source": (
            _("Comment la valeur a été établie"),
            _("Un loyer de référence, une offre comparable, l'estimation d'un agent…"),
        ),
        "note": (
            _("Ce qui a été mis à disposition"),
            _("Exemple : une salle 2 jours par semaine."),
        ),
    },
    engine.Kind.SKILLS: {
        "hours": (
            _("Heures par personne"),
            _("Le temps de travail donné par chaque salarié pendant l'année."),
        ),
        "people": (_("Nombre de personnes"), _("Combien de salariés ont donné ce temps.")),
        "rate": (
            _("Coût d'une heure pour l'employeur (€)"),
            _("Le salaire horaire chargé de ces salariés (ce que l'heure coûte à l'entreprise)."),
        ),
        "rate_low": (_("Valeur basse d'une heure (€)"), RANGE_HELP),
        "rate_high": (_("Valeur haute d'une heure (€)"), RANGE_HELP),
        "source": (
            _("D'où vient ce coût horaire"),
            _("Exemple : coût moyen chargé du service, d'après la paie de l'année."),
        ),
        "note": (_("Quelles compétences"), NOTE_HELP),
    },
    engine.Kind.VOLUNTEERING: {
        "hours": (_("Heures par bénévole"), _("Le temps moyen donné par chaque bénévole.")),
        "people": (_("Nombre de bénévoles"), _("Combien de personnes ont donné ce temps.")),
        "rate": (
            _("Valeur d'une heure (€)"),
            _(
                "Laissez vide pour la valeur par défaut (le SMIC horaire brut de l'année, "
                "indiqué au-dessus du formulaire) ; ou saisissez ce qu'aurait coûté un "
                "professionnel pour la même tâche."
            ),
        ),
        "rate_low": (_("Valeur basse d'une heure (€)"), RANGE_HELP),
        "rate_high": (_("Valeur haute d'une heure (€)"), RANGE_HELP),
        "source": (
            _("D'où vient cette valeur"),
            _("À remplir si vous saisissez votre propre valeur d'une heure."),
        ),
        "note": (_("Quelles missions"), NOTE_HELP),
    },
}

COMMON_WORDING = {
    "year": (_("Année"), YEAR_HELP),
    "origin": (_("Origine de la ressource"), ORIGIN_HELP),
}


class ContributionForm(forms.ModelForm):
    """A contribution of one kind, for the member's own organisation (never a field)."""

    class Meta:
        model = ContributionEntry
        fields = [
            "year",
            "origin",
            "amount",
            "hours",
            "people",
            "rate",
            "rate_low",
            "rate_high",
            "source",
            "note",
        ]

    def __init__(self, *args: object, kind: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind = engine.Kind(kind)
        wanted = KIND_FIELDS[self.kind]
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        wording = {**COMMON_WORDING, **KIND_WORDING[self.kind]}
        for name, (label, help_text) in wording.items():
            if name in self.fields:
                self.fields[name].label = label
                self.fields[name].help_text = help_text
        for name in ("amount", "hours"):
            if name in self.fields:
                self.fields[name].required = True
        if "people" in self.fields:
            self.fields["people"].required = False  # one person unless told otherwise
        if self.kind == engine.Kind.SKILLS:
            self.fields["rate"].required = True
            self.fields["source"].required = True
        if self.kind in (engine.Kind.IN_KIND, engine.Kind.PREMISES):
            self.fields["source"].required = True
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField | forms.IntegerField):
                field.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self) -> dict:
        data = super().clean()
        if "people" in self.fields and not data.get("people"):
            data["people"] = 1
            self.instance.people = 1
        if self.errors:
            return data
        if self.kind == engine.Kind.VOLUNTEERING:
            self._default_rate(data)
        if data.get("rate") is not None and data.get("source", None) == "":
            self.add_error("source", _("Dites d'où vient la valeur d'une heure."))
            return data
        self._check(data)
        return data

    def _default_rate(self, data: dict) -> None:
        if data.get("rate") is not None:
            return
        default = default_volunteer_rate(data["year"]) if data.get("year") else None
        if default is None:
            self.add_error(
                "rate",
                _(
                    "Aucune valeur par défaut n'est connue pour %(year)s : saisissez la valeur "
                    "d'une heure et sa source."
                )
                % {"year": data.get("year")},
            )
            return
        data["rate"] = default.value
        data["source"] = default.source
        self.instance.rate, self.instance.source = default.value, default.source

    def _check(self, data: dict) -> None:
        hours = data.get("hours")
        people = data.get("people") or 1
        candidate = engine.Contribution(
            partner="-",
            year=data.get("year") or 0,
            kind=self.kind,
            origin=engine.Origin(data.get("origin") or "private"),
            amount=data.get("amount"),
            hours=hours * people if hours is not None else None,
            people=people,
            rate=data.get("rate"),
            rate_low=data.get("rate_low"),
            rate_high=data.get("rate_high"),
        )
        try:
            candidate.validate(current_year=timezone.localdate().year)
        except engine.InvalidInput as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)

    def save(self, commit: bool = True) -> ContributionEntry:
        self.instance.kind = self.kind.value
        if self.kind == engine.Kind.VOLUNTEERING and not self.instance.origin:
            self.instance.origin = engine.Origin.PRIVATE.value
        if self.kind not in engine.HOURLY_KINDS:
            self.instance.hours = self.instance.rate = None
            self.instance.rate_low = self.instance.rate_high = None
            self.instance.people = 1
        else:
            self.instance.amount = None
        return super().save(commit)


class OutcomeForm(forms.ModelForm):
    """An outcome valued in money, with the adjustments that keep the value honest."""

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
            "deadweight",
            "displacement",
            "attribution",
            "duration_years",
            "drop_off",
            "adjustments_reason",
        ]
        widgets = {"adjustments_reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "label": _("Exemple : personnes revenues à l'emploi, repas distribués."),
            "quantity": _("Combien, pendant l'année."),
            "unit": _("Exemples : personnes, repas, tonnes."),
            "unit_value": _(
                "Ce que vaut une unité en euros : un coût évité, un prix de marché. "
                "Laissez 0 pour un résultat que l'on compte sans le valoriser."
            ),
            "unit_value_low": UNIT_RANGE_HELP,
            "unit_value_high": UNIT_RANGE_HELP,
            "source": _("L'étude ou la donnée publique d'où vient la valeur unitaire."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("deadweight", "displacement", "attribution", "adjustments_reason"):
            self.fields[name].required = True
        for name, field in self.fields.items():
            if isinstance(field, forms.DecimalField):
                field.widget.attrs.setdefault("inputmode", "decimal")
            if name in ("deadweight", "displacement", "attribution", "drop_off"):
                field.widget.attrs.update({"min": 0, "max": 100, "step": "0.1"})

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        year = data.get("year")
        if year and year > timezone.localdate().year:
            self.add_error("year", _("Cette année est dans le futur."))
        if (data.get("duration_years") or 1) > 1 and data.get("drop_off") is None:
            self.add_error(
                "drop_off",
                _("Un effet qui dure plusieurs années baisse souvent : indiquez de combien."),
            )
        candidate = OutcomeEntry(**{k: v for k, v in data.items() if k in self.Meta.fields})
        try:
            candidate.as_engine().validate()
        except engine.InvalidInput as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)
        return data
