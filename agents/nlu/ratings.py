"""An answer to the satisfaction question, read: "5 – Great", "4 but it took a while",
"pretty good, quick and clear", or a tapped score button in any of the shop's languages.

Only the reading lives here; whether the conversation was asked, and storing the score,
are ``conversations.lifecycle``'s."""

from __future__ import annotations

import re
from dataclasses import dataclass

from conversations.lifecycle import SCORES
from core.formatting import LANGUAGES
from replies.render import Say, render

LONGEST = 500

_SCORE = re.compile(r"^\s*([1-5])(?:\s*(?:/\s*5|stars?|out of 5))?\s*(?:[-–—:.,!]\s*|\s+|$)(.*)$",
                    re.IGNORECASE | re.DOTALL)
# A rating in words, read as the first of these phrases the answer holds.
WORD_SCORES = [
    (5, r"excellent|brilliant|amazing|fantastic|perfect|superb|outstanding|full marks|"
        r"five stars|10/10|really (good|helpful)|very (good|helpful)|great"),
    (1, r"terrible|awful|useless|horrible|appalling|very poor|very bad|waste of time"),
    (2, r"\bpoor\b|\bbad\b|not (good|great|helpful)|unhelpful|disappointing|slow"),
    (3, r"\b(ok|okay|alright|average|fine|so-so|not bad)\b"),
    (4, r"\bgood\b|helpful|quick|clear|easy|nice"),
]
_WORDS = re.compile("|".join(f"(?P<s{score}_{i}>{words})"
                             for i, (score, words) in enumerate(WORD_SCORES)), re.IGNORECASE)
_REQUEST = re.compile(r"\?|\d{3,}|\b(order|item|items|parcel|package|refund|return|"
                      r"missing|where|when|how|can you|could you|please|help)\b", re.I)
_BARE_LABEL = re.compile(r"(great|good|ok|okay|poor|very poor)", re.I)
_LONG_NUMBER = re.compile(r"\d{3,}")


@dataclass(frozen=True)
class RatingAnswer:
    score: int  # 1-5
    comment: str  # what the shopper added, "" for a bare score or a tapped button
    in_words: bool  # said in words ("pretty good"), counted only as the first thing said


def score_from_words(text: str) -> int | None:
    """1–5 from an answer in words ("honestly pretty good, quick and clear"), or None."""
    match = _WORDS.search(text)
    if match is None or match.lastgroup is None:
        return None
    return int(match.lastgroup[1])


def read_rating(text: str) -> RatingAnswer | None:
    """The score a message gives, or None when it gives none or asks something ("2 items
    are missing from my order" is a request, not a score)."""
    text = text or ""
    if len(text) > LONGEST:
        return None
    match = _SCORE.match(text)
    if match is None:
        if "?" in text or _LONG_NUMBER.search(text):
            return None
        words = score_from_words(text)
        return None if words is None else RatingAnswer(words, text.strip(), in_words=True)
    if _REQUEST.search(match.group(2)):
        return None
    score, comment = int(match.group(1)), match.group(2).strip()
    if _BARE_LABEL.fullmatch(comment) or _is_score_button(text, score):
        comment = ""
    return RatingAnswer(score, comment, in_words=False)


def _is_score_button(text: str, score: int) -> bool:
    """`text` is the button for `score`, in any language: a score, not a comment."""
    key = SCORES[5 - score]
    return any(text.strip().casefold() == render(Say(key), language).casefold()
               for language in LANGUAGES)
