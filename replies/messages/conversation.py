"""The conversation's own messages: follow-ups, the satisfaction question, handoffs."""

from __future__ import annotations

from replies.messages.spec import MessageSpec

SPECS = (
    MessageSpec(
        "outreach.no_name",
        "A WhatsApp template's name parameter when the shopper's name is unknown.",
    ),
    MessageSpec(
        "followup.text",
        "Sent once to a shopper who went quiet while the bot waited for them.",
        {"waiting": "I'm still waiting for your answer to my last question."},
        required=("waiting",),
    ),
    MessageSpec(
        "followup.verify",
        "Follow-up: the bot still needs the order number and checkout email or postcode.",
    ),
    MessageSpec(
        "followup.confirm",
        "Follow-up: the bot waits for the shopper's OK on an action it summarised.",
        {"summary": "I'll cancel order #1042."},
        required=("summary",),
    ),
    MessageSpec(
        "followup.last_question",
        "Follow-up: the bot's last question, quoted as it was asked.",
        {"question": "Which item would you like to return?"},
        required=("question",),
    ),
    MessageSpec("followup.waiting", "Follow-up: the bot waits for an answer to its last question."),
    MessageSpec(
        "csat.question.team",
        "After a conversation the bot resolved: how did we do, 1 to 5?",
    ),
    MessageSpec(
        "csat.question.colleague",
        "After a conversation a colleague resolved: how did they do, 1 to 5?",
    ),
    MessageSpec("csat.subject", "Email subject of the satisfaction question."),
    MessageSpec("csat.score.great", "Satisfaction answer 5 (a button; starts with its digit)."),
    MessageSpec("csat.score.good", "Satisfaction answer 4 (a button; starts with its digit)."),
    MessageSpec("csat.score.ok", "Satisfaction answer 3 (a button; starts with its digit)."),
    MessageSpec("csat.score.poor", "Satisfaction answer 2 (a button; starts with its digit)."),
    MessageSpec("csat.score.very_poor", "Satisfaction answer 1 (a button; starts with its digit)."),
    MessageSpec("csat.thanks", "Thanks for a satisfaction rating."),
    MessageSpec(
        "handoff.refused",
        "A person was asked for but none can be handed the chat now (too many requests from here).",
    ),
    MessageSpec(
        "handoff.wait.next",
        "Handed to a person: first in the queue, and the usual wait.",
        {"usual": "about 15 minutes"},
        required=("usual",),
    ),
    MessageSpec(
        "handoff.wait.place",
        "Handed to a person: their place in the queue, and the usual wait.",
        {"place": 3, "usual": "about 15 minutes"},
        required=("place", "usual"),
    ),
    MessageSpec(
        "handoff.wait.away",
        "Handed to a person out of hours: when the team is back, and the usual wait.",
        {"back": "on Monday at 9:00", "usual": "about an hour"},
        required=("back",),
    ),
    MessageSpec(
        "handoff.wait.away_no_time",
        "Handed to a person when the shop has no support hours to give a time by.",
    ),
    MessageSpec(
        "handoff.about_minutes",
        "The usual wait for a person, in minutes.",
        {"minutes": 15},
        required=("minutes",),
    ),
    MessageSpec("handoff.about_an_hour", "The usual wait for a person: an hour."),
    MessageSpec(
        "handoff.about_hours",
        "The usual wait for a person, in hours.",
        {"hours": 3},
        required=("hours",),
    ),
    MessageSpec(
        "handoff.back.today",
        "When the team is back: later today.",
        {"time": "14:00"},
        required=("time",),
    ),
    MessageSpec(
        "handoff.back.tomorrow",
        "When the team is back: tomorrow.",
        {"time": "9:00"},
        required=("time",),
    ),
    MessageSpec(
        "handoff.back.weekday",
        "When the team is back: a day this week.",
        {"weekday": "Monday", "time": "9:00"},
        required=("weekday", "time"),
    ),
    MessageSpec(
        "handoff.back.day",
        "When the team is back: a day more than a week away.",
        {"day": "14 December", "time": "9:00"},
        required=("day", "time"),
    ),
    MessageSpec(
        "whatsapp.list_button",
        "WhatsApp: the button that opens a list of choices (at most 20 characters).",
    ),
    MessageSpec("csat.page.ask", "Rating page (from the email's links): the question."),
    MessageSpec("csat.page.done", "Rating page: the rating is stored."),
    MessageSpec("csat.page.invalid", "Rating page: the link is no longer good."),
    MessageSpec("csat.page.error", "Rating page: sent without a score."),
    MessageSpec("csat.page.comment", "Rating page: the comment box's label."),
    MessageSpec("csat.page.send", "Rating page: the send button."),
)
