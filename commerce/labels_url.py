"""Signed, unguessable links to return labels."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from commerce.models import Return

SALT = "return-label"


def label_url(ret: Return) -> str:
    token = signing.dumps(ret.number, salt=SALT)
    return settings.SITE_URL.rstrip("/") + reverse("return-label", args=[token])


def label_number(token: str) -> str | None:
    try:
        return signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
