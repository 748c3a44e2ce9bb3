"""Email: inbound as raw RFC 822 (an MTA pipe into `manage.py ingest_email`) or as
Mailgun's inbound "routes" webhook; outbound through Django's email backend.

Both inbound paths become one `Mail` and end in `inbound_from`: the new text only (quoted
history and signatures stripped), the full original kept in payload["raw_text"] for the
agent. A reply never opens a new case: when it names one of our Message-IDs in In-Reply-To
or References, or was sent to a conversation's signed reply address
(support+c<id>.<sig>@domain), it is stored in that conversation. That decides where the
message goes, never who the sender is: a thread is no proof of identity.

Nor is the From address, unless the mail is authenticated for it (SPF, DKIM, DMARC: see
email_auth). The verdict travels on the normalised message (`sender_authenticated`) and
the pipeline decides what it allows.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import errors as email_errors
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formataddr, getaddresses, parseaddr
from html.parser import HTMLParser
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import linebreaks, urlize

from channels_adapters import email_auth
from channels_adapters.base import (
    EmailThread,
    Inbound,
    OneTimeToken,
    Outbound,
    PermanentError,
    StatusUpdate,
    TemporaryError,
    WebhookEvents,
    json_body,
    numbered_text,
)
from channels_adapters.smtp_receipt import ReceiptEmailBackend
from core import clock

logger = logging.getLogger(__name__)

CHANNEL = "email"
# Mailgun signs timestamp+token; an older signature is a replay, whatever its validity.
SIGNATURE_MAX_AGE = 15 * 60
RAW_TEXT_LIMIT = 100_000
MAX_REFERENCES = 20
# Longer values cannot be stored (a message id is a 255-character key, an address 254) or
# sent back in a header line (998 characters at most, RFC 5322): an over-long Message-ID
# is replaced by one made from the mail's content, a subject is cut.
MESSAGE_ID_MAX = 255
ADDRESS_MAX = 254
SUBJECT_MAX = 998
REPLY_SUBJECT_MAX = 200
SMTP_TIMEOUT = 20
_REPLY_SALT = "onethread.email.reply-to"

_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_REPLY_ADDRESS = re.compile(r"\+c(\d{1,18})\.([0-9a-f]{12})@", re.IGNORECASE)
_RE_PREFIX = re.compile(r"^(re|aw|sv|antw)\s*:", re.IGNORECASE)
_RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")


@dataclass
class Mail:
    """One received email, however it arrived."""

    sender: str = ""
    display_name: str = ""
    subject: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    date: str = ""
    plain: str = ""
    html: str = ""
    attachments: list[dict[str, str]] = field(default_factory=list)
    # An auto-reply, bulk mail, bounce or our own mail coming back: never answered, since
    # answering it is how two robots end up writing to each other forever.
    automatic: bool = False
    # Our Message-IDs that a delivery report says could not be delivered.
    bounced: list[str] = field(default_factory=list)
    # Whether SPF/DKIM/DMARC vouch for the From address (email_auth).
    authentication: email_auth.Verdict = field(
        default_factory=lambda: email_auth.Verdict(email_auth.FAIL, "", "not checked"))


# --- Inbound --------------------------------------------------------------------------

def mail_from_bytes(raw: bytes, recipient: str = "") -> Mail:
    """A raw RFC 822 message as an MTA hands it over; ValueError if it is not one."""
    try:
        return _mail_from_bytes(raw, recipient)
    except (email_errors.MessageError, LookupError, UnicodeError, TypeError, AttributeError,
            RecursionError) as exc:
        # The standard library's parser is lenient until a part is read: a malformed
        # header or a multipart nested without end fails there, and is a bad message.
        raise ValueError(f"The message cannot be read: {exc!r}"[:300]) from exc


def _mail_from_bytes(raw: bytes, recipient: str) -> Mail:
    if not raw.strip():
        raise ValueError("The message is empty.")
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    if not msg.keys():
        raise ValueError("The message has no headers: it is not an RFC 822 email.")

    def get(name: str) -> str:
        try:
            return " ".join(str(msg.get(name, "") or "").split())
        except (email_errors.MessageError, ValueError, IndexError, TypeError, AttributeError):
            return ""

    def get_all(name: str) -> list[str]:
        try:
            return [str(v) for v in msg.get_all(name) or []]
        except (email_errors.MessageError, ValueError, IndexError, TypeError, AttributeError):
            return []

    recipients = [recipient] + [v for name in _RECIPIENT_HEADERS for v in get_all(name)]
    mail = _mail_from_headers(get, recipients)
    mail.plain = _part_text(msg.get_body(preferencelist=("plain",)))
    if not mail.plain.strip():
        mail.html = _part_text(msg.get_body(preferencelist=("html",)))
    if not (mail.plain.strip() or mail.html.strip() or msg.is_multipart()):
        # A multipart without its boundary, or a body of an odd type: read it as text.
        mail.plain = _decoded(msg.get_payload(decode=True))
    mail.attachments = _attachments(msg)
    if not mail.automatic:
        mail.authentication = email_auth.from_raw(raw, _raw_headers(msg), mail.sender)
    if not mail.message_id:
        # Without a Message-ID, a redelivery of the same mail must still be seen as one.
        mail.message_id = f"<{hashlib.sha256(raw).hexdigest()[:40]}@onethread.invalid>"
    if msg.get_content_type() == "multipart/report":
        mail.automatic = True
        mail.bounced = _bounced_ids(msg)
    return _checked(mail)


def mail_from_mailgun(fields: Mapping[str, str], files: Mapping[str, Any] | None = None) -> Mail:
    """Mailgun's routes "forward" POST: headers and bodies as form fields."""
    given = {str(k).lower(): str(v) for k, v in fields.items()}
    try:
        header_list = [(str(k), str(v)) for k, v in json_body(
            given.get("message-headers") or "[]", "message-headers")]
    except (ValueError, TypeError):
        header_list = []
    headers = {k.lower(): v for k, v in header_list}

    def get(name: str) -> str:
        return " ".join((given.get(name.lower()) or headers.get(name.lower(), "")).split())

    recipients = [get("recipient")] + [get(name) for name in _RECIPIENT_HEADERS]
    mail = _mail_from_headers(get, recipients, fallback_sender=get("sender"))
    mail.plain = given.get("body-plain", "")
    mail.html = "" if mail.plain.strip() else given.get("body-html", "")
    if not (mail.plain.strip() or mail.html.strip()):
        mail.plain = given.get("stripped-text", "")
    mail.attachments = [_attachment(f.content_type or "", f.name or "")
                        for f in (files or {}).values()]
    verdicts = [(name, given[name.lower()]) for name in (
        "X-Mailgun-Spf", "X-Mailgun-Dkim-Check-Result") if name.lower() in given]
    mail.authentication = email_auth.from_mailgun(
        header_list + verdicts, given.get("sender", ""), mail.sender)
    return _checked(mail)


