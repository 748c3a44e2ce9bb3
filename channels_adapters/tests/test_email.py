"""The email channel end to end: raw RFC 822 mail through `manage.py ingest_email`,
Mailgun's routes webhook through the real view at /webhooks/email/, and outbound mail
through Django's SMTP backend to a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail as django_mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.crypto import salted_hmac

from channels_adapters import email as email_channel
from channels_adapters import email_auth, smtp_receipt
from channels_adapters.base import PermanentError, TemporaryError
from conversations import services
from conversations.models import Conversation, Message
from core import clock
from core.models import ChannelIdentity, Customer

pytestmark = pytest.mark.django_db

PAYLOADS = Path(__file__).parent / "payloads" / "email"
URL = "/webhooks/email/"
SIGNING_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
GMAIL_ID = "<CAHx7Rk+3bq0Yw=Zr1o2Q8mVd@mail.gmail.com>"
GMAIL_TEXT = ("Hi,\n\nThe tracking still says it’s in Birmingham since Tuesday. Can you check\n"
              "order 1042 for me?\n\nThanks,\nMaya")


MTA = "mx.shop.example"


@pytest.fixture
def email_on(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    settings.EMAIL_AUTHSERV_ID = MTA
    # No DNS here: a DKIM key is found only where a test publishes one.
    monkeypatch.setattr(email_auth, "dns_txt", lambda name, timeout=5: None)
    settings.EMAIL_ENABLED = True
    settings.SUPPORT_EMAIL = "support@shop.example"
    settings.DEFAULT_FROM_EMAIL = "support@shop.example"
    settings.EMAIL_INBOUND_SIGNING_KEY = SIGNING_KEY
    settings.EMAIL_HOST = "127.0.0.1"
    settings.SHOP_NAME = "Northwind Outfitters"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


@pytest.fixture
def maya() -> Customer:
    return Customer.objects.create(name="Maya Patel", email="maya@example.com",
                                   phone="+447700900123")


def ingest(raw: bytes, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("ingest_email", *args, stdout=out)
    return out.getvalue().strip()


def eml(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def authenticated(raw: bytes, domain: str, *, by: str = MTA) -> bytes:
    """The mail as our MTA hands it over after its DMARC check passed."""
    return (f"Authentication-Results: {by};\n\tdkim=pass header.d={domain};\n"
            f"\tspf=pass smtp.mailfrom={domain};\n\tdmarc=pass header.from={domain}\n"
            ).encode() + raw


def plain_mail(*, sender: str = "Maya Patel <maya@example.com>",
               to: str = "support@shop.example", subject: str = "Where is my order?",
               message_id: str = "<first-contact-1@mail.example.com>",
               body: str = "Hello, where is order 1042?", extra: str = "",
               auth: bool = True) -> bytes:
    raw = (f"From: {sender}\nTo: {to}\nSubject: {subject}\nMessage-ID: {message_id}\n"
           f"Date: Fri, 20 Nov 2026 09:00:00 +0000\n{extra}"
           f"Content-Type: text/plain; charset=utf-8\n\n{body}\n").encode()
    return authenticated(raw, sender.rpartition("@")[2].rstrip(">")) if auth else raw


def inbound_messages() -> list[Message]:
    return list(Message.objects.filter(direction=Message.Direction.INBOUND).order_by("pk"))


# --- Raw RFC 822 through ingest_email ------------------------------------------------------

def test_a_gmail_reply_is_stored_with_only_the_new_text(email_on, maya, monkeypatch):
    output = ingest(authenticated(eml("gmail-reply.eml"), "example.com"), monkeypatch)

    [message] = inbound_messages()
    assert output == f"Stored message {message.pk}."
    assert message.text == GMAIL_TEXT
    assert message.channel == "email"
    assert message.external_id == GMAIL_ID
    assert message.payload["from"] == "maya@example.com"
    assert message.payload["subject"] == "Re: Your order 1042"
    assert message.payload["message_id"] == GMAIL_ID
    assert message.payload["in_reply_to"] == "<20261119170233.2.7cd@shop.example>"
    assert message.payload["references"] == ["<20261118170212.1.9ab@shop.example>",
                                             "<20261119170233.2.7cd@shop.example>"]
    assert message.payload["to"] == ["support@shop.example"]
    assert message.payload["raw_text"].startswith(GMAIL_TEXT + "\n\n-- \nMaya Patel")
    assert message.payload["raw_text"].endswith(
        "> Your order 1042 is on its way: it left our warehouse on Tuesday.\n>\n"
        "> Northwind Outfitters\n>")
    assert message.payload["authentication"] == {
        "verdict": "pass", "method": "dmarc", "detail": "dmarc=pass header.from=example.com"}
    # Her own address, on file and authenticated, is proof: the identity and conversation
    # are hers, verified.
    identity = ChannelIdentity.objects.get(channel="email", external_id="maya@example.com")
    assert identity.customer == maya
    assert identity.verified_via == "contact_match"
    assert message.conversation.customer == maya
    assert message.conversation.verified_via == "contact_match"


def test_the_same_mail_piped_twice_is_stored_once(email_on, maya, monkeypatch):
    ingest(eml("gmail-reply.eml"), monkeypatch)

    assert ingest(eml("gmail-reply.eml"), monkeypatch) == "Already stored: a duplicate."
    assert len(inbound_messages()) == 1


def test_an_html_only_outlook_reply_is_converted_and_stripped(email_on, monkeypatch):
    ingest(eml("outlook-html-only.eml"), monkeypatch)

    [message] = inbound_messages()
    assert message.text == ("Hello,\n\nI posted the parcel this morning – when will the £25 "
                            "refund arrive?\n\nKind regards\n\nTom")
    assert message.payload["from"] == "tom.baker@company.example"
    assert "From: Northwind Outfitters <support@shop.example>\nSent: Thursday" in (
        message.payload["raw_text"])
    # Nobody with this address is on file: a guest, not verified.
    assert message.conversation.customer.is_guest
    assert not message.conversation.is_verified


def test_an_unparsable_message_exits_65_and_stores_nothing(email_on, monkeypatch):
    with pytest.raises(CommandError) as error:
        ingest(b"this is not an email at all", monkeypatch)

    assert error.value.returncode == 65
    assert str(error.value) == ("Unreadable email: The message has no headers: it is not an "
                                "RFC 822 email.")
    assert inbound_messages() == []


def test_a_message_without_a_sender_exits_65(email_on, monkeypatch):
    with pytest.raises(CommandError) as error:
        ingest(b"To: support@shop.example\nSubject: hi\n\nhello\n", monkeypatch)

    assert error.value.returncode == 65
    assert str(error.value) == "Unreadable email: The message has no sender address (From)."
    assert inbound_messages() == []


def test_the_pipe_asks_the_mta_to_retry_while_the_channel_is_off(email_on, monkeypatch):
    email_on.EMAIL_ENABLED = False

    with pytest.raises(CommandError) as error:
        ingest(plain_mail(), monkeypatch)

    assert error.value.returncode == 75
    assert inbound_messages() == []


def test_an_out_of_office_reply_is_not_stored(email_on, maya, monkeypatch):
    output = ingest(plain_mail(subject="Automatic reply: Your order 1042",
                               extra="Auto-Submitted: auto-replied\n"), monkeypatch)

    assert output == "Automatic reply: not stored."
    assert inbound_messages() == []


def test_a_bounce_marks_our_message_failed(email_on, maya, monkeypatch):
    ingest(plain_mail(), monkeypatch)
    conversation = Conversation.objects.get()
    sent = services.message_send(conversation, services.Reply("On its way!"),
                                 to="maya@example.com")
    services.message_deliver(sent.pk)
    sent.refresh_from_db()
    bounce = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.shop.example>\n"
        "To: support@shop.example\nSubject: Undelivered Mail Returned to Sender\n"
        "Message-ID: <bounce-1@mx.shop.example>\nAuto-Submitted: auto-replied\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nThe mail system could not deliver it.\n"
        "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.shop.example\n\n"
        "Final-Recipient: rfc822; maya@example.com\nAction: failed\nStatus: 5.1.1\n"
        f"--B\nContent-Type: text/rfc822-headers\n\nFrom: support@shop.example\n"
        f"Message-ID: {sent.external_id}\nSubject: Re: Where is my order?\n--B--\n")

    output = ingest(bounce.encode(), monkeypatch)

    sent.refresh_from_db()
    assert output == "Delivery report: marked our message as failed."
    assert sent.delivery == "failed"
    assert sent.last_error == "The email bounced."
    assert len(inbound_messages()) == 1


# --- Quoted history and signatures --------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param(
        ("Yes please, the L.\n\nOn Tue, 17 Nov 2026 at 10:00, Northwind <s@shop.example> "
         "wrote:\n> Shall I swap it for an L?\n"),
        "Yes please, the L.", id="gmail-attribution"),
    pytest.param(
        ("Yes please.\n\nSent from my iPhone\n\n> On 17 Nov 2026, at 10:00, Northwind "
         "wrote:\n>\n> Shall I swap it?\n"),
        "Yes please.", id="iphone"),
    pytest.param(
        ("Cancel it please.\n\n-----Original Message-----\nFrom: Northwind\n"
         "Sent: Tuesday\nSubject: Your order\n\nYour order shipped.\n"),
        "Cancel it please.", id="outlook-original-message"),
    pytest.param(
        ("Thanks!\n\n________________________________\nFrom: Northwind <s@shop.example>\n"
         "Sent: 17 November 2026 10:00\nTo: Tom\nSubject: Your order\n\nIt shipped.\n"),
        "Thanks!", id="outlook-header-block"),
    pytest.param(
        "> Which order?\n1042\n> And the postcode?\nSW1A 1AA\n\n-- \nMaya\n",
        "1042\nSW1A 1AA", id="answers-between-quotes"),
    pytest.param(
        ("Merci\n\nLe mar. 17 nov. 2026 à 10:00, Northwind <s@shop.example> a écrit :\n"
         "> Bonjour\n"),
        "Merci", id="french-attribution"),
    pytest.param(
        "On Monday I wrote: my order never came.\nPlease help.",
        "On Monday I wrote: my order never came.\nPlease help.", id="not-an-attribution"),
])
def test_only_the_new_text_is_kept(raw, expected):
    assert email_channel.reply_text(raw) == expected


# --- Mailgun's routes webhook ----------------------------------------------------------------

def mailgun_fields(*, timestamp: int | None = None, key: str = SIGNING_KEY,
                   **overrides: str) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    token = "c3f1d4e7a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9"
    fields = {
        "recipient": "support@shop.example",
        "sender": "maya@example.com",
        "from": "Maya Patel <maya@example.com>",
        "subject": "Re: Your order 1042",
        "body-plain": ("Is it still coming today?\n\nOn Thu, 19 Nov 2026 at 17:02, Northwind "
                       "Outfitters <support@shop.example> wrote:\n> It is out for delivery.\n"),
        "stripped-text": "Is it still coming today?",
        "Message-Id": "<CAHx7Rk+mailgun1@mail.gmail.com>",
        "In-Reply-To": "<20261119170233.2.7cd@shop.example>",
        "References": "<20261119170233.2.7cd@shop.example>",
        # Mailgun's own checks: SPF passed for the envelope sender (maya@example.com).
        "X-Mailgun-Spf": "Pass",
        "X-Mailgun-Dkim-Check-Result": "Fail",
        "timestamp": str(timestamp),
        "token": token,
        "signature": hmac.new(key.encode(), f"{timestamp}{token}".encode(),
                              hashlib.sha256).hexdigest(),
    }
    fields.update(overrides)
    return fields


def test_a_signed_mailgun_post_is_stored_once(email_on, maya):
    client = Client()

    first = client.post(URL, mailgun_fields())
    again = client.post(URL, mailgun_fields())

    assert first.status_code == 200
    assert first.json() == {"ok": True, "stored": 1}
    assert again.status_code == 200
    assert again.json() == {"ok": True, "stored": 0}
    [message] = inbound_messages()
    assert message.text == "Is it still coming today?"
    assert message.external_id == "<CAHx7Rk+mailgun1@mail.gmail.com>"
    assert message.payload["from"] == "maya@example.com"
    assert message.payload["in_reply_to"] == "<20261119170233.2.7cd@shop.example>"
    assert message.payload["references"] == ["<20261119170233.2.7cd@shop.example>"]
    assert message.conversation.customer == maya


@pytest.mark.parametrize("fields", [
    pytest.param(lambda: mailgun_fields(key="someone-elses-key"), id="wrong-key"),
    pytest.param(lambda: mailgun_fields(signature="0" * 64), id="forged-signature"),
    pytest.param(lambda: mailgun_fields(signature="é" * 64), id="not-hex"),
    pytest.param(lambda: mailgun_fields(timestamp=int(time.time()) - 16 * 60), id="replayed"),
    pytest.param(lambda: {k: v for k, v in mailgun_fields().items() if k != "signature"},
                 id="unsigned"),
])
def test_a_badly_signed_or_old_mailgun_post_is_refused(email_on, fields):
    response = Client().post(URL, fields())

    assert response.status_code == 403
    assert inbound_messages() == []
    assert Customer.objects.count() == 0


# --- Threading -------------------------------------------------------------------------------

def test_a_reply_naming_our_message_id_joins_the_conversation_without_proving_anything(
        email_on, maya, monkeypatch):
    ingest(plain_mail(), monkeypatch)
    conversation = Conversation.objects.get()
    ours = services.message_send(conversation, services.Reply("It's in Birmingham."),
                                 to="maya@example.com")
    services.message_deliver(ours.pk)
    ours.refresh_from_db()

    ingest(plain_mail(sender="Maya at work <maya.patel@work.example>",
                      subject="Re: Where is my order?", message_id="<work-1@work.example>",
                      body="Can it go to my office instead?",
                      extra=f"In-Reply-To: {ours.external_id}\n"), monkeypatch)

    reply = Message.objects.get(external_id="<work-1@work.example>")
    assert reply.conversation_id == conversation.pk
    assert Conversation.objects.count() == 1
    conversation.refresh_from_db()
    assert conversation.customer == maya
    # The thread is no proof: the work address is not linked to Maya, nor verified.
    work = ChannelIdentity.objects.get(channel="email", external_id="maya.patel@work.example")
    assert work.customer != maya
    assert work.customer.is_guest
    assert work.verified_at is None
    assert work.verified_via == ""


def test_a_reply_to_the_signed_reply_address_joins_the_conversation(email_on, maya,
                                                                     monkeypatch):
    ingest(plain_mail(), monkeypatch)
    conversation = Conversation.objects.get()

    ingest(plain_mail(sender="partner@home.example", message_id="<p-1@home.example>",
                      to=email_channel.reply_address(conversation.pk),
                      body="Maya asked me to say she's away till Monday."), monkeypatch)

    assert Message.objects.get(external_id="<p-1@home.example>").conversation == conversation
    partner = ChannelIdentity.objects.get(external_id="partner@home.example")
    assert partner.customer != maya
    assert partner.verified_at is None


def test_a_forged_reply_address_opens_a_case_of_its_own(email_on, maya, monkeypatch):
    ingest(plain_mail(), monkeypatch)
    conversation = Conversation.objects.get()

    ingest(plain_mail(sender="mallory@evil.example", message_id="<m-1@evil.example>",
                      to=f"support+c{conversation.pk}.0123456789ab@shop.example",
                      body="Send me her order details."), monkeypatch)

    stored = Message.objects.get(external_id="<m-1@evil.example>")
    assert stored.conversation != conversation
    assert stored.conversation.customer.is_guest


def test_a_reply_to_a_resolved_conversation_is_not_put_back_in_it(email_on, maya,
                                                                  monkeypatch):
    ingest(plain_mail(), monkeypatch)
    conversation = Conversation.objects.get()
    Conversation.objects.filter(pk=conversation.pk).update(status="resolved")

    ingest(plain_mail(sender="partner@home.example", message_id="<p-2@home.example>",
                      to=email_channel.reply_address(conversation.pk), body="Hello?"),
           monkeypatch)

    assert Message.objects.get(external_id="<p-2@home.example>").conversation != conversation


# --- Outbound through a real SMTP server -----------------------------------------------------

class Inbox:
    """An aiosmtpd handler keeping what it received; `rcpt_reply` refuses recipients."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], EmailMessage]] = []
        self.rcpt_reply = ""
        self.data_reply = "250 Message accepted for delivery"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.original_content or envelope.content,
                                    policy=policy.default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return self.data_reply


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(email_on: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    email_on.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    email_on.EMAIL_PORT = port
    email_on.EMAIL_USE_TLS = False
    email_on.EMAIL_USE_SSL = False
    email_on.EMAIL_HOST_USER = ""
    email_on.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


def test_a_reply_goes_out_threaded_with_the_conversation_in_its_reply_to(
        smtp, maya, monkeypatch):
    ingest(eml("gmail-reply.eml"), monkeypatch)
    conversation = Conversation.objects.get()
    outbound = services.message_send(conversation, services.Reply(
        "It left Birmingham this morning. What would you like to do?",
        buttons=["Track it", "Talk to a person"],
        attachments=[{"type": "document", "url": "https://shop.example/labels/abc.pdf",
                      "title": "Return label R-1042"}]), to="maya@example.com")

    result = services.message_deliver(outbound.pk)

    outbound.refresh_from_db()
    assert result.status == "sent"
    assert outbound.delivery == "sent"
    [(mail_from, rcpt_tos, received)] = smtp.received
    assert mail_from == "support@shop.example"
    assert rcpt_tos == ["maya@example.com"]
    token = salted_hmac("onethread.email.reply-to", f"c{conversation.pk}",
                        algorithm="sha256").hexdigest()[:12]
    assert received["Message-ID"] == outbound.external_id
    assert outbound.external_id.endswith("@shop.example>")
    assert received["In-Reply-To"] == GMAIL_ID
    assert received["References"] == ("<20261118170212.1.9ab@shop.example> "
                                       f"<20261119170233.2.7cd@shop.example> {GMAIL_ID}")
    assert received["Reply-To"] == f"support+c{conversation.pk}.{token}@shop.example"
    assert received["Subject"] == "Re: Your order 1042"
    assert received["From"] == "Northwind Outfitters <support@shop.example>"
    assert received["To"] == "maya@example.com"
    body = received.get_body(preferencelist=("plain",)).get_content()
    assert body.replace("\r\n", "\n") == (
        "It left Birmingham this morning. What would you like to do?\n"
        "1. Track it\n2. Talk to a person\n\n"
        "Return label R-1042: https://shop.example/labels/abc.pdf")
    html = received.get_body(preferencelist=("html",)).get_content()
    assert '<a href="https://shop.example/labels/abc.pdf"' in html


def test_the_customers_reply_to_our_mail_lands_in_the_same_conversation(smtp, maya,
                                                                       monkeypatch):
    ingest(plain_mail(), monkeypatch)
    conversation = Conversation.objects.get()
    outbound = services.message_send(conversation, services.Reply("It's on its way."),
                                     to="maya@example.com")
    services.message_deliver(outbound.pk)
    [(_, _, sent)] = smtp.received

    ingest(plain_mail(subject=f"Re: {sent['Subject']}", message_id="<second@mail.example.com>",
                      body="Thanks!", extra=f"In-Reply-To: {sent['Message-ID']}\n"
                                            f"References: {sent['References']} "
                                            f"{sent['Message-ID']}\n"), monkeypatch)

    assert sent["Subject"] == "Re: Where is my order?"
    assert Message.objects.get(external_id="<second@mail.example.com>").conversation == (
        conversation)
    assert Conversation.objects.count() == 1


def test_a_first_message_uses_the_shops_subject(email_on, maya):
    conversation = Conversation.objects.create(customer=maya, channel="email")
    outbound = services.message_send(conversation, services.Reply("Your parcel is late."),
                                     to="maya@example.com")

    services.message_deliver(outbound.pk)

    [sent] = django_mail.outbox
    assert sent.subject == "Your message to Northwind Outfitters"
    assert "In-Reply-To" not in sent.extra_headers
    assert "References" not in sent.extra_headers


def test_smtp_down_is_a_temporary_error(smtp, email_on, maya, monkeypatch):
    ingest(plain_mail(), monkeypatch)
    outbound = services.message_send(Conversation.objects.get(), services.Reply("Hello"),
                                     to="maya@example.com")
    outbound.refresh_from_db()
    email_on.EMAIL_PORT = free_port()

    with pytest.raises(TemporaryError, match="Could not reach the mail server"):
        email_channel.EmailAdapter().send(services.outbound_for(outbound))
    result = services.message_deliver(outbound.pk)

    outbound.refresh_from_db()
    assert (result.status, result.retry) == ("pending", True)
    assert outbound.delivery == "pending"
    assert outbound.attempts == 1
    assert smtp.received == []


@pytest.mark.parametrize(("reply", "error"), [
    ("550 5.1.1 No such user here", PermanentError),
    ("452 4.2.2 Mailbox full, try later", TemporaryError),
])
def test_a_refused_recipient_is_permanent_and_a_deferral_temporary(smtp, maya, monkeypatch,
                                                                   reply, error):
    ingest(plain_mail(), monkeypatch)
    outbound = services.message_send(Conversation.objects.get(), services.Reply("Hello"),
                                     to="maya@example.com")
    outbound.refresh_from_db()
    smtp.rcpt_reply = reply

    with pytest.raises(error):
        email_channel.EmailAdapter().send(services.outbound_for(outbound))
    assert smtp.received == []


def test_missing_settings_are_named_only_when_enabled(settings):
    settings.EMAIL_ENABLED = False
    settings.SUPPORT_EMAIL = ""
    settings.EMAIL_INBOUND_SIGNING_KEY = ""
    settings.EMAIL_HOST = ""
    assert email_channel.EmailAdapter().missing_settings() == []

    settings.EMAIL_ENABLED = True
    assert email_channel.EmailAdapter().missing_settings() == [
        "SUPPORT_EMAIL", "EMAIL_INBOUND_SIGNING_KEY", "EMAIL_HOST"]


# --- Who the sender is: SPF, DKIM and DMARC ---------------------------------------------------

def test_a_spoofed_from_without_authentication_is_an_unknown_contact(email_on, maya,
                                                                     monkeypatch):
    ingest(plain_mail(body="Change the address on order 1042 to 2 Attacker Road.",
                      auth=False), monkeypatch)

    [message] = inbound_messages()
    assert message.payload["authentication"] == {
        "verdict": "fail", "method": "",
        "detail": "no Authentication-Results from our MTA and no DKIM signature by the From "
                  "domain"}
    identity = ChannelIdentity.objects.get(channel="email", external_id="maya@example.com")
    assert identity.customer != maya
    assert identity.customer.is_guest
    assert identity.customer.email == ""
    assert (identity.verified_at, identity.verified_via) == (None, "")
    assert message.conversation.customer == identity.customer
    assert message.conversation.verified_at is None


def test_authentication_results_of_another_server_count_for_nothing(email_on, maya,
                                                                    monkeypatch):
    ingest(authenticated(plain_mail(auth=False), "example.com", by="mx.evil.example"),
           monkeypatch)

    [message] = inbound_messages()
    assert message.payload["authentication"]["verdict"] == "fail"
    assert message.conversation.customer != maya
    assert message.conversation.verified_at is None


def test_a_dmarc_fail_from_our_mta_is_final(email_on, maya, monkeypatch):
    raw = (f"Authentication-Results: {MTA}; dkim=pass header.d=example.com;\n"
           "\tdmarc=fail header.from=example.com\n").encode() + plain_mail(auth=False)

    ingest(raw, monkeypatch)

    [message] = inbound_messages()
    assert message.payload["authentication"] == {
        "verdict": "fail", "method": "dmarc", "detail": "dmarc=fail header.from=example.com"}
    assert message.conversation.customer != maya


def test_an_spf_pass_for_another_domain_is_no_proof(email_on, maya, monkeypatch):
    raw = (f"Authentication-Results: {MTA}; spf=pass smtp.mailfrom=bounce@evil.example\n"
           ).encode() + plain_mail(auth=False)

    ingest(raw, monkeypatch)

    [message] = inbound_messages()
    assert message.payload["authentication"] == {
        "verdict": "fail", "method": "", "detail": "no aligned pass: spf=pass"}
    assert message.conversation.customer != maya


def dkim_keys() -> tuple[bytes, bytes]:
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    private = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


@pytest.mark.parametrize(("tamper", "verdict"), [
    pytest.param(lambda raw: raw, "pass", id="signed-by-the-from-domain"),
    pytest.param(lambda raw: raw.replace(b"order 1042", b"order 1043"), "fail",
                 id="body-changed-after-signing"),
])
def test_a_dkim_signature_is_checked_here_when_the_mta_says_nothing(
        email_on, maya, monkeypatch, tamper, verdict):
    import dkim

    private, record = dkim_keys()
    monkeypatch.setattr(email_auth, "dns_txt", lambda name, timeout=5: (
        record if name == b"s1._domainkey.example.com." else None))
    raw = plain_mail(auth=False).replace(b"\n", b"\r\n")
    signed = dkim.sign(raw, b"s1", b"example.com", private,
                       include_headers=[b"from", b"to", b"subject", b"message-id"]) + raw

    ingest(tamper(signed), monkeypatch)

    [message] = inbound_messages()
    assert message.payload["authentication"]["verdict"] == verdict
    assert message.payload["authentication"]["method"] == "dkim"
    assert (message.conversation.customer == maya) is (verdict == "pass")
    assert message.conversation.is_verified is (verdict == "pass")


@pytest.mark.parametrize(("overrides", "verified"), [
    pytest.param({}, True, id="spf-pass-for-the-from-domain"),
    pytest.param({"X-Mailgun-Spf": "SoftFail"}, False, id="spf-softfail"),
    pytest.param({"sender": "bounces@evil.example"}, False, id="spf-pass-for-another-domain"),
    pytest.param({"X-Mailgun-Spf": "Fail", "message-headers": json.dumps(
        [["X-Mailgun-Spf", "Fail"], ["X-Mailgun-Spf", "Pass"]])}, False,
        id="a-pass-the-sender-wrote-beside-mailguns-fail"),
    pytest.param({"X-Mailgun-Spf": "Neutral", "X-Mailgun-Dkim-Check-Result": "Pass",
                  "message-headers": json.dumps([["DKIM-Signature",
                                                  "v=1; a=rsa-sha256; d=example.com; s=s1; "
                                                  "h=from; bh=x; b=y"]])},
                 True, id="dkim-pass-signed-by-the-from-domain"),
    pytest.param({"X-Mailgun-Spf": "Neutral", "X-Mailgun-Dkim-Check-Result": "Pass",
                  "message-headers": json.dumps([["DKIM-Signature",
                                                  "v=1; a=rsa-sha256; d=evil.example; s=s1; "
                                                  "h=from; bh=x; b=y"]])},
                 False, id="dkim-pass-signed-by-another-domain"),
])
def test_mailguns_verdicts_decide_whether_the_address_is_proof(email_on, maya, overrides,
                                                              verified):
    response = Client().post(URL, mailgun_fields(**overrides))

    assert response.json() == {"ok": True, "stored": 1}
    [message] = inbound_messages()
    assert (message.conversation.customer == maya) is verified
    assert message.conversation.is_verified is verified
    assert message.payload["authentication"]["verdict"] == ("pass" if verified else "fail")


def test_an_unauthenticated_mail_from_a_verified_address_carries_no_verification(
        email_on, maya, monkeypatch):
    ingest(plain_mail(), monkeypatch)
    conversation = Conversation.objects.get()
    assert conversation.verified_via == "contact_match"

    ingest(plain_mail(message_id="<spoof-1@evil.example>", body="yes", auth=False),
           monkeypatch)

    spoof = Message.objects.get(external_id="<spoof-1@evil.example>")
    assert spoof.conversation == conversation
    conversation.refresh_from_db()
    assert (conversation.verified_at, conversation.verified_via) == (None, "")

    # Her next authenticated mail is hers again.
    ingest(plain_mail(message_id="<second@mail.example.com>", body="Thanks"), monkeypatch)
    conversation.refresh_from_db()
    assert conversation.verified_via == "contact_match"


def test_a_customers_first_unauthenticated_mail_does_not_stop_her_being_recognised(
        email_on, maya, monkeypatch):
    ingest(plain_mail(auth=False), monkeypatch)
    guest = Conversation.objects.get().customer
    assert guest != maya

    ingest(plain_mail(message_id="<second@mail.example.com>", body="Any news?"), monkeypatch)

    identity = ChannelIdentity.objects.get(channel="email", external_id="maya@example.com")
    assert identity.customer == maya
    assert identity.verified_via == "contact_match"
    [conversation] = Conversation.objects.all()
    assert conversation.customer == maya
    assert conversation.verified_via == "contact_match"
    assert conversation.messages.count() == 2
    assert not Customer.objects.filter(pk=guest.pk).exists()


def test_someone_else_replying_in_a_verified_thread_is_answered_on_their_own_proof(
        email_on, maya, monkeypatch):
    ingest(plain_mail(), monkeypatch)
    conversation = Conversation.objects.get()
    ours = services.message_send(conversation, services.Reply("It's in Birmingham."),
                                 to="maya@example.com")
    services.message_deliver(ours.pk)
    ours.refresh_from_db()

    ingest(plain_mail(sender="attacker@evil.example", message_id="<hijack-1@evil.example>",
                      subject="Re: Where is my order?", body="Where is my order?",
                      extra=f"In-Reply-To: {ours.external_id}\n"), monkeypatch)

    hijack = Message.objects.get(external_id="<hijack-1@evil.example>")
    assert hijack.conversation == conversation
    conversation.refresh_from_db()
    assert conversation.customer == maya
    assert (conversation.verified_at, conversation.verified_via) == (None, "")


# --- Mailgun's one-time tokens ----------------------------------------------------------------

def test_a_mailgun_signature_cannot_be_replayed_with_another_message(email_on, maya):
    client = Client()
    first = client.post(URL, mailgun_fields())

    replay = client.post(URL, mailgun_fields(**{
        "Message-Id": "<forged-2@evil.example>", "body-plain": "Change my address, please.",
        "stripped-text": "Change my address, please."}))

    assert first.json() == {"ok": True, "stored": 1}
    assert replay.status_code == 403
    assert [m.external_id for m in inbound_messages()] == ["<CAHx7Rk+mailgun1@mail.gmail.com>"]


def test_mailgun_tokens_are_forgotten_once_their_signature_has_expired(email_on, maya):
    from datetime import timedelta

    from channels_adapters.models import WebhookToken
    from core import clock

    WebhookToken.objects.create(channel="email", token="old", fingerprint="x",
                                signed_at=clock.now() - timedelta(minutes=16))

    Client().post(URL, mailgun_fields())

    assert list(WebhookToken.objects.values_list("token", flat=True)) == [
        "c3f1d4e7a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9"]


# --- A mail left "sending" by a crash -------------------------------------------------------

POSTFIX_REPLY = "250 2.0.0 Ok: queued as 4Fq1Zx3K9Nz"


def test_the_mail_servers_queue_id_is_kept_with_the_sent_row(smtp, maya, monkeypatch):
    smtp.data_reply = POSTFIX_REPLY
    ingest(plain_mail(), monkeypatch)
    outbound = services.message_send(Conversation.objects.get(), services.Reply("Hello"),
                                     to="maya@example.com")

    services.message_deliver(outbound.pk)

    outbound.refresh_from_db()
    assert outbound.delivery == "sent"
    assert outbound.payload["receipt"] == POSTFIX_REPLY
    assert smtp_receipt.queue_id(outbound.payload["receipt"]) == "4Fq1Zx3K9Nz"
    assert smtp_receipt.queue_id("250 OK id=1t2AbC-000Xyz-9Q") == "1t2AbC-000Xyz-9Q"
    assert smtp_receipt.queue_id("250 Great success") == ""


class WorkerDied(BaseException):
    """The worker process killed between the mail server's 250 and our own write."""


def _sent_then_crashed(smtp: Any, monkeypatch: pytest.MonkeyPatch) -> Message:
    ingest(plain_mail(), monkeypatch)
    outbound = services.message_send(Conversation.objects.get(), services.Reply("Hello"),
                                     to="maya@example.com")
    send = email_channel.EmailAdapter.send

    def send_then_die(self: Any, message: Message) -> str:
        send(self, message)
        raise WorkerDied

    monkeypatch.setattr(email_channel.EmailAdapter, "send", send_then_die)
    with pytest.raises(WorkerDied):
        services.message_deliver(outbound.pk)
    monkeypatch.setattr(email_channel.EmailAdapter, "send", send)
    outbound.refresh_from_db()
    [(_, _, received)] = smtp.received
    # The Message-ID the server has is on the row before the mail leaves.
    assert (outbound.delivery, outbound.external_id) == ("sending", received["Message-ID"])
    return outbound


def _after_stuck(outbound: Message) -> None:
    """Beat's recovery, once the row has been stuck long enough."""
    with clock.frozen_at(clock.now() + services.STUCK_AFTER + timedelta(minutes=1)):
        for pk in services.outbox_recover():
            services.message_deliver(pk)
    outbound.refresh_from_db()


def test_a_reply_to_a_mail_a_crash_left_sending_settles_it_instead_of_a_resend(
        smtp, maya, monkeypatch):
    outbound = _sent_then_crashed(smtp, monkeypatch)

    ingest(plain_mail(subject="Re: Where is my order?", message_id="<second@mail.example.com>",
                      body="Got it, thanks", extra=f"In-Reply-To: {outbound.external_id}\n"),
           monkeypatch)
    _after_stuck(outbound)

    assert outbound.delivery == "delivered"
    assert len(smtp.received) == 1


def test_a_bounce_for_a_mail_a_crash_left_sending_marks_it_failed_not_resent(
        smtp, maya, monkeypatch):
    outbound = _sent_then_crashed(smtp, monkeypatch)
    bounce = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.shop.example>\n"
        "To: support@shop.example\nSubject: Undelivered Mail Returned to Sender\n"
        "Message-ID: <bounce-2@mx.shop.example>\nAuto-Submitted: auto-replied\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.shop.example\n\n"
        "Final-Recipient: rfc822; maya@example.com\nAction: failed\nStatus: 5.1.1\n"
        f"--B\nContent-Type: text/rfc822-headers\n\nFrom: support@shop.example\n"
        f"Message-ID: {outbound.external_id}\n--B--\n")

    ingest(bounce.encode(), monkeypatch)
    _after_stuck(outbound)

    assert outbound.delivery == "failed"
    assert len(smtp.received) == 1


def test_a_mail_a_crash_left_sending_and_nothing_settled_is_resent_as_the_same_mail(
        smtp, maya, monkeypatch):
    outbound = _sent_then_crashed(smtp, monkeypatch)

    _after_stuck(outbound)

    assert outbound.delivery == "sent"
    first, second = (received for _, _, received in smtp.received)
    assert first["Message-ID"] == second["Message-ID"] == outbound.external_id
