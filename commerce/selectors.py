"""Reads of the store's data, each with the joins it needs."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Prefetch,
    Q,
    QuerySet,
    Sum,
    prefetch_related_objects,
)

from commerce.models import (
    Article,
    DiscountCode,
    LoyaltyTransaction,
    Order,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentMethod,
    Product,
    Refund,
    Return,
    ReturnItem,
    Shipment,
    TrackingEvent,
    Variant,
)
from core.models import Customer


def _items() -> QuerySet[OrderItem]:
    # A product's embedding is 384 floats: never load it just to name an item.
    return OrderItem.objects.select_related("variant__product").defer(
        "variant__product__embedding")


def normalise_order_number(value: str) -> str:
    return re.sub(r"^(?:#|ord(?:er)?[-\s]?)", "", value.strip(), flags=re.IGNORECASE)


def normalise_postcode(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def order_get(number: str) -> Order | None:
    return (
        Order.objects.select_related("customer")
        .prefetch_related(
            Prefetch("items", queryset=_items()),
            Prefetch("shipments", queryset=Shipment.objects.prefetch_related("events")),
        )
        .filter(number=normalise_order_number(number))
        .first()
    )


def order_with_tracking(order: Order, customer: Customer) -> Order:
    """An order read by order_list_for_customer(customer, tracking=False), made what
    order_get returns (its customer, shipments and scans) without reading it again."""
    order.customer = customer
    prefetch_related_objects([order], Prefetch(
        "shipments", queryset=Shipment.objects.prefetch_related("events")))
    return order


def order_list_for_customer(customer: Customer, *, tracking: bool = True) -> QuerySet[Order]:
    """Newest first, with items; with shipments and their scans unless `tracking` is off
    (choosing among orders needs only their items)."""
    prefetch: list[Prefetch] = [
        Prefetch("items", queryset=_items())]
    if tracking:
        prefetch.append(Prefetch("shipments",
                                 queryset=Shipment.objects.prefetch_related("events")))
    return (Order.objects.filter(customer=customer).prefetch_related(*prefetch)
            .order_by("-placed_at"))


def order_latest_for_customer(customer: Customer) -> Order | None:
    """The order a shopper most likely means when they name none: the newest one still
    on its way, else the newest."""
    orders = list(order_list_for_customer(customer)[:10])
    open_ones = [o for o in orders if o.status in {
        OrderStatus.SHIPPED, OrderStatus.PROCESSING, OrderStatus.PENDING}]
    return (open_ones or orders or [None])[0]


def order_matches_contact(order: Order, *, email: str = "", postcode: str = "") -> bool:
    if email and order.email.strip().lower() == email.strip().lower():
        return True
    return bool(postcode) and (
        normalise_postcode(order.ship_postcode) == normalise_postcode(postcode))


def customer_by_name_and_postcode(name: str, postcode: str) -> Customer | None:
    """The one customer with this full name who had an order shipped to this postcode;
    None when there is none, or more than one."""
    name = " ".join(name.split())
    wanted = normalise_postcode(postcode)
    if not name or not wanted:
        return None
    ids = {customer_id for customer_id, shipped_to in Order.objects.filter(
        customer__name__iexact=name, customer__is_guest=False).values_list(
        "customer_id", "ship_postcode") if normalise_postcode(shipped_to) == wanted}
    return Customer.objects.get(pk=ids.pop()) if len(ids) == 1 else None


def shipment_latest(order: Order) -> Shipment | None:
    shipments = list(order.shipments.all())
    return max(shipments, key=lambda s: s.created_at) if shipments else None


def shipment_events(shipment: Shipment) -> list[TrackingEvent]:
    return sorted(shipment.events.all(), key=lambda e: (e.at, e.pk))


def order_events(order: Order) -> list[TrackingEvent]:
    return [e for s in order.shipments.all() for e in shipment_events(s)]


def returned_quantities(order: Order) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for ri in ReturnItem.objects.filter(order_item__order=order).exclude(
        return_request__status=Return.Status.CLOSED
    ):
        counts[ri.order_item_id] += ri.quantity
    return dict(counts)


def return_list_for_order(order: Order) -> list[Return]:
    return list(order.returns.prefetch_related("items__order_item__variant").all())


def refund_list_for_order(order: Order) -> list[Refund]:
    return list(order.refunds.all())


def payment_list_for_order(order: Order) -> list[Payment]:
    return list(order.payments.order_by("created_at"))


def duplicate_charges(order: Order) -> list[Payment]:
    """Captured payments of the same amount beyond the first: a double charge."""
    seen: dict[Decimal, Payment] = {}
    duplicates: list[Payment] = []
    for p in payment_list_for_order(order):
        if p.status != Payment.Status.CAPTURED:
            continue
        if p.amount in seen:
            duplicates.append(p)
        else:
            seen[p.amount] = p
    return duplicates


MISSING_PARCEL_REFUND_REASON = "Parcel not received"


def missing_parcel_remedy(order: Order) -> tuple[str, Refund | Order | None]:
    """What was already done for this order's missing parcel: ("refund", the refund),
    ("reship", the replacement order) or ("", None)."""
    refund = order.refunds.filter(reason=MISSING_PARCEL_REFUND_REASON).first()
    if refund is not None:
        return "refund", refund
    replacement = Order.objects.filter(number=f"{order.number}-R").first()
    if replacement is not None:
        return "reship", replacement
    return "", None


def variant_get(sku: str) -> Variant | None:
    return Variant.objects.select_related("product").filter(sku__iexact=sku.strip()).first()


def product_get(pk: int) -> Product | None:
    return Product.objects.filter(pk=pk).first()


def variant_list_for_product(product: Product) -> list[Variant]:
    return list(product.variants.order_by("sku"))


# Words of a shopper's question that name no product: "is the navy one in stock?"
_SEARCH_STOP_WORDS = """
the and for you your one ones any are this that these those with have has got get can could
will would does did how much what which when where still stock size sizes colour color
please thanks there them they want need like looking is was it its about item items
"""
SEARCH_STOP_WORDS = frozenset(_SEARCH_STOP_WORDS.split())


def stem(word: str) -> str:
    """"chinos" finds "Chino Trousers", "boxes" finds "Box"; "glass" stays."""
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


# The catalogue's name words as last read, and when (monotonic seconds; 0: read again).
_NAME_WORDS: tuple[float, frozenset[str]] = (0.0, frozenset())
NAME_WORDS_FOR_S = 60.0


def product_name_words() -> frozenset[str]:
    """Every word of the catalogue's product names, lower case: a product's name says
    nothing of the language its shopper writes in. Read again once a product is saved or
    deleted in this process (product_names_forget), and at least once a minute for
    changes made by another one."""
    global _NAME_WORDS
    read_at, words = _NAME_WORDS
    if not read_at or time.monotonic() - read_at > NAME_WORDS_FOR_S:
        words = frozenset(w for name in Product.objects.values_list("name", flat=True)
                          for w in re.findall(r"[^\W\d_]+", name.lower()) if len(w) > 2)
        _NAME_WORDS = (time.monotonic(), words)
    return words


def product_names_forget() -> None:
    """A product was saved or deleted: its name words are read again when next asked."""
    global _NAME_WORDS
    _NAME_WORDS = (0.0, frozenset())


def product_search(text: str, limit: int = 3) -> list[Product]:
    """Products a shopper's words point at: SKU first, then name and kind words,
    then meaning (pgvector) as the fallback."""
    words = [stem(w) for w in re.findall(r"[a-z0-9]+", text.lower())
             if len(w) > 2 and w not in SEARCH_STOP_WORDS]
    sku = Variant.objects.select_related("product").filter(sku__iexact=text.strip()).first()
    if sku is not None:
        return [sku.product]
    if words:
        query = Q()
        for w in words:
            query |= Q(name__icontains=w)
        candidates = list(Product.objects.filter(query)[:200])
        if candidates:
            def score(p: Product) -> tuple[int, int]:
                name = p.name.lower()
                return (sum(1 for w in words if w in name), -len(name))

            ranked = sorted(candidates, key=score, reverse=True)
            best = score(ranked[0])[0]
            if best >= 2 or len(words) <= 2:
                return ranked[:limit]
        kind_hits = list(Product.objects.filter(
            Q(kind__in=words) | Q(kind__in=[w.rstrip("s") for w in words]))[:limit])
        if kind_hits:
            return kind_hits
    return product_semantic_search(text, limit)


def payment_method_list(customer: Customer) -> list[PaymentMethod]:
    return list(PaymentMethod.objects.filter(customer=customer).order_by("pk"))


def payment_method_get(customer: Customer, pk: int) -> PaymentMethod | None:
    return PaymentMethod.objects.filter(customer=customer, pk=pk).first()


def product_kind_list() -> list[str]:
    """The kinds of product the shop sells ("boots", "jacket"), each once."""
    return list(Product.objects.order_by().values_list("kind", flat=True).distinct())


def product_list_with_variants(kinds: set[str] | None = None) -> list[Product]:
    """Products (of the given kinds, stemmed, when named) with their variants and reviews
    loaded, for questions that compare or filter the catalogue."""
    products = Product.objects.prefetch_related("variants", "reviews").order_by("name")
    if kinds:
        products = products.filter(
            Q(kind__in=kinds) | Q(kind__in=[f"{k}s" for k in kinds]))
    return list(products[:500])


def product_semantic_search(text: str, limit: int = 3) -> list[Product]:
    from pgvector.django import CosineDistance

    if not Product.objects.exclude(embedding=None).exists():
        return []
    # Lazy: the encoder brings torch, needed only by a semantic search.
    from core.encoder import embed_texts

    vector = embed_texts([text])[0]
    return list(
        Product.objects.exclude(embedding=None)
        .annotate(distance=CosineDistance("embedding", vector))
        .filter(distance__lt=0.6)
        .order_by("distance")[:limit]
    )


def article_search(text: str, topic: str | None = None, limit: int = 1) -> list[Article]:
    qs = Article.objects.all()
    if topic:
        # An article on another topic is never the answer: better none than a wrong one.
        topical = list(qs.filter(topic=topic))
        if len(topical) <= 1:
            return topical
        qs = qs.filter(topic=topic)
    if qs.exclude(embedding=None).exists():
        from pgvector.django import CosineDistance

        # Lazy: the encoder brings torch, needed only by a semantic search.
        from core.encoder import embed_texts

        vector = embed_texts([text])[0]
        return list(
            qs.exclude(embedding=None)
            .annotate(distance=CosineDistance("embedding", vector))
            .order_by("distance")[:limit]
        )
    words = [w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3]
    query = Q()
    for w in words:
        query |= Q(title__icontains=w) | Q(body__icontains=w)
    return list(qs.filter(query)[:limit]) if words else list(qs[:limit])


def discount_code_get(code: str) -> DiscountCode | None:
    return DiscountCode.objects.filter(code__iexact=code.strip()).first()


def loyalty_balance(customer: Customer) -> int:
    return LoyaltyTransaction.objects.filter(customer=customer).aggregate(
        total=Sum("points"))["total"] or 0
