"""Enter on a node over the simulator's HTTP faces: the detail a user reads (conditions with age and message,
taints, allocatable against capacity, labels, the workloads and pods on it with their GPUs, its timeline)
is the demo's, line for line, for a busy node, a node that went down and a cordoned one; `y` shows the Node
object as the Kubernetes API returns it, the YAML the demo shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from served_app import demo_app, in_one_read, open_list, served, wait_for_screen, wait_until
from textual.pilot import Pilot

from console.app import RwcApp
from console.ui.gpu_history import HISTORY_CELL_WIDTH
from screens.describe import DescribeScreen
from screens.node_detail import NodeDetailScreen

SIZE = (100, 40)
WIDTH = 98

BUSY, DOWN, CORDONED = "dgx-a100-01", "dgx-h100-04", "dgx-a100-02"


async def open_node(pilot: Pilot, name: str) -> NodeDetailScreen:
    """From the nodes list, `/name` enter to find it, then enter on it: the detail, every section read."""
    await open_list(pilot, "3", "nodes")
    await in_one_read(pilot, ["/", *name, "<enter>"])
    await in_one_read(pilot, ["<enter>"])
    await wait_for_screen(pilot, NodeDetailScreen)
    detail = pilot.app.screen
    assert isinstance(detail, NodeDetailScreen) and detail.node_name == name
    await wait_until(
        pilot,
        lambda: "newest first" in detail.rendered_text(WIDTH) and "Labels (" in detail.rendered_text(WIDTH),
        f"{name}'s timeline and Node object",
    )
    return detail


async def detail_and_yaml(app: RwcApp, name: str) -> tuple[str, str]:
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_node(pilot, name)
        text = detail.rendered_text(WIDTH)
        await in_one_read(pilot, "y")
        await wait_for_screen(pilot, DescribeScreen)
        describe = app.screen
        assert isinstance(describe, DescribeScreen)
        await wait_until(pilot, lambda: describe.view.line_count > 10, "the YAML")
        assert describe.screen_title == f"Describe {name}"
        yaml_text = describe.view.text()
        await in_one_read(pilot, ["<escape>"])
        await wait_until(pilot, lambda: app.screen is detail, "back on the detail")
        return text, yaml_text


GPU_EVENT_LINE = re.compile(r"^\S+ \S (Xid|ClocksThrottled|ClocksRestored) .*\n(?: {8,}.*\n)*", re.MULTILINE)
"""A GPU event's line on the timeline, with the lines its message wraps onto (indented)."""
EVENT_COUNT = re.compile(r"Events \((\d+), newest first\)")


def without_gpu_history(text: str) -> str:
    """The node detail with each GPU's UTIL and MEM cells blanked (their columns keep one width either way):
    the histories are their own poll, which may or may not have answered on either side when the text is
    read (tests/live/test_gpu_history_app.py compares the histories themselves)."""
    lines = text.split("\n")
    header = next((n for n, line in enumerate(lines) if line.startswith("# USED UTIL ")), None)
    if header is None:
        return text
    columns = [lines[header].index("UTIL "), lines[header].index("MEM ")]
    for n in range(header + 1, len(lines)):
        line = lines[n]
        if line.startswith("Workloads here"):
            break
        if not line[:1].isdigit():  # a holder's name wrapped onto the next line
            continue
        for column in columns:
            line = line[:column] + "<history>".ljust(HISTORY_CELL_WIDTH) + line[column + HISTORY_CELL_WIDTH :]
        lines[n] = line
    return "\n".join(lines)


def without_gpu_events(text: str) -> str:
    """The demo's node detail as it reads over HTTP: a GPU's own events (XIDs, throttling) come from NVML on
    the host rwc runs on, which no HTTP face serves (tests/unit/live/test_nvml_events.py covers that path)."""
    kept, removed = GPU_EVENT_LINE.subn("", text)
    return EVENT_COUNT.sub(lambda m: f"Events ({int(m[1]) - removed}, newest first)", kept)


@pytest.mark.parametrize("name", [BUSY, DOWN, CORDONED])
async def test_the_node_detail_over_http_reads_as_the_demo(name: str, tmp_path: Path) -> None:
    with served(tmp_path) as faces:
        live_text, live_yaml = await detail_and_yaml(faces.app(), name)
        demo_text, demo_yaml = await detail_and_yaml(demo_app(), name)
    assert without_gpu_history(live_text) == without_gpu_history(without_gpu_events(demo_text))
    assert live_yaml == demo_yaml
    assert "kind: Node" in live_yaml and f"name: {name}" in live_yaml and "allocatable:" in live_yaml

    conditions = live_text[live_text.index("Conditions (") :]
    assert "RESOURCE" in live_text and "CAPACITY" in live_text and "ALLOCATABLE" in live_text
    assert f"kubernetes.io/hostname={name}" in live_text
    assert "Events (" in live_text
    if name == BUSY:
        assert "Ready          True" in conditions and "Taints     none" in live_text
        assert "Workloads here (7)" in live_text and "vit-large-pretrain" in live_text
        assert "Pods (" in live_text and "vit-large-pretrain-0-0" in live_text
        assert "vision/vit-large-pretrain: Started container vit-large-pretrain" in live_text
    if name == DOWN:
        assert conditions.splitlines()[2].split()[:2] == ["Ready", "Unknown"]
        assert "Kubelet stopped posting node status." in conditions
    if name == CORDONED:
        assert "node.kubernetes.io/unschedulable:NoSchedule  (cordoned)" in live_text
        assert "recsys-dlrm-train" in live_text  # the crash-looping worker's node
