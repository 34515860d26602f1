"""Taking a self-diagnosis: start, one step per axis, result (HTML and PDF), statistics."""

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliances.charts import vega
from alliances.common.i18n import current_language, localized
from alliances.common.twins import list_response

from . import aggregates, engine
from .forms import StartForm
from .models import Diagnosis, ReferentialVersion
from .profiles import profile_labels
from .results import ResultView, answer_error_message, build_result

# A completed result does not change; a month keeps it for any respondent coming back.
CHART_CACHE_SECONDS = 30 * 24 * 3600


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        diagnosis = Diagnosis.objects.create(
            referential=form.selected_version(),
            profile=form.cleaned_data["profile"],
            territory=form.cleaned_data["territory"],
            consent_to_aggregate=form.cleaned_data["consent_to_aggregate"],
        )
        return redirect("maturity:step", token=diagnosis.token, step=1)
    versions = list(ReferentialVersion.objects.active().order_by("target", "key"))
    return render(
        request,
        "maturity/index.html",
        {"form": form, "versions": versions},
        status=400 if request.method == "POST" else 200,
    )


def _diagnosis(token: str) -> Diagnosis:
    return get_object_or_404(
        Diagnosis.objects.select_related("referential", "territory"), token=token
    )


def _steps(diagnosis: Diagnosis) -> list[dict]:
    referential = diagnosis.referential.referential
    steps = []
    for number, axis in enumerate(referential.axes, start=1):
        keys = [q.key for q in referential.questions_of(axis.key)]
        steps.append(
            {
                "number": number,
                "axis": axis,
                "label": localized(axis, "label"),
                "done": number < diagnosis.current_step or diagnosis.completed,
                "answered": sum(1 for k in keys if k in diagnosis.answers),
            }
        )
    return steps


def resume(request: HttpRequest, token: str) -> HttpResponse:
    diagnosis = _diagnosis(token)
    steps = _steps(diagnosis)
    return render(
        request,
        "maturity/resume.html",
        {
            "diagnosis": diagnosis,
            "steps": steps,
            "resume_url": request.build_absolute_uri(diagnosis_url(diagnosis)),
            "next_step": min(diagnosis.current_step, len(steps)),
            "profile_label": profile_labels().get(diagnosis.profile, diagnosis.profile),
        },
    )


def diagnosis_url(diagnosis: Diagnosis) -> str:
    return reverse("maturity:resume", kwargs={"token": diagnosis.token})


