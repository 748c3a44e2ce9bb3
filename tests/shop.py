"""A small store for end-to-end tests, built with the scenario format's store builder."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.models import Customer
from devtools.scenarios import build_store

STORE: dict[str, Any] = {
    "customers": [
        {"ref": "maya", "name": "Maya Patel", "email": "maya@example.com",
         "phone": "+447700900123", "postcode": "SW1A 1AA"},
        {"ref": "tom", "name": "Tom Baker", "email": "tom@example.org",
         "phone": "+447700900456", "postcode": "M1 1AE"},
    ],
    "products": [
        {"sku": "TEE-BLK-M", "name": "Classic Tee", "options": {"colour": "black", "size": "M"},
         "price": "25.00", "stock": 10},
        {"sku": "TEE-BLK-L", "name": "Classic Tee", "options": {"colour": "black", "size": "L"},
         "price": "25.00", "stock": 3},
        {"sku": "BOOT-BRN-9", "name": "Fell Walking Boot",
         "options": {"colour": "brown", "size": "9"}, "price": "120.00", "stock": 2},
    ],
    "orders": [
        {"number": "1042", "customer": "maya", "placed": "-5d", "status": "shipped",
         "items": [{"sku": "TEE-BLK-M", "qty": 1}],
         "shipping_address": {"line1": "1 Example Road", "city": "London",
                              "postcode": "SW1A 1AA"},
         "shipment": {"carrier": "ups", "tracking_number": "1Z999AA10123456784",
                      "promised_by": "+1d",
                      "events": [
                          {"at": "-4d", "status": "label_created", "location": "London, GB"},
                          {"at": "-2d", "status": "in_transit", "location": "Birmingham, GB",
                           "detail": "Departed facility"}]}},
        {"number": "1043", "customer": "maya", "placed": "-12d", "status": "delivered",
         "items": [{"sku": "BOOT-BRN-9", "qty": 1}],
         "shipping_address": {"line1": "1 Example Road", "city": "London",
                              "postcode": "SW1A 1AA"},
         "shipment": {"carrier": "dpd", "tracking_number": "15501234567890",
                      "promised_by": "-8d",
                      "events": [
                          {"at": "-11d", "status": "label_created", "location": "Northampton, GB"},
                          {"at": "-9d", "status": "out_for_delivery", "location": "London, GB"},
                          {"at": "-9d", "status": "delivered", "location": "London, GB",
                           "detail": "Left with neighbour at 12"}]}},
        {"number": "2001", "customer": "tom", "placed": "-6d", "status": "shipped",
         "items": [{"sku": "TEE-BLK-L", "qty": 1}],
         "shipping_address": {"line1": "5 Mill Lane", "city": "Manchester",
                              "postcode": "M1 1AE", "country": "DE"},
         "shipment": {"carrier": "dhl", "tracking_number": "JJD0099887766",
                      "promised_by": "+2d",
                      "events": [
                          {"at": "-5d", "status": "label_created", "location": "Northampton, GB"},
                          {"at": "-1d", "status": "exception", "exception": "customs_hold",
                           "location": "Leipzig, DE", "detail": "Held for customs inspection"}]}},
    ],
}


def build(now: datetime) -> dict[str, Customer]:
    return build_store({"store": STORE}, now)
