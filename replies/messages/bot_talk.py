"""The bot's words of conversation: greetings, help with the account, complaints, a
person on request, and what it says when it can't help or isn't sure."""

from __future__ import annotations

from replies.messages.spec import MessageSpec

SPECS = (
    MessageSpec(
        "bot.talk.you_are_welcome",
        "The shopper thanks or says goodbye.",
    ),
    MessageSpec(
        "bot.talk.ok_anything_else",
        "A bare yes or no with nothing waiting for it.",
    ),
    MessageSpec(
        "bot.talk.capabilities",
        "What the bot can do, one sentence of its greeting.",
    ),
    MessageSpec(
        "bot.talk.hello",
        "Greeting, the shopper's name unknown.",
        {"capabilities": "I can tell you where an order is, and check a refund."},
        required=("capabilities",),
    ),
    MessageSpec(
        "bot.talk.hello_name",
        "Greeting a verified shopper by first name.",
        {"capabilities": "I can tell you where an order is, and check a refund.", "name": "Ana"},
        required=("capabilities",),
    ),
    MessageSpec(
        "bot.talk.article_followup",
        "After a help article about the account.",
    ),
    MessageSpec(
        "bot.talk.account_help",
        "Account help when no article matches.",
    ),
    MessageSpec(
        "bot.talk.handed_to_person",
        "The shopper asked for a person.",
    ),
    MessageSpec(
        "bot.talk.still_waiting",
        "The shopper, waiting for a person nobody has taken the chat for yet, asks if anyone "
        "is there.",
    ),
    MessageSpec(
        "bot.talk.frustration",
        "The shopper is frustrated again: a person takes over.",
    ),
    MessageSpec(
        "bot.talk.complaint_vip",
        "A VIP complains: a person looks after it.",
    ),
    MessageSpec(
        "bot.talk.complaint",
        "A complaint: asks what happened, or offers a person.",
    ),
    MessageSpec(
        "bot.talk.button_person",
        "Button: talk to a person.",
    ),
    MessageSpec(
        "bot.talk.not_understood_twice",
        "The bot misunderstood twice: a person reads it.",
    ),
    MessageSpec(
        "bot.talk.clarify",
        "The bot is unsure what the message is about: an order or a product?",
    ),
    MessageSpec(
        "bot.talk.button_an_order",
        "Button: it's about an order.",
    ),
    MessageSpec(
        "bot.talk.button_a_product",
        "Button: it's about a product.",
    ),
    MessageSpec(
        "bot.talk.button_something_else",
        "Button: something else.",
    ),
    MessageSpec(
        "bot.talk.instructions_then_answer",
        "A message tried to instruct the bot; its request is answered next.",
    ),
    MessageSpec(
        "bot.talk.instructions",
        "A message tried to instruct the bot.",
    ),
    MessageSpec(
        "bot.talk.out_of_scope",
        "A request the shop's assistant can't help with at all.",
        {"capabilities": "I can tell you where an order is, and check a refund."},
        required=("capabilities",),
    ),
    MessageSpec(
        "bot.talk.declined",
        "The shopper refused an action: nothing was done.",
        {"what": "cancel anything"},
        required=("what",),
    ),
    MessageSpec(
        "bot.talk.declined.cancel_order",
        "What was refused: cancelling.",
    ),
    MessageSpec(
        "bot.talk.declined.return_request",
        "What was refused: a return.",
    ),
    MessageSpec(
        "bot.talk.declined.exchange_request",
        "What was refused: an exchange.",
    ),
    MessageSpec(
        "bot.talk.declined.change_address",
        "What was refused: an address change.",
    ),
    MessageSpec(
        "bot.talk.declined.back_in_stock",
        "What was refused: a stock alert.",
    ),
    MessageSpec(
        "bot.talk.declined.anything",
        "What was refused: any change.",
    ),
    MessageSpec(
        "bot.talk.lapsed",
        "At 'shall I go ahead?' the shopper said something else: nothing done.",
    ),
    MessageSpec(
        "bot.talk.unsupported",
        "A request the bot has no action for: a person takes it.",
        {"what": "split the order"},
    ),
    MessageSpec(
        "bot.talk.unsupported.undo_cancellation",
        "What the bot cannot do, said in the reply: undoing a cancellation.",
    ),
    MessageSpec(
        "bot.talk.unsupported.price_match",
        "What the bot cannot do, said in the reply: matching another shop's price.",
    ),
    MessageSpec(
        "bot.talk.unsupported.split_order",
        "What the bot cannot do, said in the reply: splitting an order.",
    ),
    MessageSpec(
        "bot.talk.unsupported.add_items",
        "What the bot cannot do, said in the reply: adding items to an order.",
    ),
    MessageSpec(
        "bot.talk.unsupported.delivery_slot",
        "What the bot cannot do, said in the reply: booking a delivery slot.",
    ),
    MessageSpec(
        "bot.talk.unsupported.gift_wrap",
        "What the bot cannot do, said in the reply: gift wrapping.",
    ),
    MessageSpec(
        "bot.talk.unsupported.combine_orders",
        "What the bot cannot do, said in the reply: combining orders.",
    ),
    MessageSpec(
        "bot.talk.unsupported.price_match_order",
        "What the bot cannot do, said in the reply: a price match on a placed order.",
    ),
    MessageSpec(
        "bot.talk.unsupported.anything",
        "What the bot cannot do, said in the reply: a request not named.",
    ),
    MessageSpec(
        "bot.article",
        "A help-centre article the shop wrote, quoted as the answer: its title, then its body.",
        {"title": "Delivery times", "body": "Standard delivery takes 3-5 working days."},
        required=("title", "body"),
    ),
    MessageSpec(
        "bot.article.untranslated",
        "A help-centre article the shop has not written in the shopper's language: said to "
        "be untranslated, then quoted as the shop wrote it (title, then body).",
        {"title": "Delivery times", "body": "Standard delivery takes 3-5 working days."},
        required=("title", "body"),
    ),
)
