"""The apps form a one-way stack, read from every module's own imports (ast, nothing run):

    devtools            demo shop, scenario runner, bench, load generator
    agents              the bot
    alerts  insights    what the shop sends first about parcels; the shop's figures
    conversations       the pipeline, the outbox, handoffs, the inbox
    commerce            the store          channels_adapters   platform payloads
    replies             the catalogue of the shop's words, in the shopper's language
    core                the customer and their identities; clock, encoder, formatting

An app imports only apps below it (commerce and channels_adapters, side by side, import
neither each other). Type-only imports count: they couple the code all the same. The
project package's entry points (settings, urls, asgi, celery, checks, health, the run
supervisor) plug everything together and are the only exceptions; nothing imports them
but the dev tools, which drive the whole product from outside.

Imports inside functions are how cycles get hidden, so a function-level import of a
project module fails unless it is listed below with why it is lazy. Tests and
migrations are left out: tests may reach any app.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LEVELS = {"core": 0, "replies": 1, "commerce": 2, "channels_adapters": 2, "conversations": 3,
          "alerts": 4, "campaigns": 4, "insights": 4, "agents": 5, "devtools": 6}

# The project package (core) is also where Django starts: these modules wire every app
# together, so they sit above the stack rather than at its bottom.
WIRING = {
    "core/__init__.py": "Celery's app loads when Django starts",
    "core/settings.py": "Django's settings name every app",
    "core/urls.py": "the URL map routes to every app's views",
    "core/asgi.py": "the ASGI router mounts every app's WebSocket consumers",
    "core/celery.py": "the worker warms the bot's classifier when it starts",
    "core/apps.py": "registers the system checks when Django is ready",
    "core/views.py": "the project's own pages: the home page and /healthz",
    "core/webhook_asgi.py": "the webhooks' own ASGI handler, mounted by core/asgi.py",
    "core/checks.py": "the system checks read every channel's and the store's settings",
    "core/health.py": "/healthz reports on the bot's model and the workers",
    "core/management/commands/run.py": "the supervisor starts and seeds the whole product",
}

# Function-level imports of project modules that are lazy for a reason other than a
# cycle: (importing module, imported module) -> why.
LAZY_ALLOWED = {
    ("commerce/selectors.py", "core.encoder"):
        "the sentence encoder brings torch, needed only by a semantic search",
    ("agents/nlu/__init__.py", "agents.nlu.model"):
        "the classifier brings torch; importing the package must not load it",
    ("agents/management/commands/evaluate_nlu.py", "agents.nlu.evaluation"):
        "the classifier (torch) loads when the command runs, not for `manage.py help`",
    ("conversations/services.py", "conversations.tasks"):
        "Celery's service/task pair: the tasks run these services, and the services queue "
        "the tasks once a write commits",
    ("core/apps.py", "core.checks"):
        "Django's convention: system checks register when the app is ready",
    ("campaigns/apps.py", "campaigns.receivers"):
        "Django's convention: signal receivers connect when the app is ready",
    ("campaigns/services.py", "campaigns.tasks"):
        "Celery's service/task pair: the tasks run these services, and the services queue "
        "the tasks once a write commits",
    ("alerts/apps.py", "alerts.receivers"):
        "Django's convention: signal receivers connect when the app is ready",
    ("commerce/apps.py", "commerce.receivers"):
        "Django's convention: signal receivers connect when the app is ready",
    ("alerts/services.py", "alerts.tasks"):
        "Celery's service/task pair: the tasks run these services, and the services queue "
        "the tasks once a write commits",
    ("conversations/service_levels.py", "conversations.tasks"):
        "Celery's service/task pair: the tasks run these services, and the services queue "
        "the tasks once a write commits",
    ("conversations/lifecycle.py", "conversations.tasks"):
        "Celery's service/task pair: the tasks run these services, and the services queue "
        "the tasks once a write commits",
    ("devtools/demo.py", "core.encoder"):
        "the encoder brings torch, needed only when a demo text has no embedding yet",
}

# bench is being extended in parallel: its imports stay as they are for now (each a
# function-level import of a module it could import at the top; the encoder and the
# classifier are the heavy ones). Listed so that no new one joins them unseen.
BENCH = "devtools/management/commands/bench.py"
LAZY_ALLOWED.update({(BENCH, module): "bench, left as it is while it is extended"
                     for module in ("agents.nlu", "agents.nlu.model", "core.encoder", "core.models",
                                    "core.management.commands.run", "conversations.models")})

# The dev tools drive the whole product from outside, as the supervisor does: the
# scenario runner sets up Celery's app to run tasks in-process, bench starts the product
# with the supervisor's own code.
WIRING_USERS = {"devtools/scenarios.py", BENCH}

# Function-level imports inside agents/ that only the node-to-node calls need; they go
# when the intent registry replaces those calls with Command hops (issue 9, part 7).
AGENTS_NODE_CALLS = "agents/nodes/"


@dataclass(frozen=True)
class Import:
    path: str  # importing module, relative to the repository
    line: int
    module: str
    lazy: bool


def _modules() -> list[Path]:
    paths = []
    for app in LEVELS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            paths.append(path)
    return paths


def _imports(path: Path, root: Path = ROOT) -> list[Import]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[Import] = []
    rel = str(path.relative_to(root))

    def visit(node: ast.AST, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = lazy or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend(Import(rel, child.lineno, a.name, lazy) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                # "from commerce import tracking" names the module commerce.tracking.
                found.extend(Import(rel, child.lineno, f"{child.module}.{a.name}"
                                    if "." not in child.module else child.module, lazy)
                             for a in child.names)
            visit(child, inner)

    visit(tree, False)
    return [i for i in found if i.module.split(".")[0] in LEVELS]


def _app(path: str) -> str:
    return path.split("/")[0]


def test_every_app_imports_only_apps_below_it():
    upward = []
    for path in _modules():
        for imp in _imports(path):
            source, target = _app(imp.path), imp.module.split(".")[0]
            if source == target or imp.path in WIRING:
                continue
            if LEVELS[target] >= LEVELS[source]:
                upward.append(f"{imp.path}:{imp.line} imports {imp.module} "
                              f"({source} may not import {target})")
    assert not upward, "\n".join(upward)


def test_nothing_imports_the_project_wiring():
    wiring = {m.removesuffix(".py").replace("/", ".") for m in WIRING}
    found = [f"{imp.path}:{imp.line} imports {imp.module}"
             for path in _modules() for imp in _imports(path)
             if imp.module in wiring and imp.path not in WIRING
             and imp.path not in WIRING_USERS]
    assert not found, "\n".join(found)


def test_no_function_imports_a_project_module_unless_it_says_why():
    hidden = []
    for path in _modules():
        for imp in _imports(path):
            if not imp.lazy or imp.path in WIRING:
                continue
            if (imp.path, imp.module) in LAZY_ALLOWED:
                continue
            if imp.path.startswith(AGENTS_NODE_CALLS) and imp.module.startswith("agents."):
                continue
            hidden.append(f"{imp.path}:{imp.line} imports {imp.module} inside a function")
    assert not hidden, "\n".join(hidden)


# The webhooks' own bookkeeping (a Mailgun token used once), claimed by the webhook view.
ADAPTERS_OWN_TABLES = {"channels_adapters/models.py", "channels_adapters/services.py"}


def test_channel_adapters_know_payloads_not_the_database():
    """An adapter receives and returns plain messages (base.Inbound, base.Outbound):
    no module of channels_adapters reads the database or imports a model."""
    found = []
    for path in sorted((ROOT / "channels_adapters").rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        if "tests" in path.parts or "migrations" in path.parts or rel in ADAPTERS_OWN_TABLES:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [f"{node.module}.{a.name}" for a in node.names]
                     if isinstance(node, ast.ImportFrom) else [])
            found += [f"{rel}:{node.lineno} imports {name}" for name in names
                      if name.startswith(("django.db", "channels.db"))
                      or name.endswith((".models", ".services", ".selectors"))]
    assert not found, "\n".join(found)


def test_the_allow_lists_name_only_what_exists():
    """An entry whose import is gone is removed, so the lists stay a true account."""
    lazy = {(imp.path, imp.module) for path in _modules() for imp in _imports(path)
            if imp.lazy}
    assert set(LAZY_ALLOWED) <= lazy
    assert all((ROOT / path).exists() for path in WIRING)


def test_the_check_sees_an_upward_import(tmp_path: Path):
    """The reader finds imports at module level, inside functions and under
    TYPE_CHECKING alike."""
    module = tmp_path / "mod.py"
    module.write_text("from typing import TYPE_CHECKING\n"
                      "import agents.runner\n"
                      "if TYPE_CHECKING:\n    from conversations.models import Message\n"
                      "def f():\n    from commerce import services\n")
    found = [(i.module, i.lazy) for i in _imports(module, tmp_path)]
    assert found == [("agents.runner", False), ("conversations.models", False),
                     ("commerce.services", True)]


def test_make_test_runs_every_apps_tests():
    """pytest collects from `testpaths` only: an app's tests left out of it never run."""
    import tomllib

    paths = set(tomllib.loads((ROOT / "pyproject.toml").read_text())
                ["tool"]["pytest"]["ini_options"]["testpaths"])
    with_tests = {p.parent.parent.name for p in ROOT.glob("*/tests/test_*.py")}
    assert with_tests - paths == set()
