"""The store's data in the admin, arranged for support staff: find an order by its
number, the shopper's email or phone, a SKU or a tracking number, and see everything
that happened to it on one page.

An order's lines, payments, refunds and returns show read-only under it: they come
from the shop platform or move money and stock, so the services make them (with their
idempotency keys and policy checks), never a hand-edited form.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.contrib import admin
from django.db.models import DecimalField, ExpressionWrapper, F, QuerySet, Sum
from django.http import HttpRequest

from commerce import services
from commerce.models import (
    Article,
    BackInStockSubscription,
    DiscountCode,
    LoyaltyTransaction,
    Order,
    OrderItem,
    Payment,
    PaymentMethod,
    Product,
    Refund,
    Return,
    ReturnItem,
    Review,
    Shipment,
    ShopPolicy,
    TrackingEvent,
    Variant,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.fields or [])

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CustomerPrivacyMixin:
    """Who wrote a review or asked for a stock alert is personal data: only staff who may
    view customers (agents, admins) see the customer, or search by name, email or phone.
    Marketers see the rows without anyone's name on them."""

    customer_fields: tuple[str, ...] = ("customer",)

    def _sees_customers(self, request: HttpRequest) -> bool:
        return request.user.has_perm("core.view_customer")

    def get_list_display(self, request: HttpRequest) -> Any:
        shown = super().get_list_display(request)  # type: ignore[misc]
        if self._sees_customers(request):
            return shown
        return [f for f in shown if f not in self.customer_fields]

    def get_search_fields(self, request: HttpRequest) -> Any:
        fields = super().get_search_fields(request)  # type: ignore[misc]
        if self._sees_customers(request):
            return fields
        return [f for f in fields if not f.startswith("customer")]

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        excluded = list(super().get_exclude(request, obj) or [])  # type: ignore[misc]
        if not self._sees_customers(request):
            excluded += [f for f in self.customer_fields if f not in excluded]
        return excluded

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)  # type: ignore[misc]
        if self._sees_customers(request):
            return fields
        return [f for f in fields if f not in self.customer_fields]


# --- Catalogue -------------------------------------------------------------------------


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ("sku", "options", "price", "stock", "final_sale")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "kind", "material")
    list_filter = ("category", "kind")
    search_fields = ("name", "slug", "kind", "variants__sku")
    prepopulated_fields: ClassVar[dict[str, tuple[str, ...]]] = {"slug": ("name",)}
    # The embedding is 384 numbers the catalogue indexer writes; nobody edits it by hand.
    exclude = ("embedding",)
    inlines = (VariantInline,)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Variant:
            super().save_formset(request, form, formset, change)
            return
        # Variants edited in the product's page go through the stock service one by one.
        for variant in formset.save(commit=False):
            if variant.pk:
                services.variant_stock_set(variant, variant.stock)
            else:
                variant.save()
        for variant in formset.deleted_objects:
            variant.delete()


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ("sku", "product", "options", "price", "stock", "final_sale")
    list_filter = ("product__category", "final_sale")
    search_fields = ("sku", "product__name")
    list_select_related = ("product",)
    autocomplete_fields = ("product",)

    def save_model(self, request: HttpRequest, obj: Variant, form: Any, change: bool) -> None:
        # Through the stock service, so a variant back from 0 tells its waiting shoppers.
        if change:
            services.variant_stock_set(obj, obj.stock)
        else:
            super().save_model(request, obj, form, change)


@admin.register(Review)
class ReviewAdmin(CustomerPrivacyMixin, admin.ModelAdmin):
    list_display = ("product", "rating", "title", "customer", "created_at")
    list_filter = ("rating", "product__category")
    search_fields = ("product__name", "title", "body", "customer__name", "customer__email")
    list_select_related = ("product", "customer")
    autocomplete_fields = ("product", "customer")


# --- Orders ----------------------------------------------------------------------------


