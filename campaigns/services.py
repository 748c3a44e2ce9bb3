"""Writes of back-in-stock: wishes and the consent they carry, stopping them, and the
restock campaigns that tell the waiting shoppers (started by a restock or by hand,
released in batches, paused, resumed, cancelled).

A batch is released by `campaign_release`, one transaction under the campaign's row lock:
stock is read again first (sold out: the campaign stops and tells the rest nothing);
then the oldest waiting wishes are taken, each shopper is checked (consent on the
channel, a way to reach them, the weekly marketing cap, their quiet hours, WhatsApp's
daily conversation tier) and either queued once, with their outbox message, or held with
the reason. The unique (campaign, customer) row is what makes a message go once however
often a batch is retried; the outbox's claim makes it be sent once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from campaigns import texts
from campaigns.models import Campaign, Recipient
from commerce.models import BackInStockSubscription, Variant
from conversations import proactive as outreach
from conversations.models import Message
from core import clock
from core.formatting import language_or_default
from core.models import Channel, Customer, MarketingConsent
from replies.render import Say, render

logger = logging.getLogger(__name__)

PURPOSE = "back_in_stock"
# A consent given for marketing in general covers back-in-stock alerts too.
CONSENT_PURPOSES = (PURPOSE, "marketing")
REACHABLE = (Channel.WHATSAPP, Channel.EMAIL, Channel.TELEGRAM)
CHUNK = 5000
CLICK_SALT = "campaigns.click"
STOP_SALT = "campaigns.stop"
CONFIRM_SALT = "campaigns.confirm"


class CampaignRefused(ValueError):
    """A marketer's action that cannot be done as asked."""


# --- wishes and consent ------------------------------------------------------------------


def stock_alert_subscribe(customer: Customer, variant: Variant, channel: str, *,
                          wording: str, source: str, contact: str = "",
                          confirmed: bool = True) -> BackInStockSubscription:
    """A shopper asks to be told when `variant` is back, on `channel`. The consent is kept
    with the words they agreed to and when; a wish that needs confirming (a guest's email
    address: double opt-in) waits, unconfirmed, until its link is followed."""
    now = clock.now()
    with transaction.atomic():
        subscription, created = BackInStockSubscription.objects.get_or_create(
            customer=customer, variant=variant,
            defaults={"channel": channel, "contact": contact[:254], "created_at": now,
                      "confirmed_at": now if confirmed else None})
        if not created and confirmed and subscription.confirmed_at is None:
            subscription.confirmed_at = now
            subscription.save(update_fields=["confirmed_at"])
        if confirmed:
            consent_record(customer, channel, wording=wording, source=source)
    return subscription


def stock_alert_request_by_email(customer: Customer, variant: Variant, address: str, *,
                                 source: str) -> BackInStockSubscription:
    """A guest's wish to be emailed at `address`: kept unconfirmed, and a confirmation
    link goes to that address (double opt-in). Nothing marketing is sent before they
    follow it."""
    subscription = stock_alert_subscribe(customer, variant, Channel.EMAIL, wording="",
                                         source=source, contact=address, confirmed=False)
    if subscription.confirmed_at is None:
        link = f"{settings.SITE_URL.rstrip('/')}/alerts/confirm/{confirmation_token(subscription)}/"
        facts = {"product": str(variant), "shop": settings.SHOP_NAME}
        outreach.proactive_queue([outreach.Proactive(
            customer_id=subscription.customer_id, channel=Channel.EMAIL, to=address,
            purpose="stock_alert_confirmation",
            subject=render(Say("campaign.confirm.subject", **facts), customer.language),
            text=render(Say("campaign.confirm.text", link=link, **facts),
                        customer.language))])
    return subscription


