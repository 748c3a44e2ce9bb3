"""Signed, unguessable links to return labels."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from commerce.models import Return

SALT = "return-label"


def label_url(ret: Return) -> str:
    """The same link each time for one return (no timestamp in it), so an action replayed
    after a lost answer says exactly what it said the first time."""
    token = signing.Signer(salt=SALT).sign_object(ret.number)
    return settings.SITE_URL.rstrip("/") + reverse("return-label", args=[token])


def label_number(token: str) -> str | None:
    try:
        if token.count(":") == 2:  # a link sent before links were stable (with a timestamp)
            return signing.loads(token, salt=SALT)
        return signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
