"""Enter on a node: the node in full. A node that went down leads with its Ready condition; GPUs list
who holds them; the workloads on it with the GPUs they hold there; `g` opens its GPUs; esc goes back."""

from __future__ import annotations

from demo_helpers import demo_app, open_list, simulator
from pilot_waits import wait_until

from console.model import NodeStatus
from screens.dialogs import ConfirmDialog
from screens.gpus import GpusScreen
from screens.node_detail import NodeDetailScreen
from screens.nodes import NodesScreen


async def open_node(pilot, name: str) -> NodeDetailScreen:  # type: ignore[no-untyped-def]
    table = await open_list(pilot, "3", "nodes")
    table.move_cursor_to_key(name)
    await pilot.pause()
    await pilot.press("enter")
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, NodeDetailScreen), "the node detail")
    detail = app.screen
    assert isinstance(detail, NodeDetailScreen)
    await wait_until(pilot, lambda: bool(detail._sections), "the node to load")
    return detail


async def test_a_busy_node_lists_its_gpus_holders_and_workloads() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 40)) as pilot:
        detail = await open_node(pilot, "dgx-a100-01")
        text = detail.rendered_text(100)
        held = {
            allocation.workload_name
            for gpu in await app.backend.gpus("dgx-a100-01")
            for allocation in gpu.allocations
        }
        assert held
        for name in held:
            assert name in text  # every holder is named, under GPUs and under Workloads here
        assert "Ready          True" in text and "Taints     none" in text
        assert f"Workloads here ({len(held)})" in text

        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(app.screen, GpusScreen), "the node's GPUs")
        assert app.screen.node_name == "dgx-a100-01"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is detail, "back to the detail")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, NodesScreen), "back to the nodes")


async def test_a_node_that_went_down_says_so_first() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 40)) as pilot:
        down = next(n for n in simulator(app).runai.nodes() if n.status is not NodeStatus.READY)
        detail = await open_node(pilot, down.name)
        text = detail.rendered_text(100)
        conditions = text[text.index("Conditions") :]
        first_row = conditions.splitlines()[2]
        assert first_row.split()[:2] == ["Ready", "Unknown"]
        assert "Kubelet stopped posting node status." in conditions
        assert "Status     NotReady" in text


async def test_a_cordoned_and_draining_node_names_its_taints() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 40)) as pilot:
        table = await open_list(pilot, "3", "nodes")
        table.move_cursor_to_key("dgx-a100-02")
        await pilot.press("c")  # asks first, unless it is cordoned already (the demo's dgx-a100-02 is)
        await pilot.pause(0.3)
        if isinstance(app.screen, ConfirmDialog):
            await pilot.press("y")
        await wait_until(pilot, lambda: "cordoned" in table.cell_text("dgx-a100-02", "scheduling"), "cordon")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, NodeDetailScreen), "the node detail")
        detail = app.screen
        await wait_until(pilot, lambda: "(cordoned)" in detail.rendered_text(100), "the cordon taint")
        assert "cordoned: no new work lands here" in detail.rendered_text(100)


async def test_resources_and_labels_then_y_describes_the_node_object() -> None:
    """The detail ends with capacity against allocatable and the node's labels (from the Kubernetes Node
    object); `y` shows that object as YAML, as `kubectl get node -o yaml` would."""
    from screens.describe import DescribeScreen

    app = demo_app()
    async with app.run_test(size=(100, 40)) as pilot:
        detail = await open_node(pilot, "dgx-a100-01")
        await wait_until(
            pilot, lambda: "Resources (y: the whole Node)" in detail.rendered_text(98), "resources"
        )
        text = detail.rendered_text(98)
        assert "nvidia.com/gpu" in text and "CAPACITY" in text and "ALLOCATABLE" in text
        assert "kubernetes.io/hostname=dgx-a100-01" in text
        assert "nvidia.com/gpu.product=" in text
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, DescribeScreen), "the describe view")
        describe = app.screen
        await wait_until(pilot, lambda: describe.view.line_count > 10, "the YAML")
        yaml_text = describe.view.text()
        assert "kind: Node" in yaml_text and "name: dgx-a100-01" in yaml_text and "allocatable:" in yaml_text
        assert describe.screen_title == "Describe dgx-a100-01"


async def test_the_pods_on_a_node_name_their_workload_status_and_gpus() -> None:
    """k9s's pods of a node, in this stack's terms: the distributed job's master and its crash-looping
    worker, each with its workload, project, restarts and the node's GPUs it holds."""
    app = demo_app()
    async with app.run_test(size=(100, 40)) as pilot:
        detail = await open_node(pilot, "dgx-a100-02")
        await wait_until(pilot, lambda: "Pods (3: 3 Run:ai, 0 other)" in detail.rendered_text(160), "pods")
        rows = pod_section_rows(detail)
        assert rows["recsys-dlrm-train-master-0"] == ["recsys", "Running", "0", "2", "0,1"]
        assert rows["recsys-dlrm-train-worker-0"] == ["recsys", "CrashLoopBackOff", "1", "2", "2,3"]
        assert rows["whisper-finetune-0-0"] == ["speech", "Running", "0", "2", "4,5"]
        header = next(line for line in detail.rendered_text(160).splitlines() if "PROJECT/NS" in line)
        assert header.split() == ["NAME", "PROJECT/NS", "STATUS", "RESTARTS", "GPUS", "GPU", "#"]


def pod_section_rows(detail: NodeDetailScreen) -> dict[str, list[str]]:
    """{pod name: the words of its row} of the detail's Pods section, read as a user reads it."""
    text = detail.rendered_text(160)
    pods = text[text.index("Pods (") : text.index("Events (")]
    return {line.split()[0]: line.split()[1:] for line in pods.splitlines()[2:] if line.strip()}
