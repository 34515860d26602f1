"""Sources of the facts shown: the publisher's page, or a copy of a document (no Django import).

A copy site republishes documents it did not write (docplayer, dokumen.tips, pdfslide...).
The platform cites the publisher's page wherever it exists; a copy stays only when the
publisher's page is gone, and every page then says that the link is a copy.
"""

from urllib.parse import urlsplit

# Hosts that republish documents uploaded by others (checked on the host and its parents).
COPY_SITES = frozenset(
    {
        "123dok.net",
        "123dok.com",
        "docplayer.fr",
        "docplayer.net",
        "dokumen.tips",
        "doczz.fr",
        "doczz.net",
        "pdfslide.fr",
        "pdfslide.net",
        "pdfslide.tips",
        "pdfslide.us",
        "pdfprof.com",
        "docslib.org",
        "fdocuments.net",
        "fdocuments.fr",
        "readkong.com",
        "studylibfr.com",
        "studylib.net",
        "slideshare.net",
        "vdocuments.fr",
        "vdocuments.mx",
        "documents.pub",
        "yumpu.com",
        "youscribe.com",
        "calameo.com",
        "scribd.com",
    }
)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def is_copy_site(url: str) -> bool:
    """True when the link goes to a site that republishes others' documents."""
    host = host_of(url)
    parts = host.split(".")
    return any(".".join(parts[i:]) in COPY_SITES for i in range(len(parts) - 1))
