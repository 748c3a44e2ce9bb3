"""What an SMTP server answered when it took a message: its reply to DATA, which names
the server's queue id ("250 2.0.0 Ok: queued as 4Fq1Zx3K9Nz", Postfix; "250 OK
id=1t2AbC-000Xyz-9Q", Exim). SMTP has no way to ask a server later whether it has a
message, so this is kept with the outbox row and logged as it arrives: an operator
traces a mail in the server's own log or queue by it.
"""

from __future__ import annotations

import re
import smtplib
from typing import Any

from django.core.mail.backends import smtp

QUEUE_ID = re.compile(r"queued as ([A-Za-z0-9._-]+)|\bid=([A-Za-z0-9._-]+)", re.IGNORECASE)
REPLY_MAX = 300


def queue_id(reply: str) -> str:
    """The queue id in an SMTP server's reply to DATA, when it names one we can read."""
    match = QUEUE_ID.search(reply)
    return (match.group(1) or match.group(2)) if match else ""


class _Recording:
    last_reply = ""

    def data(self, msg: Any) -> tuple[int, bytes]:
        code, reply = super().data(msg)  # type: ignore[misc]
        self.last_reply = f"{code} {reply.decode('utf-8', 'replace')}"[:REPLY_MAX]
        return code, reply


class _SMTP(_Recording, smtplib.SMTP):
    pass


class _SMTPSSL(_Recording, smtplib.SMTP_SSL):
    pass


class ReceiptEmailBackend(smtp.EmailBackend):
    """Django's SMTP backend, keeping the server's answer to each message it took."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.receipts: list[str] = []

    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return _SMTPSSL if self.use_ssl else _SMTP

    def _send(self, email_message: Any) -> bool:
        sent = super()._send(email_message)
        if sent and self.connection is not None:
            self.receipts.append(self.connection.last_reply)
        return sent
