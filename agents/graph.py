"""The one file that wires the conversation graph: understand, route, answer."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from langgraph.graph import END, START, StateGraph

from agents import routing
from agents.nodes import (
    catalogue,
    confirm,
    delivery_problem,
    facts,
    order_changes,
    order_status,
    payment,
    promo,
    returns,
    stock_alerts,
    talk,
    understand,
    verify,
)
from agents.state import TurnState

NODES: dict[str, Any] = {
    "greeting": talk.greeting,
    "order_status": order_status.order_status,
    "delivery_problem": delivery_problem.delivery_problem,
    "return_request": returns.return_request,
    "exchange_request": returns.exchange_request,
    "refund_status": returns.refund_status,
    "cancel_order": order_changes.cancel_order,
    "change_address": order_changes.change_address,
    "product_question": catalogue.product_question,
    "back_in_stock": catalogue.back_in_stock,
    "promo_question": promo.promo_question,
    "account": talk.account,
    "payment_issue": payment.payment_issue,
    "complaint": talk.complaint,
    "other": talk.other,
    "human_request": talk.human_request,
    "frustration": talk.frustration,
    "clarify": talk.clarify,
    "declined": talk.declined,
    "lapsed": talk.lapsed,
    "unsupported": talk.unsupported,
    "order_facts": facts.order_facts,
    "change_payment": payment.change_payment,
    "instructions": talk.instructions,
    "fraud": payment.fraud,
    "confirm": confirm.confirm,
    "missing_remedy": confirm.missing_remedy,
    "return_resolution": returns.return_resolution,
    "stop_alerts": stock_alerts.stop_alerts,
    "alert_contact": stock_alerts.alert_contact,
    "alert_code": stock_alerts.alert_code,
    "alert_followup": stock_alerts.alert_followup,
}


@lru_cache(maxsize=1)
def build() -> Any:
    graph = StateGraph(TurnState)
    graph.add_node("understand", understand.understand)
    graph.add_node("verify", verify.verify)
    graph.add_node("also", understand.next_request)
    for name, node in NODES.items():
        graph.add_node(name, node)
        graph.add_conditional_edges(name, routing.route_after_answer,
                                    {"also": "also", "done": END})
    graph.add_conditional_edges("also", routing.route_after_also, {n: n for n in NODES})
    graph.add_edge(START, "understand")
    graph.add_conditional_edges("understand", routing.route_after_understand,
                                {**{n: n for n in NODES}, "verify": "verify"})
    graph.add_conditional_edges("verify", routing.route_after_verify,
                                {**{n: n for n in NODES}, "done": END})
    return graph.compile()