def inbound_from(mail: Mail) -> Inbound:
    """The normalised message every email path ends in."""
    raw_text = mail.plain if mail.plain.strip() else html_to_text(mail.html)
    raw_text = raw_text.replace("\r\n", "\n").replace("\r", "\n").strip()
    message_id = mail.message_id or _fallback_id(mail, raw_text)
    return Inbound(
        channel=CHANNEL, sender_id=mail.sender, display_name=mail.display_name[:200],
        text=reply_text(raw_text), external_id=message_id,
        payload={"subject": mail.subject, "message_id": message_id,
                 "in_reply_to": mail.in_reply_to, "references": mail.references,
                 "to": mail.recipients, "raw_text": raw_text[:RAW_TEXT_LIMIT],
                 "attachments": mail.attachments,
                 "authentication": mail.authentication.as_payload()},
        replying_to=tuple(m for m in [mail.in_reply_to, *reversed(mail.references)] if m),
        conversation_hint=thread_conversation(mail),
        sender_authenticated=mail.authentication.authenticated,
    )


def events_from(mail: Mail) -> WebhookEvents:
    if mail.bounced:
        return WebhookEvents(statuses=[StatusUpdate(message_id, "failed", "The email bounced.")
                                       for message_id in mail.bounced])
    if mail.automatic:
        return WebhookEvents()
    return WebhookEvents(messages=[inbound_from(mail)])


