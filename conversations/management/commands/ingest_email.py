"""Read one raw RFC 822 email on standard input and store it, for an MTA pipe, e.g. a
Postfix alias `support: "|/srv/onethread/.venv/bin/python /srv/onethread/manage.py
ingest_email"`.

Exit codes are the MTA's (sysexits.h): 0 stored, a duplicate or an auto-reply ignored;
65 (EX_DATAERR) a message that cannot be read or has no sender, which the MTA bounces;
75 (EX_TEMPFAIL) the channel is off or the database is unreachable, so the MTA keeps the
message and tries again later.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from channels_adapters import email as email_channel
from conversations import services

EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Store one raw email (RFC 822) read from standard input."
    # An MTA only understands sysexits: a system check failing on some other channel's
    # settings must not turn every incoming mail into a bounce.
    requires_system_checks: tuple[str, ...] = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--recipient", default="",
                            help="The envelope recipient, when the MTA passes it "
                                 "(e.g. Postfix's ${original_recipient}).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not email_channel.EmailAdapter().enabled():
            raise CommandError("The email channel is off (EMAIL_ENABLED).", returncode=EX_TEMPFAIL)
        raw = sys.stdin.buffer.read()
        try:
            events = email_channel.events_from(
                email_channel.mail_from_bytes(raw, options["recipient"])).screened()
        except ValueError as exc:
            raise CommandError(f"Unreadable email: {exc}", returncode=EX_DATAERR) from exc
        if events.only_rejected:
            raise CommandError(f"Unreadable email: {'; '.join(events.rejected)}",
                               returncode=EX_DATAERR)
        try:
            stored = services.webhook_ingest(email_channel.CHANNEL, events)
        except DatabaseError as exc:
            raise CommandError(f"Could not store the email: {exc}",
                               returncode=EX_TEMPFAIL) from exc
        if stored:
            self.stdout.write(f"Stored message {stored[0]}.")
        elif events.messages:
            self.stdout.write("Already stored: a duplicate.")
        elif events.statuses:
            self.stdout.write("Delivery report: marked our message as failed.")
        else:
            self.stdout.write("Automatic reply: not stored.")
