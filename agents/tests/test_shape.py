"""The shape of the bot: one registry row per request, a graph built from exactly those rows,
steps that hand over instead of calling each other, and no step reading raw text with
patterns (that is ``agents/nlu``'s job)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from agents import graph
from agents.intents import (
    BY_NAME,
    BY_NODE,
    GATED,
    INTENTS,
    OWN_STEPS,
    Node,
    likely_statuses,
    node_for,
)
from agents.nlu import INTENTS as CLASSIFIER_INTENTS

AGENTS = Path(__file__).resolve().parents[1]

# The intents of the public contract (shared/contracts/INTENTS.md), in its order.
CONTRACT = ("greeting", "order_status", "delivery_problem", "return_request", "exchange_request",
            "refund_status", "cancel_order", "change_address", "product_question",
            "back_in_stock", "promo_question", "account", "payment_issue", "human_handoff",
            "complaint", "other")


def test_the_classifier_knows_exactly_the_contract_intents():
    assert CLASSIFIER_INTENTS == CONTRACT


@pytest.mark.parametrize("intent", CONTRACT)
def test_every_contract_intent_has_a_registry_row_and_a_step(intent):
    row = BY_NAME[intent]
    assert node_for(intent) == row.node
    assert callable(graph.step_function(row.step))


def test_the_graph_has_exactly_the_registry_nodes_and_its_own_steps():
    compiled = set(graph.build().get_graph().nodes) - {"__start__", "__end__"}
    assert compiled == {n.value for n in Node}
    assert {i.node for i in INTENTS} == set(Node) - set(OWN_STEPS)
    assert len({i.node for i in INTENTS}) == len(INTENTS)


def test_only_requests_about_an_order_are_gated_and_each_knows_its_likely_orders():
    assert all(BY_NODE[n].needs_order for n in GATED)
    assert Node.ORDER_STATUS in GATED and Node.PRODUCT_QUESTION not in GATED
    assert likely_statuses("cancel_order")[:2] == ("processing", "pending")
    assert likely_statuses("no_such_intent") == likely_statuses("order_status")


def test_an_unknown_intent_is_answered_as_other():
    assert node_for("weather") == Node.OTHER
    assert node_for("human_handoff") == Node.HUMAN_REQUEST


def _modules(folder: str) -> list[Path]:
    return sorted(p for p in (AGENTS / folder).rglob("*.py") if "tests" not in p.parts)


def _imports(path: Path) -> list[tuple[str, bool]]:
    """Each project module a file imports, and whether the import sits inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, bool]] = []

    def walk(node: ast.AST, inside: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = inside or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom) and child.module:
                found.append((child.module, inside))
            elif isinstance(child, ast.Import):
                found.extend((alias.name, inside) for alias in child.names)
            walk(child, nested)

    walk(tree, False)
    return found


@pytest.mark.parametrize("path", _modules("nodes"), ids=lambda p: p.name)
def test_a_step_never_imports_another_step(path):
    assert [m for m, _ in _imports(path) if m.startswith("agents.nodes")] == []


@pytest.mark.parametrize("path", _modules("nodes") + _modules("tools") + [
    AGENTS / "graph.py", AGENTS / "routing.py", AGENTS / "runner.py", AGENTS / "context.py"],
    ids=lambda p: str(p.relative_to(AGENTS)))
def test_no_project_module_is_imported_inside_a_function(path):
    project = ("agents", "commerce", "conversations", "core", "channels_adapters", "django")
    assert [m for m, inside in _imports(path) if inside and m.startswith(project)] == []


def test_no_module_outside_nlu_reads_words_with_patterns():
    offenders = []
    for path in sorted(AGENTS.rglob("*.py")):
        relative = path.relative_to(AGENTS)
        if relative.parts[0] in {"nlu", "tests"}:
            continue
        modules = [m for m, _ in _imports(path)]
        source = path.read_text(encoding="utf-8")
        if "re" in modules or "regex" in modules or " re." in source or "(re." in source:
            offenders.append(str(relative))
        tree = ast.parse(source)
        # Nor with a pattern made in agents/nlu: nlu hands over what it read, not a regex.
        offenders.extend(
            f"{relative}:{node.lineno}" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"search", "match", "fullmatch", "findall", "finditer", "sub"}
            and isinstance(node.func.value, ast.Name) and node.func.value.id.isupper())
    assert offenders == []


def _words_of_its_own(value: ast.expr) -> bool:
    """Whether an expression given to a reply is text written in the code: a string, an
    f-string or a concatenation (a ``Say`` or a value from elsewhere is not)."""
    if isinstance(value, ast.JoinedStr):
        return True
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str) and bool(value.value.strip())
    if isinstance(value, ast.BinOp):
        return _words_of_its_own(value.left) or _words_of_its_own(value.right)
    if isinstance(value, ast.IfExp):
        return _words_of_its_own(value.body) or _words_of_its_own(value.orelse)
    if isinstance(value, ast.List | ast.Tuple):
        return any(_words_of_its_own(v) for v in value.elts)
    return False


@pytest.mark.parametrize("path", _modules("nodes") + _modules("tools") + [
    AGENTS / "runner.py", AGENTS / "outreach_replies.py"],
    ids=lambda p: str(p.relative_to(AGENTS)))
def test_the_bot_says_only_catalogue_messages(path):
    """Every reply is made of keyed messages (replies.render.Say), so it is said in the
    shopper's language and the shop can reword it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    offenders = [
        node.lineno for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"reply", "Reply"}
        and any(_words_of_its_own(v) for v in
                [*node.args, *(k.value for k in node.keywords if k.arg in {"buttons", "text"})])]
    assert offenders == []

