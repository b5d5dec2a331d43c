"""The event list and a workload's timeline in the real app over the live backend, pointed at the
simulator's Run:ai, WEKA and Kubernetes faces on 127.0.0.1 (as `rwc --config` does with `rwc sim serve`):
the rows a user reads are the demo's."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "ui"))
from pilot_waits import wait_for_screen, wait_until  # noqa: E402

from console.cli import make_app  # noqa: E402
from console.config import Config  # noqa: E402
from console.sim.scenarios import build_simulator  # noqa: E402
from screens.events import EventsScreen  # noqa: E402
from screens.workload_detail import WorkloadDetailScreen  # noqa: E402
from tests.live.served_backend import app_config_over  # noqa: E402
from widgets.resource_table import ResourceTable  # noqa: E402


@pytest.fixture
def live_config(tmp_path: Path) -> Iterator[Config]:
    with app_config_over(build_simulator("demo", 7), tmp_path) as config:
        yield config


async def test_the_event_list_over_http_names_both_sides_of_a_preemption(live_config: Config) -> None:
    app = make_app(live_config)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("colon", "e", "v", "enter")
        await wait_for_screen(pilot, EventsScreen)
        table = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: table.row_count > 0, "events over HTTP")
        assert {"Run:ai", "K8s"} <= {table.cell_text(k, "source") for k in table.visible_keys()}
        await pilot.press("p")
        await wait_until(pilot, lambda: table.visible_count == 1, "the preemption")
        (key,) = table.visible_keys()
        assert table.cell_text(key, "object") == "wl/bert4rec-train"
        assert table.cell_text(key, "message").startswith("by llm-pretrain/llama3-8b-sft:")
        await pilot.press("enter")
        await wait_for_screen(pilot, WorkloadDetailScreen)
        detail = app.screen
        assert isinstance(detail, WorkloadDetailScreen)
        await wait_until(pilot, lambda: detail._shown_events is not None, "the victim's timeline")
        await wait_until(
            pilot,
            lambda: "Preempted by llm-pretrain/llama3-8b-sft" in detail.rendered_text(width=120),
            "who preempted it",
        )
