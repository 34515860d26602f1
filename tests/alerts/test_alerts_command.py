"""`send_alerts`: only what is new, in the owner's language, idempotent, failures isolated."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from alliances.alerts.models import SavedSearch


def follow(owner, querystring="q=zorglub", frequency="daily", language="fr", since=None, **extra):
    return SavedSearch.objects.create(
        owner=owner,
        name=extra.pop("name", "Zorglubs"),
        querystring=querystring,
        frequency=frequency,
        language=language,
        alerts_since=since or timezone.now() - timedelta(hours=1),
        **extra,
    )


def send(*args):
    from io import StringIO

    out = StringIO()
    call_command("send_alerts", *args, "--base-url", "https://alliances.example.org/", stdout=out)
    return out.getvalue()


def test_sends_only_alliances_published_since_the_last_alert(people, publish):
    publish("Zorglub ancien", published_at=timezone.now() - timedelta(days=3))
    publish("Zorglub brouillon", status="draft")
    publish("Autre chose toute neuve")
    saved = follow(people["owner"])
    publish("Zorglub tout neuf", summary="Une alliance <b>neuve</b> à Besançon.")
    output = send("--frequency", "daily")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.org"]
    assert message.subject == "1 nouvelle alliance : Zorglubs"
    assert "Zorglub tout neuf" in message.body
    assert "Une alliance <b>neuve</b> à Besançon." in message.body  # plain text, as typed
    assert "https://alliances.example.org/alliances/alerte-essai-" in message.body
    assert "https://alliances.example.org/alliances/?q=zorglub" in message.body
    assert "https://alliances.example.org/recherches/" in message.body
    assert "Zorglub ancien" not in message.body and "brouillon" not in message.body
    assert "Autre chose" not in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://alliances.example.org/recherches/desabonnement/")
    assert "1 recherche(s) vérifiée(s), 1 e-mail(s) envoyé(s)" in output and "0 échec(s)" in output
    saved.refresh_from_db()
    assert saved.last_sent_at is not None and saved.alerts_since == saved.last_sent_at


def test_running_twice_sends_nothing_twice(people, publish):
    follow(people["owner"])
    publish("Zorglub du matin")
    send("--frequency", "daily")
    publish("Zorglub de midi")
    output = send("--frequency", "daily")
    assert len(mail.outbox) == 1
    assert "0 recherche(s) vérifiée(s), 0 e-mail(s)" in output


def test_next_day_sends_only_the_newer_ones(people, publish):
    saved = follow(people["owner"])
    publish("Zorglub premier")
    send("--frequency", "daily")
    publish("Zorglub second")
    yesterday = timezone.now() - timedelta(days=1)
    SavedSearch.objects.filter(pk=saved.pk).update(last_checked_at=yesterday)
    send("--frequency", "daily")
    assert len(mail.outbox) == 2
    assert "Zorglub second" in mail.outbox[1].body
    assert "Zorglub premier" not in mail.outbox[1].body


def test_nothing_new_sends_nothing(people, publish):
    saved = follow(people["owner"])
    publish("Sans rapport avec la recherche")
    output = send()
    assert mail.outbox == []
    assert "1 sans nouveauté" in output
    saved.refresh_from_db()
    assert saved.last_sent_at is None and saved.last_checked_at is not None


def test_daily_and_weekly_are_separate(people, publish):
    daily = follow(people["owner"], name="Quotidienne")
    weekly = follow(people["other"], frequency="weekly", name="Hebdomadaire")
    follow(people["curator"], frequency="none", name="Sans alerte")
    publish("Zorglub de la semaine")
    send("--frequency", "weekly")
    assert [m.to for m in mail.outbox] == [["other@example.org"]]
    send("--frequency", "daily")
    assert [m.to for m in mail.outbox][1:] == [["owner@example.org"]]
    # A weekly alert checked 3 days ago is not due yet; 7 days ago it is.
    publish("Zorglub suivant")
    SavedSearch.objects.filter(pk=weekly.pk).update(
        last_checked_at=timezone.now() - timedelta(days=3)
    )
    send("--frequency", "weekly")
    assert len(mail.outbox) == 2
    SavedSearch.objects.filter(pk=weekly.pk).update(
        last_checked_at=timezone.now() - timedelta(days=7)
    )
    send("--frequency", "weekly")
    assert len(mail.outbox) == 3 and "Zorglub suivant" in mail.outbox[2].body
    assert daily.pk != weekly.pk


def test_owner_language_is_used(people, publish):
    follow(people["owner"], language="en", name="My zorglubs")
    publish("Zorglub anglais")
    publish("Zorglub second anglais")
    send()
    message = mail.outbox[0]
    assert message.subject == "2 new alliances: My zorglubs"
    assert "Hello," in message.body and "Stop receiving this alert:" in message.body


def test_one_failure_does_not_stop_the_others(people, publish, monkeypatch):
    from django.core.mail import EmailMessage

    failing = follow(people["owner"], name="En échec")
    follow(people["other"], name="Envoyée")
    publish("Zorglub pour tous")
    real_send = EmailMessage.send

    def flaky(self, *args, **kwargs):
        if self.to == ["owner@example.org"]:
            raise OSError("serveur SMTP injoignable")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    with pytest.raises(CommandError, match="1 alerte"):
        send()
    assert [m.to for m in mail.outbox] == [["other@example.org"]]
    failing.refresh_from_db()
    # Put back as it was: the next run retries it.
    assert failing.last_checked_at is None and failing.last_sent_at is None
    monkeypatch.setattr(EmailMessage, "send", real_send)
    send()
    assert [m.to for m in mail.outbox][1:] == [["owner@example.org"]]


def test_dry_run_sends_and_changes_nothing(people, publish):
    saved = follow(people["owner"])
    publish("Zorglub à blanc")
    output = send("--dry-run")
    assert mail.outbox == []
    assert "owner@example.org « Zorglubs » : 1" in output and "(essai à blanc)" in output
    saved.refresh_from_db()
    assert saved.last_checked_at is None


def test_inactive_owner_is_skipped(people, publish):
    people["owner"].is_active = False
    people["owner"].save()
    follow(people["owner"])
    publish("Zorglub ignoré")
    output = send()
    assert mail.outbox == [] and "1 ignorée(s)" in output


def test_many_new_alliances_are_capped_with_a_link(people, publish):
    follow(people["owner"])
    for i in range(33):
        publish(f"Zorglub numéro {i}")
    send()
    body = mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("33 nouvelles alliances")
    assert body.count("https://alliances.example.org/alliances/alerte-essai-") == 30
    assert "… et 3 autres alliances." in body


def test_unsubscribe_link_stops_the_alert_after_confirmation(client_fr, people, publish):
    saved = follow(people["owner"])
    publish("Zorglub désabonnement")
    send()
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = link.removeprefix("https://alliances.example.org")
    page = client_fr.get(path)
    assert page.status_code == 200 and "Ne plus recevoir cette alerte" in page.content.decode()
    saved.refresh_from_db()
    assert saved.frequency == "daily"  # a GET (mail scanners) changes nothing
    done = client_fr.post(path)
    assert "Vous ne recevrez plus d'alerte" in done.content.decode()
    saved.refresh_from_db()
    assert saved.frequency == "none"
    assert client_fr.get("/recherches/desabonnement/faux-jeton/").status_code == 400


def test_bad_frequency_option_is_refused():
    with pytest.raises(CommandError):
        call_command("send_alerts", "--frequency", "monthly")
