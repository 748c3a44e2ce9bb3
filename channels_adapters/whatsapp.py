"""WhatsApp through Meta's Cloud API: webhooks in, the Graph API's /messages out.

Inbound payloads are read here, by hand, as Meta documents them: one webhook may batch
several entries, changes and messages, while pywa's update types read only the first of
each, and pywa 4.x requires the business-scoped user id (`contacts[].user_id`) that
Meta's documented payloads do not always carry. Sending goes through pywa's Graph API
client on an httpx session whose transport tests replace (`WhatsAppAdapter.transport`).

The 24-hour customer-service window is enforced here, as Chatwoot does: a free-form
message goes out only within 24 hours of the shopper's last message; outside it only an
approved template can, and anything else fails visibly in the outbox instead of being
dropped by Meta.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from pywa import WhatsApp
from pywa.errors import WhatsAppError

from channels_adapters.base import (
    Inbound,
    Outbound,
    PermanentError,
    StatusUpdate,
    TemporaryError,
    WebhookEvents,
    clean_text,
    json_body,
    numbered_text,
    outbound_key,
)

logger = logging.getLogger(__name__)

CHANNEL = "whatsapp"
WINDOW = timedelta(hours=24)
TEMPLATE_PURPOSES = ("delay_alert", "shipment_exception", "delivery_checkin", "follow_up",
                     "back_in_stock", "return_update", "csat")
OUTSIDE_WINDOW = "outside the 24-hour window: only approved templates can be sent"
REQUIRED_SETTINGS = ("WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_ACCESS_TOKEN",
                     "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN")
STATUSES = frozenset({"sent", "delivered", "read", "failed"})
# A reaction, a "number changed" notice or the first opening of the chat is not something
# the shopper asked; answering it would only puzzle them.
IGNORED_TYPES = frozenset({"reaction", "system", "request_welcome"})
MEDIA_TYPES = ("image", "audio", "video", "document", "sticker")

# The Cloud API's limits (messages reference): longer values are refused with a 400.
TEXT_MAX = 4096
BODY_MAX = 1024  # interactive body and media caption
BUTTON_TITLE_MAX = 20
BUTTON_ID_MAX = 256
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
ROW_ID_MAX = 200
# Rate limits and outages Meta answers with HTTP 400, though a later try will succeed.
RETRYABLE_CODES = frozenset({2, 4, 80007, 130429, 131016, 131056})


class WhatsAppAdapter:
    channel = CHANNEL
    needs_window = True  # Outbound.in_window: free-form text only inside the 24 hours
    needs_thread = False
    # The HTTP transport under the Graph API client; None is httpx's own (the network).
    transport: httpx.BaseTransport | None = None

    def enabled(self) -> bool:
        return bool(settings.WHATSAPP_ENABLED)

    def missing_settings(self) -> list[str]:
        return [name for name in REQUIRED_SETTINGS if not getattr(settings, name, "")]

    def verify(self, request: HttpRequest) -> bool:
        secret = settings.WHATSAPP_APP_SECRET
        header = request.headers.get("X-Hub-Signature-256", "")
        if not secret or not header.startswith("sha256="):
            return False
        digest = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(f"sha256={digest}".encode(), header.encode(errors="replace"))

    def challenge(self, request: HttpRequest) -> HttpResponse:
        token = request.GET.get("hub.verify_token", "")
        expected = settings.WHATSAPP_VERIFY_TOKEN
        if (request.GET.get("hub.mode") == "subscribe" and expected
                and hmac.compare_digest(token.encode(), expected.encode())):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponse("Forbidden", status=403, content_type="text/plain")

    def parse(self, request: HttpRequest) -> WebhookEvents:
        data = json_body(request.body, "The WhatsApp webhook body")
        if not isinstance(data, dict) or data.get("object") != "whatsapp_business_account":
            raise ValueError("Not a WhatsApp Business Account webhook.")
        entries = data.get("entry") or []
        if not isinstance(entries, list):
            raise ValueError("Malformed WhatsApp webhook: entry is not a list.")
        events = WebhookEvents()
        # Meta batches several entries, changes and messages in one webhook and does not
        # resend a batch it got a 4xx for: each item is read on its own, and one that
        # cannot be is set aside without losing the others.
        for i, entry in enumerate(entries):
            changes = entry.get("changes") if isinstance(entry, dict) else None
            if not isinstance(entry, dict) or not isinstance(changes, list | None):
                events.rejected.append(f"entry {i} is not an object with a list of changes")
                continue
            for change in changes or []:
                if not isinstance(change, dict):
                    events.rejected.append(f"entry {i}: a change is not an object")
                elif change.get("field") == "messages":
                    _read_change(change.get("value") or {}, events)
        return events

    def send(self, message: Outbound) -> str:
        payload = message.payload or {}
        to = payload.get("to", "")
        recipient = _recipient(to)
        template = payload.get("template")
        # Inside the window a message goes out as written (its text is what the inbox
        # shows); its template is only the way to reach a shopper outside it.
        if message.in_window and (message.text or not template):
            requests = _free_form(message.text, payload.get("buttons") or [],
                                  payload.get("attachments") or [], message.list_button)
        elif template:
            requests = [("template", _template(template))]
        else:
            raise PermanentError(OUTSIDE_WINDOW)
        # A reply with several parts (an attachment, then the text) is several messages on
        # WhatsApp; the last one's id is the one the outbox tracks. Should a later part
        # fail for a while, the retry sends the earlier ones again.
        # Meta returns this in every status callback of the message: should the worker die
        # before it records the message id, the callback still names the row it belongs to.
        tracker = outbound_key(message.pk)
        with self._client() as wa:
            sent = [self._post(wa, recipient, kind, body, tracker) for kind, body in requests]
        return sent[-1]

    @contextlib.contextmanager
    def _client(self) -> Iterator[WhatsApp]:
        yield _graph_client(self.transport)


    def _post(self, wa: WhatsApp, recipient: dict[str, str], kind: str,
              body: dict[str, Any], tracker: str) -> str:
        try:
            answer = wa.api.send_message(
                sender=settings.WHATSAPP_PHONE_NUMBER_ID, to=recipient.get("to"),
                recipient=recipient.get("recipient"), recipient_type="individual",
                typ=kind, msg=body, biz_opaque_callback_data=tracker)
        except WhatsAppError as exc:
            raise _classify(exc) from exc
        except httpx.HTTPError as exc:
            raise TemporaryError(f"WhatsApp API unreachable: {type(exc).__name__} {exc}") from exc
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            # An error body pywa cannot read (a proxy's page, say): most likely an outage.
            raise TemporaryError(f"Unreadable answer from the WhatsApp API: {exc!r}") from exc
        try:
            return str(answer["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as exc:
            raise PermanentError(f"WhatsApp answered without a message id: {answer!r}") from exc


# One Graph API client per process and configuration, kept open: building its HTTP
# client loads the TLS certificates, some 75 ms, which alone would hold a campaign far
# below the 80 messages/s a number may send (pywa binds a client to its HTTP session, so
# the pair is kept). Keyed by process, so a forked worker never shares its parent's.
_CLIENTS: dict[tuple[Any, ...], WhatsApp] = {}


def _graph_client(transport: httpx.BaseTransport | None) -> WhatsApp:
    key = (os.getpid(), transport, settings.WHATSAPP_API_BASE,
           settings.WHATSAPP_PHONE_NUMBER_ID, settings.WHATSAPP_ACCESS_TOKEN,
           settings.WHATSAPP_API_VERSION)
    client = _CLIENTS.get(key)
    if client is None:
        if transport is None and settings.WHATSAPP_API_BASE:
            transport = _Rebase(settings.WHATSAPP_API_BASE)
        session = httpx.Client(transport=transport, timeout=httpx.Timeout(15.0, connect=5.0))
        client = _CLIENTS[key] = WhatsApp(
            phone_id=settings.WHATSAPP_PHONE_NUMBER_ID, token=settings.WHATSAPP_ACCESS_TOKEN,
            session=session, api_version=settings.WHATSAPP_API_VERSION.lstrip("vV"))
    return client


class _Rebase(httpx.HTTPTransport):
    """Sends Graph API calls to another base URL (a proxy, or a stand-in on loopback)."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = httpx.URL(base)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme=self.base.scheme, host=self.base.host,
                                            port=self.base.port)
        return super().handle_request(request)