def stock_alert_from_form(*, sku: str, email: str, whatsapp: str, consent: bool,
                          client: str, language: str = "") -> dict[str, str]:
    """The site's notify-me form, filled in by a guest in the page's `language`. The wish
    waits for its proof of address: a link by email, or a message with a code from the
    WhatsApp number."""
    from django.core.validators import validate_email

    language = language_or_default(language)

    def refused(say: Say) -> ValueError:
        return ValueError(render(say, language))

    variant = Variant.objects.select_related("product").filter(sku=sku).first()
    if variant is None:
        raise refused(Say("campaign.form.choose_item"))
    if variant.stock > 0:
        raise refused(Say("campaign.form.in_stock", product=str(variant)))
    if not consent:
        raise refused(Say("campaign.form.consent"))
    if bool(email) == bool(whatsapp):
        raise refused(Say("campaign.form.one_contact"))
    guest = Customer.objects.create(is_guest=True, language=language, created_at=clock.now())
    if email:
        validate_email(email)
        stock_alert_request_by_email(guest, variant, email, source="form")
        return {"status": "confirm_email",
                "message": render(Say("campaign.form.email_sent", email=email), language)}
    digits = "".join(c for c in whatsapp if c.isdigit())
    if not 8 <= len(digits) <= 15:
        raise refused(Say("campaign.form.bad_number"))
    subscription = stock_alert_subscribe(guest, variant, Channel.WHATSAPP, wording="",
                                         source="form", contact=f"+{digits}", confirmed=False)
    code = whatsapp_code(subscription.pk)
    return {"status": "confirm_whatsapp", "code": code,
            "message": render(Say("campaign.form.whatsapp_code", code=code,
                                  number=f"+{digits}"), language)}


def whatsapp_code(subscription_id: int) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), f"alert:{subscription_id}".encode(),
                   hashlib.sha256).hexdigest()[:6].upper()
    return f"ALERTS {subscription_id}-{mac}"


def stock_alert_confirm_by_message(code: str, sender: str,
                                   customer: Customer) -> BackInStockSubscription | None:
    """A message from a WhatsApp number carrying the code its notify-me form showed: the
    number is the shopper's (the platform vouches for it), so the wish counts, as theirs."""
    match = re.fullmatch(r"ALERTS (\d+)-([0-9A-F]{6})", code.strip().upper())
    if match is None or not hmac.compare_digest(whatsapp_code(int(match[1])),
                                                 code.strip().upper()):
        return None
    digits = "".join(c for c in sender if c.isdigit())
    with transaction.atomic():
        subscription = BackInStockSubscription.objects.select_for_update().select_related(
            "variant__product").filter(pk=int(match[1]), channel=Channel.WHATSAPP).first()
        if subscription is None or "".join(
                c for c in subscription.contact if c.isdigit()) != digits:
            return None
        if subscription.customer_id != customer.pk:
            guest = subscription.customer
            if BackInStockSubscription.objects.filter(
                    customer=customer, variant=subscription.variant).exists():
                subscription.delete()
                subscription = BackInStockSubscription.objects.get(
                    customer=customer, variant=subscription.variant)
            else:
                subscription.customer = customer
                subscription.save(update_fields=["customer"])
            if guest.is_guest and not guest.stock_alerts.exists() and not \
                    guest.conversations.exists():
                guest.delete()
        if subscription.confirmed_at is None:
            subscription.confirmed_at = clock.now()
            subscription.save(update_fields=["confirmed_at"])
        consent_record(customer, Channel.WHATSAPP, source="whatsapp_message",
                       wording=texts.consent_wording(Channel.WHATSAPP,
                                                     str(subscription.variant),
                                                     customer.language))
    return subscription


def consent_record(customer: Customer, channel: str, *, wording: str,
                   source: str) -> MarketingConsent:
    active = MarketingConsent.objects.filter(
        customer=customer, channel=channel, purpose__in=CONSENT_PURPOSES,
        withdrawn_at__isnull=True).first()
    if active is not None:
        return active
    return MarketingConsent.objects.create(customer=customer, channel=channel, purpose=PURPOSE,
                                           wording=wording, source=source,
                                           created_at=clock.now())


def confirmation_token(subscription: BackInStockSubscription) -> str:
    return signing.dumps(subscription.pk, salt=CONFIRM_SALT)


def confirmation_language(token: str, max_age_days: int = 7) -> str:
    """The language of the customer a confirmation link is for; BadSignature when the
    link is not (or no longer) good, DoesNotExist when its wish is gone."""
    pk = signing.loads(token, salt=CONFIRM_SALT, max_age=timedelta(days=max_age_days))
    return BackInStockSubscription.objects.select_related("customer").get(
        pk=pk).customer.language


