"""Words more than one step says, and a proposal's summary said as it is made.

A summary waits in the conversation's memory for the shopper's yes and is said again at
"just to check", so it is kept as the words the shopper read, not as a message to render.
"""

from __future__ import annotations

from agents.context import turn
from core.formatting import language_or_default
from replies.render import Say, render


def said_now(say: Say) -> str:
    """`say` in the language of the shopper this turn answers."""
    return render(say, language_or_default(turn().conversation.customer.language))


# The two remedies for a parcel that never arrived, as the shopper picks one.
REMEDY_BUTTONS = (Say("bot.delivery.button_replacement"), Say("bot.delivery.button_refund"))