def _read_change(value: Any, events: WebhookEvents) -> None:
    if not isinstance(value, dict):
        events.rejected.append("a change's value is not an object")
        return
    # One app's webhook hears every number of the business account; answer only ours.
    metadata = value.get("metadata")
    phone_number_id = metadata.get("phone_number_id") if isinstance(metadata, dict) else None
    if phone_number_id and phone_number_id != settings.WHATSAPP_PHONE_NUMBER_ID:
        logger.info("Ignored a WhatsApp webhook for phone number id %s", phone_number_id)
        return
    contacts = value.get("contacts") or []
    messages = value.get("messages") or []
    statuses = value.get("statuses") or []
    for name, items in (("messages", messages), ("statuses", statuses)):
        if not isinstance(items, list):
            events.rejected.append(f"{name} is not a list")
    for message in messages if isinstance(messages, list) else []:
        try:
            inbound = _inbound(message, contacts)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            events.rejected.append(f"message {_id_of(message)}: {_reason(exc)}")
            continue
        if inbound is not None:
            events.messages.append(inbound)
    for status in statuses if isinstance(statuses, list) else []:
        try:
            update = _status(status)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            events.rejected.append(f"status {_id_of(status)}: {_reason(exc)}")
            continue
        if update is not None:
            events.statuses.append(update)