def thread_conversation(mail: Mail) -> int | None:
    """The conversation a signed reply address names. One of our Message-IDs the reply
    names (``Inbound.replying_to``) comes first: the pipeline looks those up, as they
    follow the message if conversations were merged since."""
    for address in mail.recipients:
        conversation_id = conversation_from_address(address)
        if conversation_id is not None:
            return conversation_id
    return None


def reply_address(conversation_id: int) -> str:
    local, _, domain = _support_address().rpartition("@")
    return f"{local.split('+', 1)[0]}+c{conversation_id}.{_reply_token(conversation_id)}@{domain}"


def conversation_from_address(address: str) -> int | None:
    match = _REPLY_ADDRESS.search(address)
    if match is None:
        return None
    conversation_id = int(match[1])
    if not constant_time_compare(match[2].lower(), _reply_token(conversation_id)):
        return None
    return conversation_id


def _reply_token(conversation_id: int) -> str:
    return salted_hmac(_REPLY_SALT, f"c{conversation_id}", algorithm="sha256").hexdigest()[:12]


def _support_address() -> str:
    return parseaddr(settings.SUPPORT_EMAIL or settings.DEFAULT_FROM_EMAIL)[1]


def _mail_from_headers(get: Callable[[str], str], recipients: list[str],
                       fallback_sender: str = "") -> Mail:
    name, address = parseaddr(get("From"))
    if not _ADDRESS.match(address or ""):
        name, address = "", parseaddr(fallback_sender)[1]
    references = _message_ids(get("References"))
    in_reply_to = next(iter(_message_ids(get("In-Reply-To"))), "")
    if in_reply_to and not references:
        references = [in_reply_to]
    sender = address.strip().lower()
    auto_submitted = get("Auto-Submitted").lower()
    return Mail(
        sender=sender, display_name=name.strip(), subject=get("Subject")[:SUBJECT_MAX],
        message_id=next(iter(_message_ids(get("Message-ID"))), ""),
        in_reply_to=in_reply_to, references=references[-MAX_REFERENCES:],
        recipients=_addresses(recipients), date=get("Date"),
        automatic=(auto_submitted not in ("", "no")
                   or get("Precedence").lower() in ("bulk", "junk", "list", "auto_reply")
                   or bool(get("X-Autoreply") or get("X-Autorespond"))
                   or get("Return-Path") == "<>"
                   or sender.split("@")[0] in ("mailer-daemon", "postmaster")
                   or _is_ours(sender)),
    )


def _raw_headers(msg: EmailMessage) -> list[tuple[str, str]]:
    try:
        return [(str(k), str(v)) for k, v in msg.raw_items()]
    except (email_errors.MessageError, ValueError, TypeError):
        return []


def _checked(mail: Mail) -> Mail:
    if not mail.automatic and not _ADDRESS.match(mail.sender):
        raise ValueError("The message has no sender address (From).")
    if len(mail.sender) > ADDRESS_MAX:
        raise ValueError(f"The sender address is longer than {ADDRESS_MAX} characters.")
    return mail


def _is_ours(address: str) -> bool:
    local, _, domain = _support_address().lower().rpartition("@")
    their_local, _, their_domain = address.rpartition("@")
    return bool(local) and their_domain == domain and their_local.split("+")[0] == local


def _message_ids(value: str) -> list[str]:
    found = _MESSAGE_ID.findall(value)
    if not found:
        found = [f"<{token.strip('<>')}>" for token in value.split() if "@" in token]
    return [m for m in found if len(m) <= MESSAGE_ID_MAX]


def _addresses(values: list[str]) -> list[str]:
    seen: list[str] = []
    for _, address in getaddresses([v for v in values if v]):
        address = address.strip().lower()
        if _ADDRESS.match(address) and address not in seen:
            seen.append(address)
    return seen


def _part_text(part: EmailMessage | None) -> str:
    if part is None:
        return ""
    try:
        return str(part.get_content())
    except (LookupError, UnicodeError, ValueError, AttributeError):
        # An unknown or lying charset: keep what can be read rather than lose the mail.
        return _decoded(part.get_payload(decode=True))