class OrderItemInline(ReadOnlyInline):
    model = OrderItem
    fields = ("variant", "sku", "quantity", "unit_price", "final_sale")
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrderItem]:
        return super().get_queryset(request).select_related("variant__product")

    @admin.display(description="SKU")
    def sku(self, obj: OrderItem) -> str:
        return obj.variant.sku


class ShipmentInline(admin.TabularInline):
    model = Shipment
    extra = 0
    fields = ("carrier", "tracking_number", "promised_by", "created_at")
    show_change_link = True


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ("reference", "amount", "method", "status", "created_at")


class ReturnInline(ReadOnlyInline):
    model = Return
    fields = ("number", "status", "resolution", "reason", "tracking_number", "created_at")


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ("amount", "method", "status", "reason", "decided_by", "created_at", "completed_at")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("__str__", "customer", "email", "status", "placed_at", "items_total",
                    "ship_postcode")
    list_filter = ("status", "shipments__carrier", "items__variant__product__category",
                   "ship_country")
    search_fields = ("number", "email", "phone", "ship_postcode", "customer__name",
                     "customer__email", "customer__phone", "items__variant__sku",
                     "shipments__tracking_number", "returns__number")
    list_select_related = ("customer",)
    date_hierarchy = "placed_at"
    autocomplete_fields = ("customer", "paid_with")
    inlines = (OrderItemInline, ShipmentInline, PaymentInline, ReturnInline, RefundInline)
    fieldsets = (
        (None, {"fields": ("number", "customer", "status", "placed_at", "email", "phone",
                           "currency", "shipping_cost", "paid_with")}),
        ("Shipping address", {"fields": ("ship_name", "ship_line1", "ship_line2", "ship_city",
                                         "ship_postcode", "ship_country")}),
        ("Cancellation", {"fields": ("cancelled_at", "cancel_reason")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        line = ExpressionWrapper(
            F("items__unit_price") * F("items__quantity"),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        )
        return super().get_queryset(request).annotate(items_total_value=Sum(line))

    @admin.display(description="items total", ordering="items_total_value")
    def items_total(self, obj: Order) -> str:
        value = obj.items_total_value or Decimal(0)  # type: ignore[attr-defined]
        return f"{value} {obj.currency}"


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("reference", "order", "customer", "amount", "method", "status", "created_at")
    list_filter = ("status", "method")
    search_fields = ("reference", "order__number", "order__email", "order__customer__name",
                     "order__customer__phone")
    list_select_related = ("order__customer",)
    date_hierarchy = "created_at"
    readonly_fields = ("order", "reference", "amount", "method", "created_at")

    @admin.display(description="customer", ordering="order__customer__name")
    def customer(self, obj: Payment) -> str:
        return str(obj.order.customer)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PaymentMethod)
class PaymentMethodAdmin(admin.ModelAdmin):
    list_display = ("customer", "ref", "kind", "brand", "last4", "balance", "created_at")
    list_filter = ("kind", "brand")
    search_fields = ("ref", "last4", "customer__name", "customer__email", "customer__phone")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)


class TrackingEventInline(admin.TabularInline):
    model = TrackingEvent
    extra = 0
    fields = ("at", "status", "exception", "carrier_code", "location", "detail")
    ordering = ("at", "id")


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ("tracking_number", "carrier", "order", "customer", "promised_by",
                    "created_at")
    list_filter = ("carrier",)
    search_fields = ("tracking_number", "order__number", "order__email",
                     "order__customer__name", "order__customer__phone")
    list_select_related = ("order__customer",)
    autocomplete_fields = ("order",)
    inlines = (TrackingEventInline,)

    @admin.display(description="customer", ordering="order__customer__name")
    def customer(self, obj: Shipment) -> str:
        return str(obj.order.customer)


@admin.register(TrackingEvent)
class TrackingEventAdmin(admin.ModelAdmin):
    list_display = ("at", "shipment", "status", "exception", "location", "detail")
    list_filter = ("status", "exception", "shipment__carrier")
    search_fields = ("shipment__tracking_number", "shipment__order__number", "location")
    list_select_related = ("shipment",)
    autocomplete_fields = ("shipment",)
    date_hierarchy = "at"


# --- Returns and refunds ---------------------------------------------------------------


class ReturnItemInline(ReadOnlyInline):
    model = ReturnItem
    fields = ("order_item", "quantity", "exchange_for")
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReturnItem]:
        return super().get_queryset(request).select_related(
            "order_item__variant__product", "exchange_for__product"
        )


