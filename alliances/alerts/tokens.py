"""The signed token of the unsubscribe link of alert e-mails (no sign-in needed to use it)."""

from django.core import signing

UNSUBSCRIBE_SALT = "alliances.alerts.unsubscribe"


def unsubscribe_token(pk: int) -> str:
    return signing.dumps(pk, salt=UNSUBSCRIBE_SALT)


def saved_search_id(token: str) -> int | None:
    """The saved search a token names, or None when it was not made by this platform."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