def _decoded(payload: Any) -> str:
    return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def _attachments(msg: EmailMessage) -> list[dict[str, str]]:
    found = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() == "multipart" or (
                part.get_content_type() in (
                    "message/rfc822", "message/delivery-status", "text/rfc822-headers")):
            continue
        if part.get_content_maintype() == "text" and not part.is_attachment():
            continue
        found.append(_attachment(part.get_content_type(), part.get_filename() or ""))
    return found


def _attachment(content_type: str, filename: str) -> dict[str, str]:
    # The bot only needs to know a photo was sent; the file itself stays with the MTA.
    kind = "image" if content_type.startswith("image/") else "document"
    return {"type": kind, "content_type": content_type, "filename": filename}


def _bounced_ids(report: EmailMessage) -> list[str]:
    status = " ".join(p.as_string() for p in report.walk()
                      if p.get_content_type() == "message/delivery-status")
    if not re.search(r"^\s*Action:\s*failed", status, re.IGNORECASE | re.MULTILINE):
        return []
    ids: list[str] = []
    for part in report.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            text = part.as_bytes().decode("utf-8", "replace")
            ids += re.findall(r"^Message-ID:\s*(<[^<>\s]+>)", text, re.IGNORECASE | re.MULTILINE)
    return ids[:1]


def _fallback_id(mail: Mail, text: str) -> str:
    # Without a Message-ID, a redelivery of the same mail must still be seen as one.
    files = ",".join(a["filename"] for a in mail.attachments)
    digest = hashlib.sha256(
        f"{mail.sender}\n{mail.date}\n{mail.subject}\n{text}\n{files}".encode()
    ).hexdigest()[:40]
    return f"<{digest}@onethread.invalid>"


# --- Quoted history, signatures and HTML -------------------------------------------------

_ATTRIBUTION = re.compile(
    r"^(on\s.{1,300}\swrote|le\s.{1,300}\sa\s+écrit\s?|am\s.{1,300}\sschrieb(\s.{0,300})?"
    r"|el\s.{1,300}\sescribió)\s?:$", re.IGNORECASE)
