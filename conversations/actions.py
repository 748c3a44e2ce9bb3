"""A typed store action run for a conversation, once per idempotency key, with its record.

The bot's confirmation and an agent's approval in the inbox both come here, and from here
to ``commerce.actions.action_execute``, the one composer of the store's operations. What
this layer adds is the conversation's part: the ActionRecord that makes a repeated "yes"
(or a double click on Approve) a replay of the stored result rather than a second run, and
the notice to the contact on file when a shopper who proved who they are only with what
they know changes an order (``services.action_run``).
"""

from __future__ import annotations

from commerce.actions import Action, ActionResult, action_execute
from conversations import services
from conversations.models import Conversation


def action_perform(action: Action, *, conversation: Conversation, key: str,
                   actor: str = "bot", approved: bool = False, kind: str = "",
                   note: str = "") -> tuple[ActionResult, bool]:
    """Run ``action`` for the conversation's customer once per ``key``; returns its result
    and whether it ran now (False: the stored result of an earlier run). ``kind`` names the
    record (the action's own name unless given: an approval is ``approve_<action>``);
    ``note`` is the agent's note kept with it. ``ActionRefused`` propagates with nothing
    written and nothing recorded."""
    customer = conversation.customer

    def run() -> dict[str, str]:
        result = action_execute(action, customer=customer, actor=actor, approved=approved,
                                key=key).to_dict()
        return {**result, "note": note} if note else result

    record, ran = services.action_run(key, kind or action.name, conversation, action.order,
                                      run, actor=actor)
    return ActionResult.from_dict(record), ran