def stock_alert_confirm(token: str, max_age_days: int = 7) -> BackInStockSubscription:
    """A guest followed the link sent to the address they gave: the wish counts now, with
    its consent, and the address becomes theirs (when no other customer has it)."""
    pk = signing.loads(token, salt=CONFIRM_SALT, max_age=timedelta(days=max_age_days))
    with transaction.atomic():
        subscription = BackInStockSubscription.objects.select_for_update().select_related(
            "customer", "variant__product").get(pk=pk)
        if subscription.confirmed_at is None:
            subscription.confirmed_at = clock.now()
            customer = subscription.customer
            owner = Customer.objects.filter(email__iexact=subscription.contact).exclude(
                pk=customer.pk).first() if subscription.contact else None
            if owner is not None and not owner.stock_alerts.filter(
                    variant_id=subscription.variant_id).exists():
                # The address is a customer's, and following the link proves it is theirs.
                subscription.customer = customer = owner
            elif owner is None and customer.is_guest and not customer.email:
                customer.email = subscription.contact
                customer.save(update_fields=["email"])
            subscription.save(update_fields=["confirmed_at", "customer"])
            consent_record(customer, subscription.channel, source="double_opt_in",
                           wording=texts.consent_wording(
                               subscription.channel, str(subscription.variant),
                               customer.language))
    return subscription


@dataclass(frozen=True)
class Stopped:
    labels: list[str]
    channels: list[str]


def stock_alerts_stop(customer: Customer, *, variant_ids: list[int] | None = None,
                      channel: str | None = None) -> Stopped:
    """Stop back-in-stock alerts: for the named variants, or all of them (then the
    consent on `channel`, or on every channel, is withdrawn too). Messages queued for
    them and not yet sent are not sent."""
    now = clock.now()
    with transaction.atomic():
        wishes = BackInStockSubscription.objects.filter(customer=customer).select_related(
            "variant__product")
        if variant_ids is not None:
            wishes = wishes.filter(variant_id__in=variant_ids)
        stopped = [w for w in wishes if w.notified_at is None]
        labels = [str(w.variant) for w in stopped]
        # A wish an alert already answered is not waiting: it stays as the record of it.
        ids = [w.pk for w in stopped]
        unsent = Recipient.objects.filter(
            customer=customer, status=Recipient.Status.QUEUED,
            message__delivery=Message.Delivery.PENDING)
        if variant_ids is not None:
            unsent = unsent.filter(campaign__variant_id__in=variant_ids)
        message_ids = list(unsent.values_list("message_id", flat=True))
        Message.objects.filter(pk__in=message_ids, delivery=Message.Delivery.PENDING).update(
            delivery=Message.Delivery.FAILED,
            last_error="Not sent: the shopper stopped back-in-stock alerts first.")
        Recipient.objects.filter(message_id__in=message_ids).update(
            status=Recipient.Status.WITHDRAWN)
        Recipient.objects.filter(customer=customer, status__in=[
            Recipient.Status.DEFERRED, Recipient.Status.DAILY_LIMIT]).filter(
            Q(campaign__variant_id__in=variant_ids) if variant_ids is not None else Q()
        ).update(status=Recipient.Status.WITHDRAWN)
        BackInStockSubscription.objects.filter(pk__in=ids).delete()
        channels: list[str] = []
        if variant_ids is None:
            consents = MarketingConsent.objects.filter(
                customer=customer, purpose__in=CONSENT_PURPOSES, withdrawn_at__isnull=True)
            if channel:
                consents = consents.filter(channel=channel)
            channels = sorted(set(consents.values_list("channel", flat=True)))
            consents.update(withdrawn_at=now)
    return Stopped(labels=labels, channels=channels)


def stop_link_check(token: str) -> int:
    [customer_id] = _token_read(token, STOP_SALT, 1)
    return customer_id


def stop_link_language(token: str) -> str:
    """The language of the customer an unsubscribe link is for (BadSignature, or
    DoesNotExist, when it names none)."""
    return Customer.objects.values_list("language", flat=True).get(pk=stop_link_check(token))


def stock_alerts_stop_by_link(token: str) -> Stopped:
    """The unsubscribe link of an alert email: every back-in-stock alert of its customer
    stops, and their email consent is withdrawn."""
    customer = Customer.objects.get(pk=stop_link_check(token))
    return stock_alerts_stop(customer, channel=Channel.EMAIL)


# --- restock and campaigns ----------------------------------------------------------------


