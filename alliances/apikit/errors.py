"""One shape for every error of the API, documented once and returned everywhere.

    {"detail": "what is wrong, in the user's language",
     "errors": [{"location": "query.page_size", "message": "…"}]}

`detail` is always a string; `errors` lists each faulty parameter or field (empty when the
error is not about one); an operation may add its own fields beside them (the maturity
diagnosis names the `question`). Three pieces make it hold for every answer:

- `install_error_handlers(api)`: django-ninja's exceptions (parameters that do not validate,
  authentication, HttpError, Http404, anything unexpected) answer in this shape;
- `ApiErrorMiddleware`: whatever else answers an error under /api/ (an unknown address, a
  method not allowed, a failure outside the API's views) is turned into this shape;
- `document_errors(schema)`: every operation of the OpenAPI document lists the statuses it
  can answer with this shape (422 when it has parameters, 400 when it reads a body, 401 when
  it needs a key or a session, 404 when its path names something, 429 and 500 always).
"""

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger("alliances.api")
API_PREFIX = "/api/"
ERROR_SCHEMA = "Error"
KEPT_HEADERS = ("Allow", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


class ErrorItem(Schema):
    location: str
    message: str


class ErrorOut(Schema):
    """Every error of the API."""

    detail: str
    errors: list[ErrorItem] = []


def error_payload(detail: str, errors: Iterable[dict[str, str]] = ()) -> dict[str, Any]:
    return {"detail": str(detail), "errors": list(errors)}


def error_response(status: int, detail: str, errors: Iterable[dict[str, str]] = ()) -> JsonResponse:
    return JsonResponse(
        error_payload(detail, errors), status=status, json_dumps_params={"ensure_ascii": False}
    )


def default_detail(status: int) -> str:
    messages = {
        400: _("Requête invalide."),
        401: _("Authentification requise : une clé d'API (en-tête X-API-Key) ou une session."),
        403: _("Accès refusé."),
        404: _("Rien à cette adresse de l'API."),
        405: _("Méthode non permise à cette adresse de l'API."),
        413: _("Requête trop volumineuse."),
        429: _("Trop de requêtes : réessayez dans quelques secondes."),
    }
    if status in messages:
        return messages[status]
    return _("Erreur interne du serveur.") if status >= 500 else _("Requête refusée.")


# --- Parameters that do not validate (422) --------------------------------------------------


# pydantic's error types, in words of the user's language; other types keep pydantic's text.
def _field_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    known: dict[str, Callable[[], str]] = {
        "missing": lambda: _("valeur obligatoire manquante"),
        "int_parsing": lambda: _("nombre entier attendu"),
        "int_type": lambda: _("nombre entier attendu"),
        "float_parsing": lambda: _("nombre attendu"),
        "float_type": lambda: _("nombre attendu"),
        "bool_parsing": lambda: _("oui ou non attendu (true, false)"),
        "bool_type": lambda: _("oui ou non attendu (true, false)"),
        "string_type": lambda: _("texte attendu"),
        "dict_type": lambda: _("objet JSON attendu"),
        "list_type": lambda: _("liste attendue"),
        "json_invalid": lambda: _("JSON invalide"),
        "greater_than_equal": lambda: _("au moins %(limit)s") % {"limit": context.get("ge")},
        "less_than_equal": lambda: _("au plus %(limit)s") % {"limit": context.get("le")},
        "greater_than": lambda: _("plus de %(limit)s") % {"limit": context.get("gt")},
        "less_than": lambda: _("moins de %(limit)s") % {"limit": context.get("lt")},
        "string_too_long": lambda: (
            _("texte trop long (au plus %(limit)s caractères)")
            % {"limit": context.get("max_length")}
        ),
        "literal_error": lambda: (
            _("valeur inconnue (attendu : %(expected)s)")
            % {"expected": context.get("expected", "")}
        ),
        "enum": lambda: (
            _("valeur inconnue (attendu : %(expected)s)")
            % {"expected": context.get("expected", "")}
        ),
    }
    return known[kind]() if kind in known else str(error.get("msg", kind))


def _location(error: dict[str, Any]) -> str:
    return ".".join(str(part) for part in error.get("loc", ()))


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"location": _location(e), "message": _field_message(e)} for e in errors]


# --- django-ninja's exceptions ---------------------------------------------------------------


def install_error_handlers(api: NinjaAPI) -> None:
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        items = validation_errors(exc.errors)
        where = ", ".join(i["location"] for i in items[:3])
        detail = _("Paramètres invalides : %(where)s.") % {"where": where} if where else None
        return error_response(422, detail or _("Paramètres invalides."), items)

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(exc.status_code, default_detail(exc.status_code))

    def refused(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc) if exc.status_code < 500 else default_detail(exc.status_code)
        return error_response(exc.status_code, message or default_detail(exc.status_code))

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, str(exc) or default_detail(404))

    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API %s %s", request.method, request.path, exc_info=exc)
        return error_response(500, default_detail(500))

    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(HttpError, refused)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(Exception, unexpected)


# --- Any other error under /api/ -------------------------------------------------------------


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip().endswith("json")


class ApiErrorMiddleware:
    """Errors under /api/ that did not come from the API's views (an unknown address, a
    method not allowed, a failure elsewhere) answer in the API's error shape too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if _is_json(response) and _has_detail(response):
            return response
        replaced = error_response(response.status_code, default_detail(response.status_code))
        for header in KEPT_HEADERS:
            if header in response:
                replaced[header] = response[header]
        return replaced

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        logger.exception("API %s %s", request.method, request.path, exc_info=exception)
        return error_response(500, default_detail(500))


def _has_detail(response: HttpResponse) -> bool:
    if getattr(response, "streaming", False):
        return True
    try:
        return isinstance(json.loads(response.content).get("detail"), str)
    except (ValueError, AttributeError):
        return False


# --- The OpenAPI document ---------------------------------------------------------------------


def _error_response_object() -> dict[str, Any]:
    return {
        "description": "Error",
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}
        },
    }


def statuses_of(operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation can answer."""
    parameters = operation.get("parameters", [])
    statuses = [429, 500]
    if parameters or "requestBody" in operation:
        statuses.append(422)
    if "requestBody" in operation:
        statuses.append(400)
    if operation.get("security"):
        statuses.append(401)
    if any(p.get("in") == "path" for p in parameters):
        statuses.append(404)
    return sorted(statuses)


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error shape and every error status each operation can answer."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    definition = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, nested in definition.pop("$defs", {}).items():
        components.setdefault(name, nested)
    definition["description"] = (
        "Every error of the API: `detail` says what is wrong, in the language asked "
        "(Accept-Language); `errors` lists each faulty parameter or field."
    )
    components[ERROR_SCHEMA] = definition
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            declared = {str(status) for status in responses}
            for status in statuses_of(operation):
                if str(status) not in declared:  # django-ninja writes statuses as integers
                    responses[status] = _error_response_object()
    return schema