def _status(status: dict[str, Any]) -> StatusUpdate | None:
    if not isinstance(status, dict):
        raise TypeError("not an object")
    if status.get("status") not in STATUSES:
        return None
    errors = status.get("errors") or []
    if not isinstance(errors, list):
        raise TypeError("errors is not a list")
    return StatusUpdate(external_id=_string(status, "id"), status=status["status"],
                        error=_error_text(errors[0]) if errors else "",
                        callback_data=str(status.get("biz_opaque_callback_data") or "")[:200])


def _inbound(message: dict[str, Any], contacts: Any) -> Inbound | None:
    if not isinstance(message, dict):
        raise TypeError("not an object")
    kind = _string(message, "type")
    if kind in IGNORED_TYPES or "group_id" in message:
        return None
    external_id = message["id"]
    if not isinstance(external_id, str | int) or isinstance(external_id, bool):
        raise TypeError("id is not a string")
    # Meta gives every message a wamid, and a redelivery is recognised by it: a message
    # without one (or with one of only NULs) would be stored again on every redelivery.
    if not clean_text(str(external_id)):
        raise ValueError("no message id")
    sender_id, name = _sender(message, contacts)
    if not sender_id:
        logger.warning("Skipped WhatsApp message %s: no sender", _id_of(message))
        return None
    text, payload = _content(kind, message)
    return Inbound(channel=CHANNEL, sender_id=sender_id, text=text,
                   external_id=str(external_id), display_name=name, payload=payload)


def _string(data: dict[str, Any], key: str, default: str | None = None) -> str:
    """data[key], which must be a string (KeyError when missing and no default)."""
    value = data.get(key, default) if default is not None else data[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} is not a string")
    return value


def _id_of(item: Any) -> str:
    value = item.get("id") if isinstance(item, dict) else None
    return repr(str(value)[:80]) if value is not None else "without an id"


def _reason(exc: Exception) -> str:
    return f"missing {exc}" if isinstance(exc, KeyError) else str(exc)[:200]


def _sender(message: dict[str, Any], contacts: Any) -> tuple[str, str]:
    """The shopper's number as E.164 ("+" and the wa_id), and their profile name."""
    wa_id = _string(message, "from", "")
    if not isinstance(contacts, list) or not all(isinstance(c, dict) for c in contacts):
        raise TypeError("contacts is not a list of objects")
    contact = next((c for c in contacts if c.get("wa_id") == wa_id and wa_id),
                   contacts[0] if len(contacts) == 1 else {})
    profile = contact.get("profile") or {}
    name = _string(profile, "name", "") if isinstance(profile, dict) else ""
    if wa_id:
        return e164(wa_id), name
    # A shopper known only by a business-scoped user id (no number shared with us).
    return _string(contact, "user_id", ""), name


