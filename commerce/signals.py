"""What the store announces to the apps above it, which it must not import: the one-way
stack (tests/test_layering.py) lets commerce say that something happened, and the apps
that care (alerts) listen from above. Receivers do their work; the signal carries facts.
"""

from __future__ import annotations

from django.dispatch import Signal

# A carrier's update stored new tracking events for a shipment (webhook, reconciliation
# poll, live refresh, a scenario's tracking event). Sent with `shipment` and `new` (the
# TrackingEvent rows just stored), inside the transaction that stored them.
shipment_tracked = Signal()

# A variant's stock count changed (the admin, the shop platform's stock webhook, a
# cancellation putting units back). Sent with `variant_id`, `old` and `new`, inside the
# transaction that changed it.
stock_changed = Signal()
