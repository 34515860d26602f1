"""A corpus of hostile strings, sent to every search and public form: never a server error,
and always escaped in pages (never executed) and exports."""

from html import unescape

import pytest

CORPUS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "Robert'); DROP TABLE base_alliance;--",
    'AND OR NOT NEAR "unbalanced * ( ) ^ : -',
    "contrôle\x00\x01\x1f caractères",
    "😀🚀 émoji",
    "é" * 10_000,
]
SEARCHES = [
    "/alliances/?q={}",
    "/alliances/?q={}&format=json",
    "/alliances/?q={}&format=csv",
    "/territoires/?q={}",
    "/ressources/?q={}",
    "/ressources/?q={}&format=csv",
    "/api/v1/alliances?q={}",
    "/api/v1/territories?q={}",
    "/api/v1/resources?q={}",
    "/charte/signataires/?region={}",
    "/partenaires/?q={}",
    "/partenaires/?lieu={}&nature={}",
    "/partenaires/?domaine={}&portee={}&sens={}&page={}&exact={}",
    "/partenaires/flux/?q={}&lieu={}&nature={}",
    "/api/v1/needs?q={}",
    "/api/v1/offers?lieu={}",
    "/api/v1/needs?domaine={}&portee={}&nature={}&lieu={}",
    "/api/v1/organisations?q={}",
]


@pytest.mark.django_db
@pytest.mark.parametrize("template", SEARCHES)
def test_searches_never_fail_and_escape(client, template):
    from urllib.parse import quote

    for text in CORPUS:
        response = client.get(template.replace("{}", quote(text)))
        assert response.status_code < 500, (template, text[:40])
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode("utf-8", "replace")
        if response["Content-Type"].startswith("text/html"):
            assert "<script>alert(" not in body
            assert "<img src=x onerror" not in body


@pytest.mark.django_db
def test_hostile_charter_signature_is_kept_as_text_and_escaped(client):
    from alliances.charter.models import Signature

    hostile = '<script>alert("sig")</script>'
    page = client.get("/charte/signer/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: "" for name in form.fields}
    data.update({"organisation_name": hostile, "email": "x@example.org", "consent": "on"})
    response = client.post("/charte/signer/", data)
    assert response.status_code < 500
    html = response.content.decode()
    assert "<script>alert(" not in html
    if Signature.objects.filter(organisation_name=hostile).exists():
        Signature.objects.update(status="accepted")
        listing = client.get("/charte/signataires/").content.decode()
        assert "<script>alert(" not in listing
        assert hostile in unescape(listing)