def _question_rows(
    questions: tuple[engine.Question, ...],
    profile: str,
    answers: dict,
    errors: dict[str, str],
    step_keys: set[str],
) -> list[dict]:
    rows = []
    for question in questions:
        if not question.applies_to(profile):
            continue
        value = answers.get(question.key)
        # A condition on a question of this same step cannot be known before the POST (no
        # JavaScript): the question is shown, optional, with its condition spelled out.
        pending = [c for c in question.conditions if c.question in step_keys]
        known = [c for c in question.conditions if c.question not in step_keys]
        if known and not engine.conditions_hold(known, answers):
            continue
        if question.type == "scale":
            choices = []
            for number in range(question.scale_min, question.scale_max + 1):
                label = str(number)
                if number == question.scale_min and localized(question, "scale_min_label"):
                    label = f"{number} — {localized(question, 'scale_min_label')}"
                if number == question.scale_max and localized(question, "scale_max_label"):
                    label = f"{number} — {localized(question, 'scale_max_label')}"
                choices.append({"value": str(number), "label": label, "checked": value == number})
        else:
            chosen = value if isinstance(value, list) else [value]
            choices = [
                {"value": o.key, "label": localized(o, "label"), "checked": o.key in chosen}
                for o in question.options
            ]
        rows.append(
            {
                "key": question.key,
                "type": question.type,
                "text": localized(question, "text"),
                "help": localized(question, "help"),
                "choices": choices,
                "error": errors.get(question.key, ""),
                "conditional": bool(pending),
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, token: str, step: int) -> HttpResponse:
    diagnosis = _diagnosis(token)
    referential = diagnosis.referential.referential
    total = len(referential.axes)
    if not 1 <= step <= total:
        raise Http404(_("Cette étape n'existe pas."))
    if step > diagnosis.current_step and not diagnosis.completed:
        return redirect("maturity:step", token=token, step=diagnosis.current_step)
    axis = referential.axes[step - 1]
    questions = referential.questions_of(axis.key)
    step_keys = {q.key for q in questions}
    answers = dict(diagnosis.answers)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        submitted, errors, tampered = _read_step(request, questions, diagnosis.profile)
        merged = {k: v for k, v in answers.items() if k not in step_keys}
        merged.update(submitted)
        if not errors:
            for question in questions:
                if (
                    question.type != "multiple"
                    and question.key not in merged
                    and engine.is_applicable(question, diagnosis.profile, merged)
                ):
                    errors[question.key] = _("Répondez à cette question pour continuer.")
        if not errors:
            diagnosis.answers = merged
            if step == total or diagnosis.current_step >= total or diagnosis.completed:
                # Finishing, or changing an answer once the end was reached: score again. A
                # changed answer may open a follow-up question elsewhere; it is asked first.
                was_completed = diagnosis.completed
                missing_step = _complete(diagnosis)
                if missing_step is not None:
                    return redirect("maturity:step", token=token, step=missing_step)
                if step == total or not was_completed:
                    return redirect("maturity:result", token=token)
                return redirect("maturity:step", token=token, step=step + 1)
            diagnosis.current_step = max(diagnosis.current_step, step + 1)
            diagnosis.save(update_fields=["answers", "current_step", "updated_at"])
            return redirect("maturity:step", token=token, step=step + 1)
        # Show what was sent (valid parts) over the stored answers; nothing is saved.
        answers = {**answers, **submitted}
        status = 400 if tampered else 200
    rows = _question_rows(questions, diagnosis.profile, answers, errors, step_keys)
    return render(
        request,
        "maturity/step.html",
        {
            "diagnosis": diagnosis,
            "referential": referential,
            "axis": axis,
            "axis_label": localized(axis, "label"),
            "axis_description": localized(axis, "description"),
            "questions": rows,
            "step": step,
            "total": total,
            "errors": errors,
            "resume_url": request.build_absolute_uri(diagnosis_url(diagnosis)),
        },
        status=status,
    )


def _read_step(
    request: HttpRequest, questions: tuple[engine.Question, ...], profile: str
) -> tuple[dict, dict[str, str], bool]:
    submitted: dict = {}
    errors: dict[str, str] = {}
    tampered = False
    for question in questions:
        if not question.applies_to(profile):
            continue  # not shown to this profile: whatever is posted for it is ignored
        if question.type == "multiple":
            raw: object = request.POST.getlist(question.key)
            if not raw:
                continue
        else:
            raw = request.POST.get(question.key, "").strip()
            if raw == "":
                continue
        try:
            submitted[question.key] = engine.check_answer(question, raw)
        except engine.AnswerError as error:
            tampered = True
            errors[question.key] = answer_error_message(error, localized(question, "text"))
    return submitted, errors, tampered


def _complete(diagnosis: Diagnosis) -> int | None:
    """Score and store the levels; or, when an applicable question is still unanswered,
    reopen the diagnosis and return that question's step (every step stays reachable)."""
    referential = diagnosis.referential.referential
    result = engine.score(referential, diagnosis.answers, diagnosis.profile)
    if result.missing:
        axis_keys = [a.key for a in referential.axes]
        first = min(axis_keys.index(referential.question(k).axis) for k in result.missing) + 1
        diagnosis.completed = False
        diagnosis.current_step = len(referential.axes)
        diagnosis.overall_level = None
        diagnosis.axis_levels = {}
        diagnosis.save()
        return first
    diagnosis.completed = True
    diagnosis.current_step = len(result.axes)
    diagnosis.overall_level = result.level
    diagnosis.axis_levels = {a.axis: a.level for a in result.axes}
    diagnosis.save()
    # Draw the chart now, while the respondent submits the last step, so that the result
    # page only reads it.
    result_chart(build_result(diagnosis.referential, diagnosis.answers, diagnosis.profile, False))
    return None


def axis_chart(rows: tuple[tuple[str, float, int, str], ...], language: str) -> vega.Chart:
    """The bar chart of one result, from the shared cache when it was drawn before.

    Drawing it (Vega-Lite spec, then SVG) costs more than all the rest of the result page, so
    it is drawn once when the diagnosis is completed and kept in the cache (shared by the web
    processes in production); a reload, the PDF or the other language reuse or redraw it.
    """
    key = "maturity:chart:" + hashlib.sha256(repr((rows, language)).encode()).hexdigest()
    chart = cache.get(key)
    if chart is None:
        chart = _draw_axis_chart(rows)
        cache.set(key, chart, CHART_CACHE_SECONDS)
    return chart


def _draw_axis_chart(rows: tuple[tuple[str, float, int, str], ...]) -> vega.Chart:
    data = [{"axis": a, "score": s, "level": lv, "level_label": name} for a, s, lv, name in rows]
    chart = vega.bar_chart(
        data,
        category="axis",
        value="score",
        title=_("Score par axe (sur 100)"),
        description=_(
            "Barres horizontales : le score de chaque axe, de 0 à 100 ; les seuils des niveaux "
            "sont donnés dans le tableau des niveaux."
        ),
        category_title=_("Axe"),
        value_title=_("Score sur 100"),
        columns=[
            ("axis", _("Axe")),
            ("score", _("Score sur 100")),
            ("level", _("Niveau")),
            ("level_label", _("Nom du niveau")),
        ],
        percent=True,
        sort_by_value=False,
    )
    chart.slug = "scores-par-axe"
    return chart


def result_chart(view: ResultView) -> vega.Chart:
    rows = tuple(
        (a.label, round(a.score), a.level, a.level_label) for a in view.axes if a.score is not None
    )
    return axis_chart(rows, current_language())


def _result_context(request: HttpRequest, diagnosis: Diagnosis) -> dict:
    view = build_result(diagnosis.referential, diagnosis.answers, diagnosis.profile)
    chart = result_chart(view)
    return {
        "diagnosis": diagnosis,
        "view": view,
        "chart": chart,
        "profile_label": profile_labels().get(diagnosis.profile, diagnosis.profile),
        "resume_url": request.build_absolute_uri(diagnosis_url(diagnosis)),
        "thresholds": view.version.referential.thresholds,
    }


def result(request: HttpRequest, token: str) -> HttpResponse:
    diagnosis = _diagnosis(token)
    if not diagnosis.completed:
        return redirect("maturity:step", token=token, step=diagnosis.current_step)
    return render(request, "maturity/result.html", _result_context(request, diagnosis))


def result_pdf(request: HttpRequest, token: str) -> HttpResponse:
    from weasyprint import HTML

    diagnosis = _diagnosis(token)
    if not diagnosis.completed:
        return redirect("maturity:step", token=token, step=diagnosis.current_step)
    html = render_to_string(
        "maturity/result_pdf.html", _result_context(request, diagnosis), request=request
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="autodiagnostic.pdf"'
    return response


@require_POST
def consent(request: HttpRequest, token: str) -> HttpResponse:
    diagnosis = _diagnosis(token)
    diagnosis.consent_to_aggregate = request.POST.get("consent") == "1"
    diagnosis.save(update_fields=["consent_to_aggregate", "updated_at"])
    return redirect("maturity:result", token=token)


def statistics(request: HttpRequest) -> HttpResponse:
    versions = list(ReferentialVersion.objects.active().order_by("target", "key"))
    keys = [v.key for v in versions]
    key = request.GET.get("referentiel") or (keys[0] if keys else "")
    if key not in keys:
        raise Http404(_("Référentiel inconnu."))
    dimension = request.GET.get("par", "profil")
    if dimension not in aggregates.DIMENSIONS:
        dimension = "profil"
    rows = aggregates.level_distribution(key, dimension)
    chart = aggregates.distribution_chart(rows, dimension) if rows else None
    columns = ["group", "group_label", "level", "level_label", "count", "suppressed"]
    return list_response(
        request,
        "maturity/statistics.html",
        {
            "versions": versions,
            "selected": key,
            "dimension": dimension,
            "dimensions": aggregates.dimension_choices(),
            "chart": chart,
            "threshold": aggregates.MIN_CELL,
        },
        rows,
        columns,
        f"autodiagnostics-{key}-{dimension}",
    )