def stock_changed(variant_id: int, old: int, new: int) -> None:
    """Every stock change passes here (admin, services, the shop platform's webhook): a
    variant back from 0 starts its restock campaign once the change is committed."""
    if old <= 0 < new:
        from campaigns.tasks import restock_campaign_start

        transaction.on_commit(lambda: restock_campaign_start.delay(variant_id))


def campaign_start(variant: Variant, *, trigger: str = Campaign.Trigger.RESTOCK,
                   by: Any = None) -> Campaign | None:
    """Start telling the shoppers waiting for `variant`; the first batch goes at once.
    None when nobody waits (a restock with no wishes is no campaign); an active campaign
    of the variant is returned as it is."""
    with transaction.atomic():
        variant = Variant.objects.select_for_update().get(pk=variant.pk)
        active = Campaign.objects.filter(variant=variant, status__in=Campaign.ACTIVE).first()
        if active is not None:
            return active
        waiting = _waiting(variant).count()
        if not waiting:
            if trigger == Campaign.Trigger.MANUAL:
                raise CampaignRefused(f"Nobody is waiting for {variant}.")
            return None
        if variant.stock <= 0 and trigger == Campaign.Trigger.MANUAL:
            raise CampaignRefused(f"{variant} is out of stock: there is nothing to announce.")
        now = clock.now()
        campaign = Campaign.objects.create(
            variant=variant, trigger=trigger, units=max(variant.stock, 0), audience=waiting,
            next_batch_at=now, started_by=by if getattr(by, "pk", None) else None,
            created_at=now)
        transaction.on_commit(lambda: _release_soon(campaign.pk))
    return campaign


def _release_soon(campaign_id: int) -> None:
    from campaigns.tasks import campaign_release

    campaign_release.delay(campaign_id)


def campaign_pause(campaign: Campaign) -> Campaign:
    return _transition(campaign, {Campaign.Status.RUNNING}, Campaign.Status.PAUSED)


def campaign_resume(campaign: Campaign) -> Campaign:
    campaign = _transition(campaign, {Campaign.Status.PAUSED}, Campaign.Status.RUNNING,
                           next_batch_at=clock.now())
    transaction.on_commit(lambda: _release_soon(campaign.pk))
    return campaign


def campaign_cancel(campaign: Campaign) -> Campaign:
    """Stop for good; what was queued and not yet sent is not sent."""
    with transaction.atomic():
        campaign = _transition(campaign, set(Campaign.ACTIVE), Campaign.Status.CANCELLED,
                               finished_at=clock.now(), next_batch_at=None)
        unsent = Recipient.objects.filter(campaign=campaign, status=Recipient.Status.QUEUED,
                                          message__delivery=Message.Delivery.PENDING)
        Message.objects.filter(pk__in=unsent.values("message_id"),
                               delivery=Message.Delivery.PENDING).update(
            delivery=Message.Delivery.FAILED, last_error="Not sent: the campaign was cancelled.")
    return campaign


def _transition(campaign: Campaign, allowed: set[str], to: str, **fields: Any) -> Campaign:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status not in allowed:
            raise CampaignRefused(f"A campaign that is {campaign.get_status_display().lower()} "
                                  f"cannot be {to.replace('_', ' ')}.")
        campaign.status = to
        for name, value in fields.items():
            setattr(campaign, name, value)
        campaign.save(update_fields=["status", *fields])
    return campaign


def _waiting(variant: Variant) -> Any:
    return BackInStockSubscription.objects.filter(
        variant=variant, confirmed_at__isnull=False, notified_at__isnull=True)


FINAL = [Recipient.Status.QUEUED, Recipient.Status.OVER_CAP, Recipient.Status.NO_CONSENT,
         Recipient.Status.NO_CONTACT, Recipient.Status.WITHDRAWN]


