"""The store's data: catalogue, orders, shipments and their tracking, returns,
refunds, promotions and the shop's policy."""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from pgvector.django import VectorField

from core import clock
from core.models import Customer

EMBEDDING_DIMENSIONS = 384


class Category(models.TextChoices):
    APPAREL = "apparel", "Apparel"
    FOOTWEAR = "footwear", "Footwear"
    ACCESSORIES = "accessories", "Accessories"


class Product(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    kind = models.CharField(max_length=60, help_text="e.g. jeans, boots, tote bag")
    description = models.TextField(blank=True)
    material = models.CharField(max_length=200, blank=True)
    care = models.CharField(max_length=200, blank=True)
    embedding = VectorField(dimensions=EMBEDDING_DIMENSIONS, null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Variant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=64, unique=True)
    options = models.JSONField(default=dict, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    stock = models.IntegerField(default=0)
    final_sale = models.BooleanField(default=False)

    class Meta:
        ordering = ["sku"]

    def __str__(self) -> str:
        opts = self.option_label()
        return f"{self.product.name} ({opts})" if opts else self.product.name

    def option_label(self, sep: str = ", ") -> str:
        """"M, green": the option values in the order PostgreSQL's jsonb keeps the keys
        (shortest first), so a variant reads the same fresh or loaded."""
        keys = sorted(self.options, key=lambda k: (len(k), k))
        return sep.join(str(self.options[k]) for k in keys)

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def size_key(self) -> tuple[int, float, str]:
        return size_key(str(self.options.get("size", "")))


LETTER_SIZES = ["XXXS", "XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL", "3XL", "4XL"]


def size_key(size: str) -> tuple[int, float, str]:
    """Sizes in the order a shop lists them: XS before S before M, 8 before 10, "UK 7.5"
    between 7 and 8; anything else after, as text."""
    value = size.strip().upper()
    if value in LETTER_SIZES:
        return (0, float(LETTER_SIZES.index(value)), value)
    number = re.search(r"\d+(?:\.\d+)?", value)
    if number:
        return (1, float(number.group()), value)
    return (2, 0.0, value)


class Review(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    customer = models.ForeignKey(Customer, on_delete=models.SET_NULL, null=True, blank=True)
    rating = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at"]


class PaymentMethod(models.Model):
    """A way of paying the shop holds for a customer: a saved card, a PayPal account, a
    gift card with its balance. `ref` names it among the customer's own methods."""

    class Kind(models.TextChoices):
        CARD = "card", "Card"
        PAYPAL = "paypal", "PayPal"
        APPLE_PAY = "apple_pay", "Apple Pay"
        GOOGLE_PAY = "google_pay", "Google Pay"
        KLARNA = "klarna", "Klarna"
        GIFT_CARD = "gift_card", "Gift card"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE,
                                 related_name="payment_methods")
    ref = models.CharField(max_length=40, help_text="e.g. visa-4242; unique per customer")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    brand = models.CharField(max_length=20, blank=True, help_text="Card brand: visa, mastercard…")
    last4 = models.CharField(max_length=4, blank=True)
    balance = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True,
                                  help_text="What is left on a gift card.")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["customer", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "ref"], name="payment_method_ref_unique")
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.CARD:
            brand = self.brand.title() if self.brand else "Card"
            return f"{brand} ending {self.last4}" if self.last4 else brand
        if self.kind == self.Kind.GIFT_CARD and self.balance is not None:
            return f"Gift card ({self.balance} left)"
        return self.get_kind_display()


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Pending payment"
    PROCESSING = "processing", "Processing"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    RETURNED = "returned", "Returned"
    PARTIALLY_RETURNED = "partially_returned", "Partially returned"


class Order(models.Model):
    number = models.CharField(max_length=32, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=20, choices=OrderStatus.choices, db_index=True)
    placed_at = models.DateTimeField(db_index=True)
    email = models.EmailField()
    phone = models.CharField(max_length=32, blank=True)
    currency = models.CharField(max_length=3, default="GBP")
    ship_name = models.CharField(max_length=200, blank=True)
    ship_line1 = models.CharField(max_length=200, blank=True)
    ship_line2 = models.CharField(max_length=200, blank=True)
    ship_city = models.CharField(max_length=100, blank=True)
    ship_postcode = models.CharField(max_length=20, blank=True)
    ship_country = models.CharField(max_length=2, default="GB")
    shipping_cost = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal(0))
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    paid_with = models.ForeignKey(PaymentMethod, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="orders")

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        return f"#{self.number}"

    @property
    def subtotal(self) -> Decimal:
        return sum((i.unit_price * i.quantity for i in self.items.all()), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping_cost

    @property
    def shipping_address(self) -> str:
        parts = [self.ship_line1, self.ship_line2, self.ship_city, self.ship_postcode]
        return ", ".join(p for p in parts if p)


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="order_items")
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    final_sale = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant.sku}"


