from functools import lru_cache

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from alliances.common.twins import list_response

from .forms import SignatureForm
from .models import Principle, Signature, SignatureStatus
from .signatories import COLUMNS, signatory_list, signatory_row


@lru_cache(maxsize=1)
def reference_slug() -> str:
    """Slug of the library resource documenting the charter (alliances/data/charter/)."""
    from .management.commands.load_charter import DATA_FILE, read_charter

    return str(read_charter(DATA_FILE)["reference_resource"])


def _reference_resource() -> object:
    from alliances.library.models import Resource

    slug = reference_slug()
    return Resource.objects.published().filter(slug=slug).first() if slug else None


def index(request: HttpRequest) -> HttpResponse:
    # Only a principle credited to a public source that allows it is shown.
    principles = (
        Principle.objects.filter(published=True).exclude(source_url="").exclude(source_credit="")
    )
    accepted = Signature.objects.filter(status=SignatureStatus.ACCEPTED).count()
    return render(
        request,
        "charter/index.html",
        {"principles": principles, "reference": _reference_resource(), "accepted": accepted},
    )


def sign(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SignatureForm(request.POST)
        if form.is_valid():
            form.save()
            return redirect("charter:thanks")
    else:
        form = SignatureForm()
    return render(request, "charter/sign.html", {"form": form, "reference": _reference_resource()})


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "charter/thanks.html")


def signatories(request: HttpRequest) -> HttpResponse:
    """Accepted signatures, filterable by région (containment) and actor profile."""
    found = signatory_list(request.GET.get("region", ""), request.GET.get("profile", ""))
    rows = [signatory_row(s) for s in found.signatures]
    context = {
        "regions": found.regions,
        "profiles": found.profiles,
        "region": found.region,
        "profile": found.profile,
        "notices": found.notices,
    }
    return list_response(request, "charter/signatories.html", context, rows, COLUMNS, "signataires")
