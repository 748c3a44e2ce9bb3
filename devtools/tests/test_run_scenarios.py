"""The scenario runner's contract (shared/contracts/SCENARIOS.md): valid files run, an
invalid one is named and skipped with exit status 2, and the shop's rules can be given
under the names scenario authors use for them."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from commerce.models import ShopPolicy
from devtools import scenarios
from devtools.management.commands import run_scenarios

GREETING = """\
name: {name}
now: "2026-11-20T10:00:00Z"
conversation:
  channel: web
  from: {{session: "s-1"}}
  turns:
    - user: "hello"
      expect: {{intent: greeting}}
expect:
  handoff: false
"""


def _run(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> tuple[int, str, str]:
    # The test database is already migrated and empty; each scenario rolls itself back.
    monkeypatch.setattr(run_scenarios, "scenario_database", lambda: None)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("run_scenarios", *map(str, paths), stdout=out, stderr=err)
    return int(exit_.value.code), out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_an_invalid_file_is_named_and_the_valid_ones_still_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a-hello.yaml").write_text(GREETING.format(name="a-hello"))
    (tmp_path / "b-broken.yaml").write_text("name: b-broken\nnow: yesterday-ish\n")
    (tmp_path / "c-hello.yaml").write_text(GREETING.format(name="c-hello"))

    code, out, err = _run(monkeypatch, tmp_path)

    assert code == 2
    assert out.splitlines() == ["PASS a-hello", "PASS c-hello",
                                "2 passed, 0 failed, 0 wrong writes"]
    assert "b-broken.yaml: not a valid scenario:" in err


@pytest.mark.django_db
def test_a_second_scenario_with_the_same_name_is_invalid(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "one.yaml").write_text(GREETING.format(name="hello"))
    (tmp_path / "two.yaml").write_text(GREETING.format(name="hello"))

    code, out, err = _run(monkeypatch, tmp_path)

    assert code == 2
    assert out.splitlines() == ["PASS hello", "1 passed, 0 failed, 0 wrong writes"]
    assert "two.yaml: not a valid scenario: name 'hello' is already used by" in err


@pytest.mark.django_db
def test_a_failed_expectation_exits_1_naming_what_happened(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.yaml").write_text(
        GREETING.format(name="wrong-intent").replace("intent: greeting", "intent: cancel_order"))

    code, out, _ = _run(monkeypatch, tmp_path)

    assert code == 1
    assert out.splitlines() == [
        "FAIL wrong-intent: turn 1: expected intent cancel_order, got greeting",
        "0 passed, 1 failed, 0 wrong writes"]


@pytest.mark.django_db
def test_policy_settings_are_taken_under_their_common_names() -> None:
    policy = scenarios.build_policy({
        "return_window_days": "60", "refund_threshold": 200, "allow_exceptions": "false",
        "lost_high_value_threshold": "300.00", "final_sale_returns": True})

    stored = ShopPolicy.objects.get(pk=policy.pk)
    assert stored.return_window_days == 60
    assert stored.refund_approval_threshold == Decimal("200.00")
    assert stored.allow_exceptions is False
    assert stored.lost_parcel_value_threshold == Decimal("300.00")
    assert stored.final_sale_returnable is True


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), [
    ({"restocking_fee": 5}, "store.policy: unknown setting 'restocking_fee'"),
    ({"refund_threshold": "lots"}, "store.policy.refund_threshold:"),
    ({"allow_exceptions": "perhaps"}, "store.policy.allow_exceptions:"),
])
def test_a_policy_setting_that_cannot_be_used_is_a_clear_error(
        overrides: dict[str, object], message: str) -> None:
    with pytest.raises(scenarios.ScenarioError) as error:
        scenarios.build_policy(overrides)

    assert str(error.value).startswith(message)
    assert not ShopPolicy.objects.exists()


def test_after_a_scenario_event_celery_follows_the_eager_setting_again(settings):
    """Inside an event tasks run inline; after it, CELERY_TASK_ALWAYS_EAGER decides again
    (an override left behind kept later webhooks' messages queued and unanswered)."""
    from core.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    with scenarios._world_at_work():
        assert app.conf.task_always_eager is True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    eager_after = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False

    assert (eager_after, app.conf.task_always_eager) == (True, False)
