"""Login throttling for the admin (django-axes)."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginAttemptsBackend(AxesStandaloneBackend):
    """Refuses a login while its username and client address are locked out after too
    many wrong passwords (AXES_FAILURE_LIMIT). A call without a request is no web login
    (a management command, the test client's `login`): nothing to count or refuse, so
    the next backend decides, where django-axes itself would raise."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
