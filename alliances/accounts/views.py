import json

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import DeleteAccountForm, RegistrationForm
from .personal_data import personal_data


def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=data["email"],
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                is_active=False,
            )
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        link = request.build_absolute_uri(reverse("accounts:confirm", args=[uid, token]))
        send_mail(
            _("Confirmez votre adresse"),
            _(
                "Bonjour,\n\nPour activer votre compte sur la plateforme Alliances, ouvrez ce "
                "lien :\n%(link)s\n\nSi vous n'avez rien demandé, ignorez ce message.\n"
            )
            % {"link": link},
            None,
            [user.email],
        )
        return render(request, "accounts/registration_sent.html", {"email": user.email})
    return render(
        request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200
    )


def confirm(request: HttpRequest, uid: str, token: str) -> HttpResponse:
    User = get_user_model()
    try:
        user = User.objects.get(pk=urlsafe_base64_decode(uid).decode())
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/confirm_invalid.html", status=400)
    user.is_active = True
    user.save(update_fields=["is_active"])
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
