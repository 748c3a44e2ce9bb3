"""Understanding one message: intent, entities, a yes/no to a pending question, mood."""

from __future__ import annotations

import re
from typing import Any

from agents.nodes.confirm import yes_or_no
from agents.state import TurnState
from agents.tools.context import memory

FRUSTRATED = re.compile(
    r"(ridiculous|useless|a joke|worst|terrible|awful|unacceptable|fed up|sick (of|and tired)|"
    r"furious|pathetic|waste of (my )?time|wtf|stupid|rubbish|disgrace\w*|appalling|"
    r"incompetent|!!!|how many times|still (no|not|waiting)|are you (even )?(listening|serious)|"
    r"this is insane|absolute(ly)? (joke|shambles)|shambles|never again)", re.I)


def is_frustrated(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    shouting = len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.7
    return shouting or bool(FRUSTRATED.search(text))


def understand(state: TurnState) -> dict[str, Any]:
    from agents.nlu import understand as classify

    text = state.get("text", "")
    result = classify(text)
    mem = memory(state)
    entities = {k: v for k, v in result.entities.items() if v}
    if is_frustrated(text):
        mem["frustration"] = int(mem.get("frustration", 0)) + 1
    pending = mem.get("pending") or {}
    answer = yes_or_no(text) if pending.get("kind") in {
        "confirm", "return_resolution", "missing_remedy"} else ""
    return {"intent": result.intent, "confidence": result.confidence,
            "language": result.language, "entities": entities, "answer": answer,
            "memory": mem}