def campaign_release(campaign_id: int, *, batch_limit: bool = True) -> int:
    """Release the campaign's next batch if it is due; how many messages were queued."""
    now = clock.now()
    with transaction.atomic():
        campaign = (Campaign.objects.select_for_update(skip_locked=True)
                    .select_related("variant__product")
                    .filter(pk=campaign_id, status=Campaign.Status.RUNNING,
                            next_batch_at__lte=now).first())
        if campaign is None:
            return 0
        variant = Variant.objects.select_related("product").get(pk=campaign.variant_id)
        if variant.stock <= 0:
            campaign.status = Campaign.Status.SOLD_OUT
            campaign.finished_at = now
            campaign.next_batch_at = None
            campaign.save(update_fields=["status", "finished_at", "next_batch_at"])
            return 0
        per_unit = settings.BIS_SUBSCRIBERS_PER_UNIT
        budget = variant.stock * per_unit if batch_limit and per_unit > 0 else None
        batch = _Batch(campaign, variant, now, budget)
        wishes = (_waiting(variant).filter(~_in_campaign(campaign, FINAL))
                  .select_related("customer").order_by("created_at", "pk"))
        last = None
        while not batch.full:
            chunk = list((wishes.filter(Q(created_at__gt=last[0]) | Q(
                created_at=last[0], pk__gt=last[1])) if last else wishes)[:CHUNK])
            if not chunk:
                break
            batch.consider(chunk)
            last = (chunk[-1].created_at, chunk[-1].pk)
        queued = batch.commit()
        campaign.batches += 1
        remaining = _waiting(variant).filter(~_in_campaign(campaign, FINAL))
        waiting_states = [Recipient.Status.DEFERRED, Recipient.Status.DAILY_LIMIT]
        held = Recipient.objects.filter(campaign=campaign, status__in=waiting_states)
        if remaining.filter(~_in_campaign(campaign, waiting_states)).exists():
            campaign.next_batch_at = now + timedelta(seconds=settings.BIS_BATCH_INTERVAL_SECONDS)
        elif remaining.exists():
            campaign.next_batch_at = min(held.filter(due_at__isnull=False).values_list(
                "due_at", flat=True), default=now + timedelta(hours=1))
        else:
            campaign.status = Campaign.Status.DONE
            campaign.finished_at = now
            campaign.next_batch_at = None
        campaign.save(update_fields=["batches", "next_batch_at", "status", "finished_at"])
    logger.info("Campaign %s: batch %s queued %s", campaign.pk, campaign.batches, queued)
    return queued


def _in_campaign(campaign: Campaign, statuses: list[str]) -> Exists:
    # NOT EXISTS, not NOT IN: rows just written have no planner statistics yet, and NOT IN
    # over a subquery the planner thinks is empty runs it once per waiting shopper.
    return Exists(Recipient.objects.filter(campaign=campaign, status__in=statuses,
                                           customer_id=OuterRef("customer_id")))


def campaigns_due(now: datetime | None = None) -> list[int]:
    now = now or clock.now()
    return list(Campaign.objects.filter(status=Campaign.Status.RUNNING,
                                        next_batch_at__lte=now).values_list("pk", flat=True))