def _content(kind: str, message: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if kind == "text":
        return _string(message["text"], "body"), {}
    if kind == "interactive":
        interactive = message["interactive"]
        choice = interactive.get(_string(interactive, "type", ""))
        if interactive.get("type") in ("button_reply", "list_reply") and choice:
            return _string(choice, "title", ""), {"reply_id": choice.get("id", "")}
        return _unsupported(f"interactive {interactive.get('type', '')}".strip(), {})
    if kind == "button":
        return _string(message["button"], "text", ""), {
            "reply_id": message["button"].get("payload", "")}
    if kind in MEDIA_TYPES:
        media = message[kind]
        caption = _string(media, "caption", "")
        attachment = {"type": kind, "media_id": _string(media, "id"),
                      "mime_type": media.get("mime_type", ""), "caption": caption}
        if media.get("filename"):
            attachment["filename"] = media["filename"]
        if kind == "image":
            return caption, {"attachments": [attachment]}
        text, payload = _unsupported(kind, {"attachments": [attachment]})
        return f"{text} {caption}".strip(), payload
    return _unsupported(kind, {})


def _unsupported(kind: str, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Stored rather than dropped: the inbox shows that something arrived, and the bot can
    ask for it in words."""
    return f"[unsupported message: {kind}]", {**payload, "unsupported": kind}


def _error_text(error: dict[str, Any]) -> str:
    title = error.get("title") or error.get("message") or "error"
    code = error.get("code")
    details = (error.get("error_data") or {}).get("details", "")
    text = f"{title} ({code})" if code is not None else str(title)
    return f"{text}: {details}" if details else text


def e164(number: str) -> str:
    digits = number.removeprefix("+")
    return f"+{digits}" if digits.isdigit() else number


def _recipient(to: str) -> dict[str, str]:
    digits = to.removeprefix("+")
    if digits.isdigit():
        return {"to": digits}
    if to:
        return {"recipient": to}
    raise PermanentError("The message has no WhatsApp recipient.")


def _free_form(text: str, buttons: list[str], attachments: list[dict[str, Any]],
               list_button: str) -> list[tuple[str, dict[str, Any]]]:
    media = [a for a in attachments if a.get("url")]
    if len(media) == 1 and not buttons and text and len(text) <= BODY_MAX:
        return [_media(media[0], caption=text)]
    requests = [_media(a) for a in media]
    if text or buttons:
        requests.append(_text_or_choices(text, [str(b) for b in buttons if str(b).strip()],
                                         list_button))
    if not requests:
        raise PermanentError("The message has no text, buttons or attachment to send.")
    return requests


def _media(attachment: dict[str, Any], caption: str = "") -> tuple[str, dict[str, Any]]:
    kind = "image" if attachment.get("type") == "image" else "document"
    body: dict[str, Any] = {"link": attachment["url"]}
    filename = attachment.get("filename") or attachment.get("title")
    if kind == "document" and filename:
        body["filename"] = filename
    if caption:
        body["caption"] = caption
    return kind, body


def _text_or_choices(text: str, labels: list[str],
                     list_button: str) -> tuple[str, dict[str, Any]]:
    """Up to 3 choices are reply buttons, up to 10 a list (opened by `list_button`); more
    than that, or a text too long for an interactive body, degrade to numbered choices."""
    if labels and 0 < len(text) <= BODY_MAX and len(labels) <= 10 and (
            len(labels) <= 3 or list_button):
        if len(labels) <= 3:
            return "interactive", {
                "type": "button", "body": {"text": text},
                "action": {"buttons": [
                    {"type": "reply", "reply": {"id": label[:BUTTON_ID_MAX],
                                                "title": _fit(label, BUTTON_TITLE_MAX)}}
                    for label in labels]}}
        return "interactive", {
            "type": "list", "body": {"text": text},
            "action": {"button": _fit(list_button, BUTTON_TITLE_MAX), "sections": [{"rows": [
                _row(label) for label in labels]}]}}
    return "text", {"body": _fit(numbered_text(text, labels), TEXT_MAX), "preview_url": True}


def _row(label: str) -> dict[str, str]:
    row = {"id": label[:ROW_ID_MAX], "title": _fit(label, ROW_TITLE_MAX)}
    if len(label) > ROW_TITLE_MAX:
        row["description"] = _fit(label, ROW_DESCRIPTION_MAX)
    return row


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _template(spec: dict[str, Any]) -> dict[str, Any]:
    purpose = str(spec.get("purpose", ""))
    # A template per language when the shop has one ("back_in_stock.es=name:es"), else the
    # purpose's own, which may be approved in several languages ("name:en_GB|de|es").
    configured = (settings.WHATSAPP_TEMPLATES.get(f"{purpose}.{spec.get('language', '')}")
                  or settings.WHATSAPP_TEMPLATES.get(purpose, ""))
    name, _, languages = configured.partition(":")
    codes = [code.strip() for code in languages.split("|") if code.strip()]
    if not name or not codes:
        raise PermanentError(
            f"No approved WhatsApp template is configured for {purpose!r} "
            "(WHATSAPP_TEMPLATES takes purpose=name:language, or name:en_GB|de|es for a "
            "template approved in several languages).")
    # The customer's language where the template was approved in it, else the first.
    wanted = str(spec.get("language", "")).lower()
    code = next((c for c in codes if c.replace("-", "_").split("_")[0].lower() == wanted),
                codes[0])
    template: dict[str, Any] = {"name": name, "language": {"code": code}}
    params = spec.get("params") or []
    if params:
        template["components"] = [{"type": "body", "parameters": [
            {"type": "text", "text": str(param)} for param in params]}]
    return template


def _classify(exc: WhatsAppError) -> TemporaryError | PermanentError:
    status = exc.status_code or 0
    text = f"WhatsApp error {exc.code}: {exc.message}"
    if exc.details:
        text = f"{text} ({exc.details})"
    if status >= 500 or status == 429 or exc.is_transient or exc.code in RETRYABLE_CODES:
        return TemporaryError(text, retry_after=_retry_after(exc.raw_response))
    return PermanentError(text)


def _retry_after(response: httpx.Response | None) -> float | None:
    value = response.headers.get("Retry-After", "") if response is not None else ""
    return float(value) if value.isdigit() else None
