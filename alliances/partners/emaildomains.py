"""Does an address belong to an organisation? Its domain against the organisation's website.

Plain Python (no Django import). Public mail providers never match: anyone can have an
address there.
"""

from urllib.parse import urlsplit

PUBLIC_PROVIDERS = frozenset(
    {
        "gmail.com",
        "yahoo.fr",
        "yahoo.com",
        "hotmail.fr",
        "hotmail.com",
        "outlook.fr",
        "outlook.com",
        "live.fr",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "sfr.fr",
        "wanadoo.fr",
        "icloud.com",
        "protonmail.com",
        "proton.me",
        "gmx.fr",
    }
)


def website_domain(url: str) -> str:
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower().rstrip(".")


def email_matches_website(email: str, url: str) -> bool:
    """True when the address is at the website's domain or one of its subdomains."""
    site, mail = website_domain(url or ""), email_domain(email or "")
    if not site or not mail or "." not in site or mail in PUBLIC_PROVIDERS:
        return False
    return mail == site or mail.endswith("." + site)