class Payment(models.Model):
    class Status(models.TextChoices):
        CAPTURED = "captured", "Captured"
        DECLINED = "declined", "Declined"
        REFUNDED = "refunded", "Refunded"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    method = models.CharField(max_length=30, default="card")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CAPTURED)
    reference = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now)


class ShipmentStatus(models.TextChoices):
    LABEL_CREATED = "label_created", "Label created"
    IN_TRANSIT = "in_transit", "In transit"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    DELIVERED = "delivered", "Delivered"
    FAILED_ATTEMPT = "failed_attempt", "Delivery attempt failed"
    EXCEPTION = "exception", "Exception"
    RETURNED_TO_SENDER = "returned_to_sender", "Returned to sender"


class ExceptionKind(models.TextChoices):
    ADDRESS_ISSUE = "address_issue", "Address issue"
    WEATHER_DELAY = "weather_delay", "Weather delay"
    CUSTOMS_HOLD = "customs_hold", "Held at customs"
    DAMAGED = "damaged", "Damaged"
    LOST = "lost", "Lost"
    HELD_AT_DEPOT = "held_at_depot", "Held at depot"
    CARRIER_DELAY = "carrier_delay", "Carrier delay"


class Shipment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    carrier = models.CharField(max_length=30)
    tracking_number = models.CharField(max_length=64, unique=True)
    promised_by = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    # Kept from the tracking events by alerts.watch (one statement, whatever wrote the
    # events): the newest scan, its status, and when the alert scan must next look at
    # the parcel (a stall or a missed promised date; the check-in after delivery). Empty
    # when there is nothing left to watch for, so the scan's index holds only the rest.
    last_scan_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=ShipmentStatus.choices, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    # When the carrier was last asked for this parcel's scans (the reconciliation poll).
    carrier_polled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["next_check_at"], name="shipment_next_check",
                                condition=models.Q(next_check_at__isnull=False))]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"


class TrackingEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=ShipmentStatus.choices)
    exception = models.CharField(max_length=20, choices=ExceptionKind.choices, blank=True)
    carrier_code = models.CharField(max_length=20, blank=True)
    location = models.CharField(max_length=120, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]


class Return(models.Model):
    class Status(models.TextChoices):
        LABEL_SENT = "label_sent", "Label sent"
        IN_TRANSIT = "in_transit", "On its way back"
        RECEIVED = "received", "Received"
        REFUNDED = "refunded", "Refunded"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting a person's approval"
        CLOSED = "closed", "Closed"

    class Resolution(models.TextChoices):
        REFUND = "refund", "Refund"
        EXCHANGE = "exchange", "Exchange"
        STORE_CREDIT = "store_credit", "Store credit"
        KEEP_IT = "keep_it", "Keep it (returnless refund)"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns")
    number = models.CharField(max_length=32, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    resolution = models.CharField(max_length=20, choices=Resolution.choices)
    reason = models.CharField(max_length=120, blank=True)
    carrier = models.CharField(max_length=30, blank=True)
    tracking_number = models.CharField(max_length=64, blank=True)
    label_file = models.CharField(max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number


class ReturnItem(models.Model):
    return_request = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="items")
    order_item = models.ForeignKey(OrderItem, on_delete=models.PROTECT, related_name="returns")
    quantity = models.PositiveIntegerField(default=1)
    exchange_for = models.ForeignKey(
        Variant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    class Method(models.TextChoices):
        ORIGINAL_PAYMENT = "original_payment", "Original payment method"
        STORE_CREDIT = "store_credit", "Store credit"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    return_request = models.ForeignKey(
        Return, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    method = models.CharField(max_length=20, choices=Method.choices)
    status = models.CharField(max_length=16, choices=Status.choices)
    reason = models.CharField(max_length=200, blank=True)
    decided_by = models.CharField(max_length=60, default="bot")
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    expected_by = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class DiscountCode(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", "Percent off"
        FIXED = "fixed", "Fixed amount off"
        FREE_SHIPPING = "free_shipping", "Free shipping"

    code = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal(0))
    min_order_total = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal(0))
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    usage_limit = models.PositiveIntegerField(null=True, blank=True)
    times_used = models.PositiveIntegerField(default=0)
    excludes_sale_items = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.code


class LoyaltyTransaction(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="loyalty")
    points = models.IntegerField()
    reason = models.CharField(max_length=120)
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)


class Article(models.Model):
    class Topic(models.TextChoices):
        SHIPPING = "shipping", "Shipping"
        RETURNS = "returns", "Returns"
        SIZING = "sizing", "Sizing"
        PROMOTIONS = "promotions", "Promotions"
        ACCOUNT = "account", "Account"
        PAYMENTS = "payments", "Payments"

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=20, choices=Topic.choices)
    body = models.TextField()
    # The title and body above are in the shop's own language (LANGUAGE_CODE); a shopper
    # who writes in another is answered from its translation, when the shop wrote one.
    translations = models.JSONField(
        default=dict, blank=True,
        help_text='The article in other languages, by ISO 639-1 code: {"es": {"title": '
                  '"...", "body": "..."}}.')
    embedding = VectorField(dimensions=EMBEDDING_DIMENSIONS, null=True, blank=True)

    def __str__(self) -> str:
        return self.title


