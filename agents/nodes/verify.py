"""The shopper answers the request to prove an order is theirs."""

from __future__ import annotations

from typing import Any

from agents.state import TurnState
from agents.tools.identity import verify_with_details


def verify(state: TurnState) -> dict[str, Any]:
    verified, update = verify_with_details(state)
    if not verified:
        update["route"] = ""
    return update
