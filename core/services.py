"""Services of the core app: the writes that concern the people who run the shop."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction


@transaction.atomic
def admin_user_ensure(username: str) -> str:
    """Create or update the superuser `username` with a fresh random password, and return it.

    `make run` calls this on every start and prints the password, so a demo
    install never has a fixed password and whoever started it can always log in.
    """
    user_model = get_user_model()
    password = secrets.token_urlsafe(16)
    user, _ = user_model.objects.select_for_update().get_or_create(
        **{user_model.USERNAME_FIELD: username}
    )
    user.is_active = True
    user.is_staff = True
    user.is_superuser = True
    user.set_password(password)
    user.save()
    return password