class BackInStockSubscription(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="stock_alerts")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="stock_alerts")
    """A shopper's wish to be told when a variant is back. It waits until a restock
    campaign tells them (notified_at), or goes away when they stop it. A wish a guest made
    with an email address waits for its confirmation link to be followed (confirmed_at
    empty until then: double opt-in) before anything is sent."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="stock_alerts")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="stock_alerts")
    channel = models.CharField(max_length=16)
    # The address or number the shopper gave for it, when it is not one on file.
    contact = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    confirmed_at = models.DateTimeField(null=True, blank=True, default=clock.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "variant"], name="one_alert_per_variant")
        ]
        indexes = [models.Index(fields=["variant", "created_at"], name="alert_waiting_order")]


class ShopPolicy(models.Model):
    """The shop's rules, one row. The policy functions in commerce.policy read it."""

    return_window_days = models.PositiveIntegerField(default=30)
    refund_approval_threshold = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("150.00")
    )
    final_sale_returnable = models.BooleanField(default=False)
    allow_exceptions = models.BooleanField(
        default=True, help_text="Send out-of-window returns to a person instead of refusing."
    )
    return_shipping_cost = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("6.50"),
        help_text="What a return costs the shop; below this an item is refunded without return.",
    )
    lost_parcel_value_threshold = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("150.00")
    )
    late_delivery_discount_percent = models.PositiveIntegerField(default=10)
    payment_change_by_person = models.BooleanField(
        default=False,
        help_text="Send requests to pay for an order another way to a person instead of "
                  "letting the bot change it.")
    currency = models.CharField(max_length=3, default="GBP")
    address_change_requires_code = models.BooleanField(
        default=False,
        help_text="Before changing a delivery address for a shopper who proved who they are "
                  "only with what they know (order number and postcode, say), send a "
                  "one-time code to the email or phone on file and wait for it.")

    # When people answer (the shop's time zone, TIME_ZONE): handoff service levels and
    # the insights' business-hours figures count only these hours.
    support_days = models.CharField(
        max_length=7, default="12345",
        validators=[RegexValidator(r"^[1-7]{1,7}$", "Weekday digits 1 (Monday) to 7 (Sunday).")],
        help_text="Days people answer, as ISO weekday digits: 1 = Monday … 7 = Sunday. "
                  "\"12345\" is Monday to Friday.")
    support_opens = models.TimeField(default=time(9, 0))
    support_closes = models.TimeField(
        default=time(17, 0), help_text="Set opens and closes both to 00:00 for all day.")
    handoff_sla_minutes = models.PositiveIntegerField(
        default=60, help_text="A handed-off shopper gets a person's first reply within this "
                              "many minutes of support hours, or the handoff breaches its SLA.")

    class Meta:
        verbose_name_plural = "shop policy"

    def __str__(self) -> str:
        return "Shop policy"
