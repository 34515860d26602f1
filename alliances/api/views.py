from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .v1 import api


def documentation(request: HttpRequest) -> HttpResponse:
    """The API described in plain HTML from its own OpenAPI document (works without JS)."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    endpoints = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                }
            )
    return render(
        request, "api/documentation.html", {"endpoints": endpoints, "info": schema["info"]}
    )