class _Batch:
    """The shoppers of one batch, decided chunk by chunk, written together."""

    def __init__(self, campaign: Campaign, variant: Variant, now: datetime,
                 budget: int | None) -> None:
        self.campaign, self.variant, self.now, self.budget = campaign, variant, now, budget
        self.decided: list[tuple[BackInStockSubscription, str, str, str, datetime | None]] = []
        self.messages: list[outreach.Proactive] = []
        self.queued = 0
        self.whatsapp_left = outreach.business_conversations_left(now)
        self.quiet = _quiet_hours(settings.MARKETING_QUIET_HOURS)

    @property
    def full(self) -> bool:
        return self.budget is not None and self.queued >= self.budget

    def consider(self, wishes: list[BackInStockSubscription]) -> None:
        customers = [w.customer_id for w in wishes]
        consents: dict[int, set[str]] = {}
        for customer_id, channel in outreach.rows(
                "SELECT customer_id, channel FROM core_marketingconsent WHERE customer_id = "
                "ANY(%s) AND purpose = ANY(%s) AND withdrawn_at IS NULL",
                [customers, list(CONSENT_PURPOSES)]):
            consents.setdefault(customer_id, set()).add(channel)
        identities: dict[tuple[int, str], str] = {}
        for customer_id, channel, external_id in outreach.rows(
                "SELECT customer_id, channel, external_id FROM core_channelidentity WHERE "
                "customer_id = ANY(%s) AND channel = ANY(%s) ORDER BY last_seen_at NULLS FIRST",
                [customers, [Channel.WHATSAPP.value, Channel.TELEGRAM.value]]):
            identities[(customer_id, channel)] = external_id
        week = Counter(dict(outreach.rows(
            "SELECT customer_id, COUNT(*) FROM campaigns_recipient WHERE customer_id = ANY(%s) "
            "AND status = 'queued' AND created_at >= %s GROUP BY customer_id",
            [customers, self.now - timedelta(days=7)])))
        routes = []
        for wish in wishes:
            if self.full:
                break
            route = _route(wish, consents.get(wish.customer_id, set()), identities)
            routes.append((wish, route))
        windows = outreach.whatsapp_windows_open(
            [to for _, r in routes if r and r[0] == Channel.WHATSAPP for to in [r[1]]], self.now)
        for wish, route in routes:
            if self.full:
                break
            customer = wish.customer
            language = customer.language or "en"
            if route is None:
                reason = (Recipient.Status.NO_CONSENT if not consents.get(wish.customer_id)
                          else Recipient.Status.NO_CONTACT)
                self.decided.append((wish, wish.channel, language, reason, None))
                continue
            channel, to = route
            if week[wish.customer_id] >= settings.MARKETING_WEEKLY_CAP:
                self.decided.append((wish, channel, language, Recipient.Status.OVER_CAP, None))
                continue
            quiet_until = max((_quiet_until(self.quiet, zone, self.now)
                               for zone in customer_zones(customer)),
                              key=lambda t: t or self.now, default=None)
            if quiet_until is not None:
                self.decided.append((wish, channel, language, Recipient.Status.DEFERRED,
                                     quiet_until))
                continue
            opens = channel == Channel.WHATSAPP and to not in windows
            if opens and self.whatsapp_left is not None:
                if self.whatsapp_left <= 0:
                    self.decided.append((wish, channel, language,
                                         Recipient.Status.DAILY_LIMIT,
                                         self.now + timedelta(hours=1)))
                    continue
                self.whatsapp_left -= 1
            self.messages.append(_alert(self.campaign, self.variant, customer, channel, to,
                                        language, opens))
            self.decided.append((wish, channel, language, Recipient.Status.QUEUED, None))
            week[wish.customer_id] += 1
            self.queued += 1

    def commit(self) -> int:
        queued = outreach.proactive_queue(self.messages)
        _in_view([m.conversation_id for m in queued], self.variant)
        messages = iter(queued)
        rows = []
        for wish, channel, language, status, due_at in self.decided:
            message = next(messages) if status == Recipient.Status.QUEUED else None
            rows.append(Recipient(
                campaign=self.campaign, subscription=wish, customer_id=wish.customer_id,
                channel=channel, language=language, status=status, due_at=due_at,
                message=message, wished_at=wish.created_at, created_at=self.now))
        try:
            # New shoppers of the campaign (nearly always): written with COPY.
            with transaction.atomic():
                outreach.copy_insert(Recipient, rows)
        except IntegrityError:
            # Some were held back before (quiet hours, the daily tier): their rows change.
            Recipient.objects.bulk_create(
                rows, batch_size=5000, update_conflicts=True,
                unique_fields=["campaign", "customer"],
                update_fields=["status", "due_at", "message", "channel", "created_at"])
        outreach.rows("UPDATE commerce_backinstocksubscription SET notified_at = %s "
                      "WHERE id = ANY(%s)", [self.now, [
                          w.pk for w, *_, status, _ in self.decided
                          if status == Recipient.Status.QUEUED]])
        return self.queued


def _in_view(conversation_ids: list[int], variant: Variant) -> None:
    """The alert is in the conversation's memory, so "is it still there?" is about it."""
    if not conversation_ids:
        return
    outreach.rows(
        "UPDATE conversations_conversation SET state = COALESCE(state, '{}'::jsonb) || "
        "%s::jsonb WHERE id = ANY(%s)",
        [json.dumps({"product": variant.product_id, "alert_variant": variant.pk}),
         conversation_ids])


def _route(wish: BackInStockSubscription, consented: set[str],
           identities: dict[tuple[int, str], str]) -> tuple[str, str] | None:
    """The channel and address to tell this shopper on: their preferred channel, else the
    one they asked on, else any other; each only with consent and a way to reach them."""
    customer = wish.customer
    order = [c for c in (customer.preferred_channel, wish.channel, *REACHABLE) if c]
    for channel in dict.fromkeys(order):
        if channel not in consented or channel not in REACHABLE:
            continue
        to = _contact(customer, channel, wish, identities)
        if to:
            return channel, to
    return None


