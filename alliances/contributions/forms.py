"""The guided contribution form, the moderation forms and the report form.

The guided form builds a row of import cells from what was typed and hands it to the base
importer's validator: the importer's problems are shown next to the fields they concern.
"""

import re
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from alliances.base.importing.cells import parse_partner
from alliances.base.models import Alliance, Partner
from alliances.referentials.models import Term
from alliances.sdg.models import SdgGoal

from . import rules, services
from .models import Proposal, Report
from .places import TerritoryTextError, territory_cell, territory_label

PARTNER_ROWS = 6
# The form field where each importer column's problems are shown ("partners" has its group).
FIELD_OF_COLUMN = {
    "kind": "kind",
    "title": "title",
    "summary": "summary",
    "description": "description",
    "territory": "territory",
    "start_year": "start_year",
    "end_year": "end_year",
    "partnership_types": "partnership_types",
    "domains": "domains",
    "sdg": "sdg_targets",
    "results_text": "results_text",
    "source_url": "source_url",
    "source_title": "source_title",
    "source_date": "source_date",
}
_TARGET_SPLIT = re.compile(r"[\s,;|]+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _terms(taxonomy: str) -> list[tuple[str, str]]:
    return [
        (t.key, t.label)
        for t in Term.objects.filter(
            taxonomy__key=taxonomy, obsolete=False, parent__isnull=True
        ).order_by("position", "key")
    ]


class TextField(forms.CharField):
    """A text field whose value loses its control characters before any check."""

    def to_python(self, value: Any) -> str:
        text = rules.clean_text(super().to_python(value))
        if not isinstance(self.widget, forms.Textarea):
            text = " ".join(text.split())  # a title or a name is one line
        return text


def _text(label: str, max_length: int, *, required: bool = False, **kwargs: Any) -> TextField:
    return TextField(label=label, max_length=max_length, required=required, **kwargs)


def _area(label: str, max_length: int, rows: int = 4, **kwargs: Any) -> TextField:
    return _text(
        label, max_length, widget=forms.Textarea(attrs={"rows": rows, "cols": 60}), **kwargs
    )


class Honeypot(forms.Form):
    # Hidden from people by the class contrib-trap (display: none), filled by robots.
    website = forms.CharField(
        label=_("Ne pas remplir ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class ProposalForm(Honeypot):
    """A new example (mode "new"), or a correction of `alliance` (mode "correction")."""

    kind = forms.ChoiceField(
        label=_("Nature"),
        widget=forms.RadioSelect,
        choices=[
            ("alliance", _("Une alliance : des partenaires qui agissent ensemble")),
            (
                "catalyst",
                _("Un catalyseur territorial : une structure qui organise la coopération"),
            ),
        ],
        error_messages={"required": _("Dites s'il s'agit d'une alliance ou d'un catalyseur.")},
    )
    title = _text(
        _("Titre"),
        300,
        required=True,
        help_text=_("Le nom de l'alliance ou du catalyseur, tel qu'on le connaît."),
        error_messages={"required": _("Indiquez le titre de l'exemple.")},
    )
    summary = _area(
        _("Résumé"),
        1000,
        required=True,
        help_text=_("En deux ou trois phrases : qui agit ensemble, pour quoi faire."),
        error_messages={"required": _("Écrivez un court résumé de l'exemple.")},
    )
    description = _area(
        _("Description"),
        10000,
        rows=8,
        help_text=_("Facultatif : l'histoire, le fonctionnement, ce qui a été appris."),
    )
    territory = _text(
        _("Territoire"),
        200,
        required=True,
        help_text=_(
            "Nom ou code officiel d'une commune, d'une intercommunalité, d'un département ou "
            "d'une région (ex. « Lyon », « Gironde », « 69123 »), ou « national »."
        ),
        error_messages={"required": _("Indiquez le territoire où l'exemple agit.")},
    )
    start_year = _text(
        _("Année de début"),
        10,
        help_text=_("Par exemple 2019."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    end_year = _text(
        _("Année de fin"),
        10,
        help_text=_("Seulement si l'exemple a pris fin."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    partnership_types = forms.MultipleChoiceField(
        label=_("Types de partenariat"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez tout ce qui s'applique."),
    )
    domains = forms.MultipleChoiceField(
        label=_("Domaines d'action"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez tout ce qui s'applique."),
    )
    sdg_goals = forms.MultipleChoiceField(
        label=_("Objectifs de développement durable"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Les objectifs auxquels l'exemple contribue."),
    )
    sdg_targets = _text(
        _("Cibles ODD (facultatif)"),
        200,
        help_text=_("Numéros des cibles séparés par des virgules, par exemple « 4.1, 17.17 »."),
    )
    results_text = _area(
        _("Résultats"),
        2000,
        rows=3,
        help_text=_("Facultatif : ce que l'exemple a produit, avec des chiffres si possible."),
    )
    source_url = _text(
        _("Adresse d'une page qui le décrit"),
        500,
        help_text=_(
            "Le site de l'exemple ou un article : les curateurs vérifient chaque proposition."
        ),
        widget=forms.TextInput(attrs={"inputmode": "url", "size": 50}),
    )
    source_title = _text(_("Titre de cette page"), 300)
    source_date = _text(
        _("Date de cette page"),
        20,
        help_text=_("Au format 31/12/2024."),
        widget=forms.TextInput(attrs={"size": 12}),
    )
    explanation = _area(
        _("Message aux curateurs"),
        2000,
        rows=3,
        help_text=_("Facultatif : comment vous connaissez cet exemple, ce qu'il faut vérifier."),
    )

    def __init__(
        self,
        *args: Any,
        mode: str = "new",
        alliance: Alliance | None = None,
        current: dict[str, str] | None = None,
        partner_rows: int = PARTNER_ROWS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.mode, self.alliance, self.current = mode, alliance, current or {}
        self.partner_rows = partner_rows
        self.partner_errors: list[str] = []
        self.cells: dict[str, str] = {}
        self.changes: dict[str, str] = {}
        self.fields["partnership_types"].choices = _terms("partnership_types")
        self.fields["domains"].choices = _terms("domains")
        self.fields["sdg_goals"].choices = [
            (str(g.number), str(g)) for g in SdgGoal.objects.order_by("number")
        ]
        profiles = [("", _("— profil d'acteur —")), *_terms("actor_profiles")]
        for number in range(1, partner_rows + 1):
            self.fields[f"partner_{number}_name"] = _text(
                _("Nom du partenaire %(n)s") % {"n": number}, 300
            )
            self.fields[f"partner_{number}_profile"] = forms.ChoiceField(
                label=_("Profil d'acteur du partenaire %(n)s") % {"n": number},
                choices=profiles,
                required=False,
            )
            self.fields[f"partner_{number}_role"] = forms.ChoiceField(
                label=_("Rôle du partenaire %(n)s") % {"n": number},
                choices=Partner.Role.choices,
                initial=Partner.Role.PARTNER,
                required=False,
            )
        if mode == "correction":
            # An example may lack a summary or a territory: correcting something else must
            # not force the contributor to fill them.
            self.fields["summary"].required = False
            self.fields["territory"].required = False
            explanation = self.fields["explanation"]
            explanation.label = _("Pourquoi cette correction ?")
            explanation.required = True
            explanation.help_text = _(
                "Dites ce qui est faux et d'où vient l'information juste : les curateurs en "
                "ont besoin pour décider."
            )
            explanation.error_messages["required"] = _(
                "Expliquez la correction : ce qui est faux, et comment vous le savez."
            )
            self.fields["source_url"].label = _("Ajouter une source (adresse)")
        if mode == "edit":
            del self.fields["explanation"]

    # Groups of fields, in the order the template shows them.
    def partner_groups(self) -> list[dict[str, Any]]:
        return [
            {
                "number": n,
                "name": self[f"partner_{n}_name"],
                "profile": self[f"partner_{n}_profile"],
                "role": self[f"partner_{n}_role"],
            }
            for n in range(1, self.partner_rows + 1)
        ]

    def clean_source_url(self) -> str:
        url = self.cleaned_data["source_url"]
        if url and not _SCHEME.match(url) and "." in url and " " not in url:
            url = f"https://{url}"  # "www.exemple.fr" is what people copy
        return url

    def clean_territory(self) -> str:
        try:
            return territory_cell(self.cleaned_data["territory"])
        except TerritoryTextError as error:
            raise forms.ValidationError(str(error)) from None

    def _partner_cells(self) -> list[str]:
        cells = []
        for n in range(1, self.partner_rows + 1):
            name = self.cleaned_data.get(f"partner_{n}_name", "")
            profile = self.cleaned_data.get(f"partner_{n}_profile", "")
            role = self.cleaned_data.get(f"partner_{n}_role") or Partner.Role.PARTNER
            if not name and not profile:
                continue
            if not name:
                self.add_error(
                    f"partner_{n}_name",
                    _("Indiquez le nom du partenaire %(n)s, ou retirez son profil.") % {"n": n},
                )
                continue
            if rules.bad_name_characters(name):
                self.add_error(
                    f"partner_{n}_name",
                    _("Le caractère « | » n'est pas permis dans un nom de partenaire."),
                )
                continue
            if not profile:
                self.add_error(
                    f"partner_{n}_profile",
                    _("Choisissez le profil d'acteur de « %(name)s ».") % {"name": name},
                )
                continue
            cells.append(rules.partner_cell(name, profile, role))
        return cells

    def build_cells(self) -> dict[str, str]:
        data = self.cleaned_data
        goals = sorted({int(g) for g in data.get("sdg_goals", [])})
        targets = [t for t in _TARGET_SPLIT.split(data.get("sdg_targets", "")) if t]
        return {
            "kind": data.get("kind", ""),
            "title": data.get("title", ""),
            "summary": data.get("summary", ""),
            "description": data.get("description", ""),
            "partners": rules.join_cell(self._partner_cells()),
            "territory": data.get("territory", ""),
            "start_year": data.get("start_year", ""),
            "end_year": data.get("end_year", ""),
            "partnership_types": rules.join_cell(sorted(data.get("partnership_types", []))),
            "domains": rules.join_cell(sorted(data.get("domains", []))),
            "sdg": rules.join_cell([str(g) for g in goals] + targets),
            "results_text": data.get("results_text", ""),
            "source_url": data.get("source_url", ""),
            "source_title": data.get("source_title", ""),
            "source_date": data.get("source_date", ""),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        cells = self.build_cells()
        if self.mode != "correction" and not cells["partners"] and not self._partners_typed():
            self.partner_errors.append(
                str(_("Indiquez au moins un partenaire : celui qui porte l'exemple."))
            )
        if any(name != "explanation" for name in self.errors) or self.partner_errors:
            return data  # the importer would only repeat what the fields already say
        if self.mode == "correction":
            self.changes = rules.changed_cells(self.current, cells, rules.FORM_COLUMNS)
            if not self.changes:
                raise forms.ValidationError(
                    _(
                        "Vous n'avez rien modifié : changez les valeurs qui sont fausses, puis "
                        "expliquez pourquoi."
                    )
                )
            checked = services.correction_cells(self.alliance, self.changes)
            _row, problems = services.check_cells(checked, alliance=self.alliance)
        else:
            _row, problems = services.check_cells(cells, alliance=self.alliance)
        for problem in problems:
            message = capfirst(problem.message)
            field = FIELD_OF_COLUMN.get(problem.column)
            if problem.column == "partners":
                self.partner_errors.append(message)
            elif field in self.fields:
                self.add_error(field, message)
            else:
                self.add_error(None, message)
        self.cells = cells
        return data

    def _partners_typed(self) -> bool:
        return any(
            self.data.get(self.add_prefix(f"partner_{n}_name"), "").strip()
            for n in range(1, self.partner_rows + 1)
        )

    def is_valid(self) -> bool:
        return super().is_valid() and not self.partner_errors

    def error_count(self) -> int:
        return len(self.errors) + len(self.partner_errors)


def initial_from_cells(cells: dict[str, str]) -> dict[str, Any]:
    """The form's initial values from import cells (a stored proposal or an alliance)."""
    initial: dict[str, Any] = {
        name: cells.get(name, "")
        for name in (
            "kind",
            "title",
            "summary",
            "description",
            "start_year",
            "end_year",
            "results_text",
            "source_url",
            "source_title",
            "source_date",
        )
    }
    initial["territory"] = territory_label(cells.get("territory", ""))
    initial["partnership_types"] = rules.split_cell(cells.get("partnership_types", ""))
    initial["domains"] = rules.split_cell(cells.get("domains", ""))
    sdg = rules.split_cell(cells.get("sdg", ""))
    initial["sdg_goals"] = [v for v in sdg if "." not in v]
    initial["sdg_targets"] = ", ".join(v for v in sdg if "." in v)
    for number, value in enumerate(rules.split_cell(cells.get("partners", "")), start=1):
        try:
            partner = parse_partner(value)
        except ValueError:
            initial[f"partner_{number}_name"] = value
            continue
        initial[f"partner_{number}_name"] = partner.name
        initial[f"partner_{number}_profile"] = partner.profile
        initial[f"partner_{number}_role"] = partner.role
    return initial


def partner_rows_for(cells: dict[str, str]) -> int:
    """Enough partner rows for the partners already listed, and two more."""
    return max(PARTNER_ROWS, len(rules.split_cell(cells.get("partners", ""))) + 2)


class AcceptForm(forms.Form):
    status = forms.ChoiceField(
        label=_("L'exemple créé sera"),
        choices=[
            (Alliance.Status.PUBLISHED, _("publié tout de suite")),
            (Alliance.Status.REVIEW, _("en relecture (à compléter avant publication)")),
        ],
        initial=Alliance.Status.PUBLISHED,
        widget=forms.RadioSelect,
    )
    message = _area(
        _("Message au contributeur"),
        2000,
        rows=3,
        help_text=_("Facultatif ; envoyé par e-mail avec la réponse."),
    )

    def __init__(self, *args: Any, kind: str = Proposal.Kind.NEW, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind == Proposal.Kind.CORRECTION:
            del self.fields["status"]


class RefuseForm(forms.Form):
    message = _area(
        _("Motif du refus"),
        2000,
        rows=3,
        required=True,
        help_text=_("Envoyé par e-mail au contributeur : dites-lui pourquoi, poliment."),
        error_messages={
            "required": _(
                "Écrivez le motif du refus : il est envoyé au contributeur, qui doit savoir "
                "pourquoi sa proposition n'est pas retenue."
            )
        },
    )


class ReportForm(Honeypot):
    reason = forms.ChoiceField(
        label=_("Quel est le problème ?"),
        choices=[("", _("— choisir —")), *Report.Reason.choices],
        error_messages={
            "required": _("Choisissez le motif du signalement."),
            "invalid_choice": _("Ce motif n'existe pas : choisissez-en un dans la liste."),
        },
    )
    message = _area(
        _("Précisions"),
        2000,
        rows=3,
        help_text=_("Facultatif : ce qui est faux ou manque, et où vous l'avez vu."),
    )


class CloseReportForm(forms.Form):
    note = _area(_("Note (facultative)"), 2000, rows=2)


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("tous")), *Proposal.Status.choices],
    )
    kind = forms.ChoiceField(
        label=_("Nature"), required=False, choices=[("", _("toutes")), *Proposal.Kind.choices]
    )
    q = _text(_("Titre contient"), 200)


class ReportFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("tous")), *Report.Status.choices]
    )
    reason = forms.ChoiceField(
        label=_("Motif"), required=False, choices=[("", _("tous")), *Report.Reason.choices]
    )