class ReturnRefundInline(ReadOnlyInline):
    model = Refund
    fields = ("amount", "method", "status", "decided_by", "created_at", "completed_at")
    verbose_name_plural = "refunds"


@admin.register(Return)
class ReturnAdmin(admin.ModelAdmin):
    list_display = ("number", "order", "customer", "status", "resolution", "reason", "carrier",
                    "tracking_number", "created_at")
    list_filter = ("status", "resolution", "carrier")
    search_fields = ("number", "tracking_number", "order__number", "order__email",
                     "order__customer__name", "order__customer__phone")
    list_select_related = ("order__customer",)
    date_hierarchy = "created_at"
    readonly_fields = ("order", "number", "idempotency_key", "created_at")
    inlines = (ReturnItemInline, ReturnRefundInline)

    @admin.display(description="customer", ordering="order__customer__name")
    def customer(self, obj: Return) -> str:
        return str(obj.order.customer)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ("id", "order", "customer", "amount", "method", "status", "decided_by",
                    "created_at", "expected_by", "completed_at")
    list_filter = ("status", "method", "decided_by")
    search_fields = ("order__number", "order__email", "order__customer__name",
                     "order__customer__phone", "return_request__number", "idempotency_key")
    list_select_related = ("order__customer",)
    date_hierarchy = "created_at"
    readonly_fields = ("order", "return_request", "amount", "method", "decided_by",
                       "idempotency_key", "created_at")

    @admin.display(description="customer", ordering="order__customer__name")
    def customer(self, obj: Refund) -> str:
        return str(obj.order.customer)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


# --- Promotions, loyalty, help articles, alerts, policy ---------------------------------


@admin.register(DiscountCode)
class DiscountCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "value", "category", "valid_from", "valid_until",
                    "times_used", "usage_limit", "active")
    list_filter = ("active", "kind", "category")
    search_fields = ("code", "description")


@admin.register(LoyaltyTransaction)
class LoyaltyTransactionAdmin(admin.ModelAdmin):
    list_display = ("customer", "points", "reason", "order", "created_at")
    search_fields = ("customer__name", "customer__email", "customer__phone", "order__number",
                     "reason")
    list_select_related = ("customer", "order")
    autocomplete_fields = ("customer", "order")
    date_hierarchy = "created_at"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "topic", "slug")
    list_filter = ("topic",)
    search_fields = ("title", "slug", "body")
    prepopulated_fields: ClassVar[dict[str, tuple[str, ...]]] = {"slug": ("title",)}
    exclude = ("embedding",)


@admin.register(BackInStockSubscription)
class BackInStockSubscriptionAdmin(CustomerPrivacyMixin, admin.ModelAdmin):
    list_display = ("customer", "variant", "channel", "created_at", "notified_at")
    list_filter = ("channel", "variant__product__category")
    search_fields = ("customer__name", "customer__email", "customer__phone", "variant__sku",
                     "variant__product__name")
    list_select_related = ("customer", "variant__product")
    autocomplete_fields = ("customer", "variant")


@admin.register(ShopPolicy)
class ShopPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "return_window_days", "refund_approval_threshold",
                    "lost_parcel_value_threshold", "currency")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row: the policy functions read the first one.
        return not ShopPolicy.objects.exists()