def _contact(customer: Customer, channel: str, wish: BackInStockSubscription,
             identities: dict[tuple[int, str], str]) -> str:
    given = wish.contact if wish.channel == channel else ""
    if channel == Channel.EMAIL:
        return customer.email or given
    if channel == Channel.WHATSAPP:
        found = identities.get((customer.pk, channel)) or customer.phone or given
        digits = "".join(c for c in found if c.isdigit())
        return f"+{digits}" if digits else ""
    return identities.get((customer.pk, channel), "")


def _alert(campaign: Campaign, variant: Variant, customer: Customer, channel: str, to: str,
           language: str, opens: bool) -> outreach.Proactive:

    first_name = (customer.name or "").split(" ")[0] if not customer.is_guest else ""
    unsubscribe = stop_link(customer.pk) if channel == Channel.EMAIL else ""
    alert = texts.alert(
        channel, language, first_name=first_name, product=str(variant),
        price=variant.price, stock=variant.stock,
        link=click_link(campaign.pk, customer.pk), unsubscribe=unsubscribe)
    return outreach.Proactive(
        customer_id=customer.pk, channel=channel, to=to, text=alert.text, purpose=PURPOSE,
        subject=alert.subject if channel == Channel.EMAIL else "",
        template={"purpose": PURPOSE, "params": alert.params, "language": language}
        if channel == Channel.WHATSAPP else None,
        opens_conversation=opens,
        extra={"campaign": campaign.pk, "variant": variant.sku,
               **({"list_unsubscribe": unsubscribe} if unsubscribe else {})})


def click_link(campaign_id: int, customer_id: int) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/alerts/go/{click_token(campaign_id, customer_id)}/"


def stop_link(customer_id: int) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/alerts/stop/{stop_token(customer_id)}/"


