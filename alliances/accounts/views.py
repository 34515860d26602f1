import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import registration
from .forms import DeleteAccountForm, RegistrationForm, ResetForm
from .models import PendingRegistration
from .personal_data import personal_data


def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        registration.register(request, form.cleaned_data)
        # The same answer whether the address has an account or not.
        return render(
            request, "accounts/registration_sent.html", {"email": form.cleaned_data["email"]}
        )
    return render(
        request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200
    )


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation message shows a button; only pressing it (POST)
    activates the account, so a mail scanner that opens links activates nothing."""
    pending = PendingRegistration.find(token)
    if pending is None:
        return render(request, "accounts/confirm_invalid.html", status=400)
    if request.method != "POST":
        return render(request, "accounts/confirm.html", {"email": pending.email})
    try:
        registration.confirm(pending)
    except registration.AlreadyRegistered:
        messages.info(request, _("Cette adresse a déjà un compte : connectez-vous."))
        return redirect("login")
    messages.success(request, _("Adresse confirmée : vous pouvez vous connecter."))
    return redirect("login")


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    if request.GET.get("format") == "json":
        response = HttpResponse(
            json.dumps(personal_data(request.user), ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="mes-donnees-alliances.json"'
        return response
    return render(
        request,
        "accounts/my_data.html",
        {"data": personal_data(request.user), "form": DeleteAccountForm(user=request.user)},
    )


@login_required
@require_POST
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(
            request,
            "accounts/my_data.html",
            {"data": personal_data(request.user), "form": form},
            status=400,
        )
    user = request.user
    logout(request)
    # Memberships go with the account; what the person wrote for an organisation (answers,
    # reports) stays with that organisation, no longer linked to them.
    user.delete()
    messages.success(request, _("Votre compte et vos données personnelles ont été supprimés."))
    return redirect("home:index")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/privacy.html")


password_reset = PasswordResetView.as_view(form_class=ResetForm)
