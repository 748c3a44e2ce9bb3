"""What every step of the bot says the same way: proposals to confirm."""

from __future__ import annotations

from replies.messages.spec import MessageSpec

SPECS = (
    MessageSpec(
        "bot.proposal.shall_i",
        "A proposed action, then the question whether to do it.",
        {"summary": "I'll cancel order #1042 and refund £45.00."},
        required=("summary",),
    ),
    MessageSpec("bot.proposal.yes", "Button: yes to a proposed action."),
    MessageSpec("bot.proposal.no", "Button: no to a proposed action."),
)
