"""What the bot says while proving who the shopper is: order details, one-time codes and
the limits on guesses (agents/tools/identity.py)."""

from __future__ import annotations

from replies.messages.spec import MessageSpec

SPECS = (
    MessageSpec("bot.identity.ask_details", "Asking for proof that an order is the shopper's."),
    MessageSpec(
        "bot.identity.code_failed_address",
        "A wrong code for an address change, with no retries left.",
    ),
    MessageSpec(
        "bot.identity.code_failed_step_up",
        "A wrong code for an address change: try the latest one.",
    ),
    MessageSpec(
        "bot.identity.code_failed",
        "A wrong code to link a chat: try the latest one, or order details.",
    ),
    MessageSpec(
        "bot.identity.step_up_waiting",
        "An address change waits for the code sent to the account's contact.",
    ),
    MessageSpec(
        "bot.identity.code_sent",
        "A code offered to a contact the shopper gave (same words whoever it belongs to).",
    ),
    MessageSpec("bot.identity.ask_number", "Asking for the order number."),
    MessageSpec(
        "bot.identity.ask_contact",
        "Asking for the email or postcode on an order.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.identity.checks_refused",
        "Details can't be checked now: too many misses.",
        {"way_in": "Please try again later, or ask to talk to a person."},
        required=("way_in",),
    ),
    MessageSpec(
        "bot.identity.locked",
        "Details didn't match, and checks are now locked for a while.",
        {"way_in": "Please try again later, or ask to talk to a person."},
        required=("way_in",),
    ),
    MessageSpec("bot.identity.still_wrong", "Details still don't match after several tries."),
    MessageSpec(
        "bot.identity.no_match", "Details that don't match an order (never says which part)."
    ),
    MessageSpec("bot.identity.others_thread", "Someone writing into another customer's thread."),
    MessageSpec(
        "bot.identity.verified_for_other", "A conversation already verified for another customer."
    ),
    MessageSpec(
        "bot.identity.step_up_unavailable", "An address change needs a code that can't be sent now."
    ),
    MessageSpec("bot.identity.step_up_sent", "A code sent for an address change."),
    MessageSpec(
        "bot.identity.way_in_code", "After a lockout, where codes can go: a code still works."
    ),
    MessageSpec("bot.identity.way_in_later", "After a lockout: try later or ask for a person."),
    MessageSpec(
        "bot.lookup.not_found",
        "An order not on the verified customer's account (same words if it exists or not).",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec("bot.lookup.no_orders", "No orders on the verified customer's account."),
)