def _mac(salt: str, text: str) -> str:
    # A keyed hash per link; the key is derived once (Django's signing derives it for
    # every token, which for a campaign of 100,000 costs seconds).
    key = _KEYS.get(salt)
    if key is None:
        key = _KEYS[salt] = hashlib.sha256(f"{salt}:{settings.SECRET_KEY}".encode()).digest()
    digest = hmac.new(key, text.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


_KEYS: dict[str, bytes] = {}


def click_token(campaign_id: int, customer_id: int) -> str:
    text = f"{campaign_id}.{customer_id}"
    return f"{text}.{_mac(CLICK_SALT, text)}"


def stop_token(customer_id: int) -> str:
    return f"{customer_id}.{_mac(STOP_SALT, str(customer_id))}"


def _token_read(token: str, salt: str, parts: int) -> list[int]:
    *values, mac = token.split(".")
    if len(values) != parts or not all(v.isdigit() for v in values) or not hmac.compare_digest(
            mac, _mac(salt, ".".join(values))):
        raise signing.BadSignature("This link is not valid.")
    return [int(v) for v in values]


def alert_click(token: str) -> str:
    """A shopper followed the link of an alert: the click is kept (the first one) and the
    product's page is where they go."""
    campaign_id, customer_id = _token_read(token, CLICK_SALT, 2)
    recipient = Recipient.objects.select_related("campaign__variant__product").filter(
        campaign_id=campaign_id, customer_id=customer_id).first()
    if recipient is None:
        raise signing.BadSignature("No such alert.")
    Recipient.objects.filter(pk=recipient.pk, clicked_at__isnull=True).update(
        clicked_at=clock.now())
    return product_url(recipient.campaign.variant)


def product_url(variant: Variant) -> str:
    pattern = settings.PRODUCT_URL or "{site}/?product={slug}&variant={sku}"
    return pattern.format(site=settings.SITE_URL.rstrip("/"), slug=variant.product.slug,
                          sku=variant.sku)


def _quiet_hours(spec: str) -> tuple[int, int] | None:
    start, _, end = spec.partition("-")
    try:
        return (int(start), int(end)) if start.strip() and end.strip() else None
    except ValueError:
        return None


def _quiet_until(quiet: tuple[int, int] | None, zone: str, now: datetime) -> datetime | None:
    """When the shopper's quiet hours end, if it is within them now; None otherwise."""
    if quiet is None or quiet[0] == quiet[1]:
        return None
    local = now.astimezone(_zone(zone))
    start, end = quiet
    hour = local.hour
    inside = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not inside:
        return None
    day = local.date() if hour < end else local.date() + timedelta(days=1)
    return datetime.combine(day, time(end), tzinfo=local.tzinfo).astimezone(now.tzinfo)


# Where a phone number's country code puts its owner, when they never said: a country
# that spans zones names its outermost ones, and quiet hours hold while it is night in
# any of them.
CALLING_ZONES: dict[str, tuple[str, ...]] = {
    "1": ("America/New_York", "America/Los_Angeles"), "7": ("Europe/Moscow",),
    "27": ("Africa/Johannesburg",), "31": ("Europe/Amsterdam",), "32": ("Europe/Brussels",),
    "33": ("Europe/Paris",), "34": ("Europe/Madrid",), "39": ("Europe/Rome",),
    "41": ("Europe/Zurich",), "43": ("Europe/Vienna",), "44": ("Europe/London",),
    "45": ("Europe/Copenhagen",), "46": ("Europe/Stockholm",), "47": ("Europe/Oslo",),
    "48": ("Europe/Warsaw",), "49": ("Europe/Berlin",), "52": ("America/Mexico_City",),
    "55": ("America/Sao_Paulo",), "61": ("Australia/Perth", "Australia/Sydney"),
    "64": ("Pacific/Auckland",), "65": ("Asia/Singapore",), "81": ("Asia/Tokyo",),
    "86": ("Asia/Shanghai",), "91": ("Asia/Kolkata",), "351": ("Europe/Lisbon",),
    "353": ("Europe/Dublin",), "971": ("Asia/Dubai",),
}


def customer_zones(customer: Customer) -> tuple[str, ...]:
    """The time zones the shopper may be in: the one they set, else their phone's country's,
    else the shop's."""
    if customer.time_zone:
        return (customer.time_zone,)
    phone = customer.phone.strip()
    if phone.startswith(("+", "00")):
        digits = "".join(c for c in phone if c.isdigit()).removeprefix(
            "00" if phone.startswith("00") else "")
        for length in (3, 2, 1):
            if digits[:length] in CALLING_ZONES:
                return CALLING_ZONES[digits[:length]]
    return (settings.TIME_ZONE,)


_ZONES: dict[str, ZoneInfo] = {}


def _zone(name: str) -> ZoneInfo:
    name = name or settings.TIME_ZONE
    if name not in _ZONES:
        try:
            _ZONES[name] = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            _ZONES[name] = ZoneInfo(settings.TIME_ZONE)
    return _ZONES[name]


def test_send(user: Any, variant: Variant, channel: str, language: str, to: str) -> Message:
    """A marketer sees the alert as a shopper would: sent through the outbox to their own
    address or number, marked as a test (no campaign counts it)."""
    if channel not in REACHABLE:
        raise CampaignRefused(f"Test sends go by email, WhatsApp or Telegram, not {channel}.")
    if not to:
        raise CampaignRefused("Give the address or number to send the test to.")
    with transaction.atomic():
        email = to if channel == Channel.EMAIL else ""
        customer = (Customer.objects.filter(email__iexact=email).first() if email else None)
        if customer is None:
            try:
                with transaction.atomic():
                    customer = Customer.objects.create(
                        name=user.get_full_name() or user.get_username(), email=email,
                        phone=to if channel == Channel.WHATSAPP else "", is_guest=True,
                        tags=["staff-test"], created_at=clock.now())
            except IntegrityError as exc:
                raise CampaignRefused("That address belongs to a customer.") from exc
        alert = texts.alert(channel, language, first_name=customer.name.split(" ")[0],
                            product=str(variant), price=variant.price, stock=variant.stock,
                            link=product_url(variant), unsubscribe=stop_link(customer.pk))
        [message] = outreach.proactive_queue([outreach.Proactive(
            customer_id=customer.pk, channel=channel, to=to, text=f"[TEST] {alert.text}",
            purpose=PURPOSE, subject=f"[TEST] {alert.subject}",
            template={"purpose": PURPOSE, "params": alert.params, "language": language}
            if channel == Channel.WHATSAPP else None, extra={"test": True})])
    return message