_CUT_AT = (
    re.compile(r"^-{2,}\s*original message\s*-{2,}$", re.IGNORECASE),
    re.compile(r"^--$"),  # "-- " (RFC 3676) once trailing blanks are gone
    re.compile(r"^sent from my \S.{0,40}$", re.IGNORECASE),
    re.compile(r"^sent from (outlook|mail for windows|yahoo mail)\b.{0,60}$", re.IGNORECASE),
    re.compile(r"^get outlook for (ios|android)\b.*$", re.IGNORECASE),
)
_OUTLOOK_FROM = re.compile(r"^\*?from:\*?\s+\S", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(r"^\*?(sent|date):\*?\s+\S", re.IGNORECASE)
_SEPARATOR = re.compile(r"^[-_=*]{5,}$")


def reply_text(text: str) -> str:
    """Only what the sender wrote now: without quoted history ("On ... wrote:" and ">"
    lines, Outlook's original-message headers) or signatures. Answers written between
    quoted lines are kept."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    kept: list[str] = []
    i = 0
    while i < len(lines):
        bare = lines[i].strip()
        if any(p.match(bare) for p in _CUT_AT) or _outlook_header_at(lines, i):
            break
        span = _attribution_span(lines, i)
        if span:
            i += span
            continue
        if not bare.startswith(">"):
            kept.append(lines[i])
        i += 1
    while kept and (not kept[-1].strip() or _SEPARATOR.match(kept[-1].strip())):
        kept.pop()
    return _tidy(kept)


def _attribution_span(lines: list[str], i: int) -> int:
    """How many lines an "On <date>, X wrote:" line takes (clients wrap it), if quoted
    text follows it; 0 when line i does not start one."""
    if lines[i].strip()[:3].lower() not in ("on ", "le ", "am ", "el "):
        return 0
    for span in (1, 2, 3):
        block = " ".join(line.strip() for line in lines[i:i + span])
        if _ATTRIBUTION.match(block):
            after = next((line.strip() for line in lines[i + span:] if line.strip()), ">")
            return span if after.startswith(">") else 0
    return 0


def _outlook_header_at(lines: list[str], i: int) -> bool:
    return bool(_OUTLOOK_FROM.match(lines[i].strip())) and any(
        _OUTLOOK_SENT.match(line.strip()) for line in lines[i + 1:i + 5])


def _tidy(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        if not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line)
    return "\n".join(out).strip()


class _HtmlText(HTMLParser):
    """HTML to plain text; a <blockquote> becomes ">" lines, so quoted history in
    HTML-only mail is stripped like any other."""

    BLOCKS = frozenset({"p", "div", "li", "tr", "table", "ul", "ol", "blockquote", "pre",
                        "hr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
                        "header", "footer"})
    SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.chunks: list[str] = []
        self.depth = 0
        self.skipping = 0

    def flush(self, always: bool = False) -> None:
        text = " ".join("".join(self.chunks).split())
        if text or always:
            self.lines.append("> " * self.depth + text)
        self.chunks = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "br":
            self.flush(always=True)
        elif tag in self.BLOCKS:
            self.flush()
            if tag == "blockquote":
                self.depth += 1
            elif tag == "li":
                self.chunks.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.flush()
            if tag == "blockquote":
                self.depth = max(0, self.depth - 1)
            elif tag == "p":
                self.flush(always=True)

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    parser.flush()
    return _tidy([line.rstrip() for line in parser.lines])


# --- The adapter --------------------------------------------------------------------------

class EmailAdapter:
    channel = CHANNEL
    needs_window = False
    needs_thread = True  # Outbound.thread: the email a reply answers
    # A message sent again keeps its Message-ID (outbound_message_id), which mail systems
    # and clients use to keep one copy.
    resend_after_crash = True
    # What the SMTP server answered to the last message sent (its queue id), if anything.
    receipt = ""

    def planned_external_id(self, message_pk: int) -> str:
        """The Message-ID is ours and fixed before sending: the row records it first, so
        a bounce or a reply naming it settles the row even if the worker dies mid-send."""
        return outbound_message_id(message_pk)

    def enabled(self) -> bool:
        return bool(settings.EMAIL_ENABLED)

    def missing_settings(self) -> list[str]:
        if not settings.EMAIL_ENABLED:
            return []
        return [name for name in ("SUPPORT_EMAIL", "EMAIL_INBOUND_SIGNING_KEY", "EMAIL_HOST")
                if not getattr(settings, name, "")]

    def verify(self, request: HttpRequest) -> bool:
        """Mailgun's signature: hex HMAC-SHA256 of timestamp+token under the signing key,
        on a timestamp no older than SIGNATURE_MAX_AGE."""
        timestamp = request.POST.get("timestamp", "")
        token = request.POST.get("token", "")
        signature = request.POST.get("signature", "")
        key = settings.EMAIL_INBOUND_SIGNING_KEY
        if not (key and timestamp.isdigit() and token and signature):
            return False
        if abs(clock.now().timestamp() - int(timestamp)) > SIGNATURE_MAX_AGE:
            return False
        expected = hmac.new(key.encode(), (timestamp + token).encode(),
                            hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected.encode(), signature.strip().lower().encode())

    def one_time_token(self, request: HttpRequest) -> OneTimeToken:
        """The signature covers timestamp+token only: a token is good for one message,
        which the webhook remembers (with what it came with) while the signature holds."""
        return OneTimeToken(
            CHANNEL, request.POST.get("token", ""), _request_fingerprint(request),
            datetime.fromtimestamp(int(request.POST.get("timestamp", "0")), tz=UTC),
            timedelta(seconds=SIGNATURE_MAX_AGE))

    def challenge(self, request: HttpRequest) -> None:
        return None

    def parse(self, request: HttpRequest) -> WebhookEvents:
        return events_from(mail_from_mailgun(request.POST, request.FILES))

    def send(self, message: Outbound) -> str:
        """Send one outbound message as a threaded reply (to ``message.thread``, the
        shopper's last email); return its Message-ID."""
        to = str(message.payload.get("to") or "").strip()
        if not _ADDRESS.match(to):
            raise PermanentError(f"No email address to send to ({to!r}).")
        thread = message.thread
        message_id = outbound_message_id(message.pk)
        headers = {"Message-ID": message_id}
        if thread is not None and thread.parent_id:
            earlier = [r for r in thread.references if r != thread.parent_id]
            headers["In-Reply-To"] = thread.parent_id
            headers["References"] = " ".join([*earlier[-(MAX_REFERENCES - 1):],
                                              thread.parent_id])
        body = _body(message)
        mail = EmailMultiAlternatives(
            subject=_subject(message, thread), body=body,
            from_email=formataddr((settings.SHOP_NAME, _support_address())), to=[to],
            reply_to=[reply_address(message.conversation_id)], headers=headers,
            connection=_connection())
        mail.attach_alternative(linebreaks(urlize(body, autoescape=True)), "text/html")
        try:
            mail.send()
            receipts = getattr(mail.connection, "receipts", None)
            if receipts:
                # Logged as the server answers, before the row records it: should the
                # worker die in between, the log still ties the mail to the queue id.
                self.receipt = receipts[-1]
                logger.info("Mail %s (outbox row %s) taken by the mail server: %s",
                            message_id, message.pk, self.receipt)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentError(f"The mail server refused {to}: {exc.recipients}") from exc
            raise TemporaryError(f"The mail server deferred {to}: {exc.recipients}") from exc
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            if 500 <= exc.smtp_code < 600:
                raise PermanentError(f"The mail server rejected the message: {exc}") from exc
            raise TemporaryError(f"The mail server deferred the message: {exc}") from exc
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as exc:
            raise TemporaryError(f"Could not reach the mail server: {exc!r}") from exc
        except smtplib.SMTPException as exc:
            # 4xx answers, a failed login: the message is fine; the server or our settings
            # are not, yet.
            raise TemporaryError(f"The mail server did not take the message: {exc!r}") from exc
        except OSError as exc:
            # Connection refused or timed out (SMTPException is an OSError: it goes first).
            raise TemporaryError(f"Could not reach the mail server: {exc!r}") from exc
        return message_id


def _connection() -> Any:
    """The mail backend: with Django's SMTP backend, one that keeps the server's answer
    (its queue id) to each message; any other backend (console, file, a provider's) as
    configured."""
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or SMTP_TIMEOUT
    if settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
        return ReceiptEmailBackend(timeout=timeout)
    return get_connection(timeout=timeout)


def outbound_message_id(message_id: int) -> str:
    """The Message-ID of one outbox row, the same on every attempt to send it. The keyed
    digest keeps it unguessable: a reply naming it joins the row's conversation."""
    digest = salted_hmac("onethread.email.message-id", str(message_id)).hexdigest()[:20]
    domain = _support_address().rpartition("@")[2] or "onethread.invalid"
    return f"<onethread.{message_id}.{digest}@{domain}>"


def _request_fingerprint(request: HttpRequest) -> str:
    """A digest of everything a Mailgun POST carries besides its signature."""
    digest = hashlib.sha256()
    for name in sorted(k for k in request.POST if k not in ("timestamp", "token", "signature")):
        for value in request.POST.getlist(name):
            digest.update(f"{name}\0{value}\0".encode("utf-8", "surrogatepass"))
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"{name}\0{upload.name}\0{upload.size}\0".encode(
                "utf-8", "surrogatepass"))
    return digest.hexdigest()


def _subject(message: Outbound, thread: EmailThread | None) -> str:
    subject = message.payload.get("subject") or ""
    if not subject and thread is not None:
        original = thread.subject
        subject = original if _RE_PREFIX.match(original) or not original else f"Re: {original}"
    # Words are folded onto header lines of their own when sent; a word can't be, so a
    # long subject is cut to keep every line within what SMTP servers accept.
    subject = " ".join((subject or message.default_subject
                        or f"Your message to {settings.SHOP_NAME}").split())
    return subject if len(subject) <= REPLY_SUBJECT_MAX else (
        subject[:REPLY_SUBJECT_MAX - 3].rstrip() + "...")


def _body(message: Outbound) -> str:
    text = numbered_text(message.text, list(message.payload.get("buttons") or []))
    links = [f"{a.get('title') or a.get('filename') or 'Attachment'}: {a['url']}"
             for a in message.payload.get("attachments") or [] if a.get("url")]
    return "\n\n".join([text, "\n".join(links)]) if links else text
