"""What the Nodes and GPU screens show of GPU nodes shaped like real EKS, GKE and GPU-operator clusters'.

The app runs over the live backend: Run:ai and WEKA are the simulator's faces, Kubernetes is a small API on
127.0.0.1 serving the recorded nodes and pods of `node_shapes` as they are (`RecordedCluster`); everything
goes over real HTTP through the real `kubernetes` client. Run:ai lists none of these nodes here (its node
list is answered empty), so what the screens show is Kubernetes' reading alone. NVML is the backend's own
seam (`nvml_reader`): a host without a driver.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from node_shapes import (
    ALL_NODES,
    ALL_PODS,
    GARBAGE,
    GKE_B7M4,
    GKE_X9K2,
    MIG_MIXED,
    MIG_SINGLE,
    SLICED,
    RecordedCluster,
)
from textual.pilot import Pilot

from console.app import RwcApp
from console.backends.live.backend import LiveBackend
from console.config import Config, Profile, load_config_file
from console.data.errors import Unavailable
from console.model import GpuDevice
from console.sim.http.base import Fault, FaultKind, SimHttpServer
from console.sim.http.kubeconfig import DEFAULT_CONTEXT, write_kubeconfig
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator
from screens.gpus import GpusScreen
from screens.nodes import NodesScreen
from widgets.resource_table import ResourceTable

EKS = "ip-10-0-1-23.us-west-2.compute.internal"
WIDE, NARROW = (160, 48), (80, 24)


class NoDriverReader:
    """This host has no NVIDIA driver: no readings (the backend's `nvml_reader` seam)."""

    def available(self) -> bool:
        return False

    def unavailable_reason(self) -> str | None:
        return "No NVIDIA driver on this host (libnvidia-ml.so.1 not found); the GPU panel is unavailable"

    def read(self, node_name: str) -> list[GpuDevice]:
        raise AssertionError("read() without a driver")

    def started(self) -> tuple[object, list[tuple[int, object, str]]]:
        """No GPU events from this stand-in (the event watcher's seam): NVML's answer without a driver."""
        raise Unavailable("No NVIDIA driver on this host (libnvidia-ml.so.1 not found)", service="nvml")

    def close(self) -> None:
        return None


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSimulator]:
    with ServedSimulator(
        build_simulator("demo", 7), clock_speed=0, workdir=tmp_path_factory.mktemp("served")
    ) as running:
        # Run:ai knows none of the recorded nodes: the screens show Kubernetes' reading of them.
        running.runai.faults.add(
            Fault(
                FaultKind.AMEND,
                path_pattern=r"/nodes$",
                method="GET",
                amend=lambda body: {**body, "nodes": []},
            )
        )
        yield running


@pytest.fixture(scope="module")
def cluster() -> Iterator[SimHttpServer]:
    server = RecordedCluster(ALL_NODES, ALL_PODS).server().start()
    try:
        yield server
    finally:
        server.stop()


class LocalDriverReader(NoDriverReader):
    """This host is `gpu-node-garbage` and its driver works: NVML names its 4 GPUs."""

    def available(self) -> bool:
        return True

    def unavailable_reason(self) -> str | None:
        return None

    def read(self, node_name: str) -> list[GpuDevice]:
        return [
            GpuDevice(node_name, index, f"GPU-{index}", "NVIDIA RTX A6000", 49140, 10, 3.0, 35.0, 60.0)
            for index in range(4)
        ]


def live_profile(served: ServedSimulator, cluster: SimHttpServer, tmp_path: Path) -> tuple[Path, Profile]:
    """The served faces' profile, its Kubernetes pointed at the recorded cluster."""
    path = served.write_profile(tmp_path / "rwc.toml")
    profile = load_config_file(path, must_exist=True).select(None)
    assert profile is not None
    kubeconfig = write_kubeconfig(tmp_path / "recorded.json", cluster.url, "recorded-cluster-token")
    return path, dataclasses.replace(profile, kubeconfig=kubeconfig, kube_context=DEFAULT_CONTEXT)


async def test_without_labels_the_local_driver_names_the_gpus(
    served: ServedSimulator, cluster: SimHttpServer, tmp_path: Path
) -> None:
    _, profile = live_profile(served, cluster, tmp_path)
    backend = LiveBackend(
        profile,
        local_node_names=frozenset({GARBAGE}),
        nvml_reader=LocalDriverReader(),  # type: ignore[arg-type]
    )
    try:
        nodes = {node.name: node for node in await backend.nodes()}
        gpus = [gpu for gpu in await backend.gpus() if gpu.node_name == GARBAGE]
    finally:
        await backend.aclose()
    assert nodes[GARBAGE].gpu_model == "NVIDIA RTX A6000"  # not `GPU`: no label said, the driver does
    assert nodes[SLICED].gpu_model == "NVIDIA-A100-SXM4-80GB"  # a labelled node keeps its label's name
    assert [(gpu.model, gpu.memory_total_mib) for gpu in gpus] == [("NVIDIA RTX A6000", 49140)] * 4


@pytest.fixture
async def app(served: ServedSimulator, cluster: SimHttpServer, tmp_path: Path) -> AsyncIterator[RwcApp]:
    path, profile = live_profile(served, cluster, tmp_path)
    config = Config(demo=False, profile=profile, profile_name=profile.name, config_path=path)
    backend = LiveBackend(profile, nvml_reader=NoDriverReader())  # type: ignore[arg-type]
    application = RwcApp(backend=backend, config=config)
    try:
        yield application
    finally:
        await backend.aclose()


async def wait_until(pilot: Pilot, predicate: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def open_table(pilot: Pilot, key: str, screen_class: type, rows: int) -> ResourceTable:
    """Press the screen's number key and wait until `rows` rows are there."""
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, screen_class), screen_class.__name__)
    table = pilot.app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count >= rows, f"{rows} rows on {screen_class.__name__}")
    await pilot.pause()
    return table


def drawn_lines(table: ResourceTable) -> list[str]:
    """The table as the terminal shows it, one string per line (header first)."""
    return ["".join(segment.text for segment in table.render_line(y)) for y in range(table.size.height)]


def gpu_rows(table: ResourceTable, node_name: str) -> list[str]:
    return [key for key in table.visible_keys() if key.startswith(f"{node_name}/")]


async def test_nodes_screen_counts_physical_gpus_and_names_models(app: RwcApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        table = await open_table(pilot, "3", NodesScreen, len(ALL_NODES))

        def cell(node: str, column: str) -> str:
            return table.cell_text(node, column)

        # Time-slicing 8 GPUs x 4, ten one-GPU pods: 2.5 of 8 physical GPUs, not 10/8 (nor 10/32).
        assert cell(SLICED, "gpus").endswith("2.5/8")
        # GKE time-sharing: allocatable 16 on 8 GPUs is 8 GPUs; the model from gke-accelerator.
        assert cell(GKE_X9K2, "gpus").endswith("1.5/8") and cell(GKE_B7M4, "gpus").endswith("0/8")
        assert cell(GKE_X9K2, "model") == "NVIDIA-A100-SXM4-40GB"
        # Healthy GKE nodes with node-problem-detector's conditions (all False): Ready, no problems.
        assert cell(GKE_X9K2, "status") == "Ready" and cell(GKE_X9K2, "conditions") == ""
        # EKS without GFD: the model from the instance type, never `GPU`.
        assert cell(EKS, "model") == "NVIDIA-A100-SXM4-40GB" and cell(EKS, "gpus").endswith("6/8")
        # MIG: physical GPUs, slices counted as their share of a GPU.
        assert (
            cell(MIG_SINGLE, "gpus").endswith("1.3/8")
            and cell(MIG_SINGLE, "model") == "NVIDIA-H100-80GB-HBM3"
        )
        assert cell(MIG_MIXED, "gpus").endswith("2.9/8")
        # Garbage labels: the node is listed, with what could be read.
        assert cell(GARBAGE, "model") == "GPU" and cell(GARBAGE, "gpus").endswith("0/4")
        assert cell("gpu-node-absurd", "gpus") == "—"
        # Whole names at 160 columns: no EKS or GKE name is cut.
        drawn = "\n".join(drawn_lines(table))
        assert EKS in drawn and GKE_X9K2 in drawn


async def test_gpu_screen_shows_every_holder(app: RwcApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        table = await open_table(pilot, "4", GpusScreen, 8 * 7)

        def holders(node: str) -> list[str]:
            return [table.cell_text(key, "holders") for key in gpu_rows(table, node)]

        sliced = holders(SLICED)
        assert len(sliced) == 8  # physical GPUs, not 32 replicas
        assert sum(text.count("notebook") for text in sliced) == 10  # no holder vanishes
        assert sliced[0].count("notebook 0.25") == 2
        assert (
            len(gpu_rows(table, GKE_X9K2)) == 8
            and sum("serving/llm-7d9f6c5b8" in h for h in holders(GKE_X9K2)) == 3
        )
        # A holder that is not a Run:ai workload: namespace/pod, never blank.
        eks = holders(EKS)
        assert eks[4].endswith("ml-infra/triton-5c8d7b9f4-q2xkz") and eks[0].endswith("train-resnet")
        # MIG single: 8 GPUs of 7 slices; the slice holders named with their profile.
        single = holders(MIG_SINGLE)
        assert (
            len(single) == 8 and single[0].startswith("MIG ") and single[0].count("infer-bert 1g.10gb") == 7
        )
        mixed = holders(MIG_MIXED)
        assert not mixed[0].startswith("MIG") and mixed[4].startswith("MIG ")
        assert mixed[4].count("tokenize 1g.5gb") == 3 and "finetune 3g.20gb" in mixed[4]
        # Memory from labels or the accelerator table; unknown is `—`, never `—/0B`.
        assert table.cell_text(f"{GKE_X9K2}/0", "memory") == "—/40GiB"
        assert table.cell_text(f"{GARBAGE}/0", "memory") == "—"
        assert table.cell_text(f"{SLICED}/0", "model") == "NVIDIA-A100-SXM4-80GB"


async def test_at_80_columns_names_sharing_a_prefix_stay_apart(app: RwcApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        table = await open_table(pilot, "4", GpusScreen, 8 * 7)
        table.filter_text = "gke-ml"  # the two GKE nodes' GPUs, as a user narrows the list
        await wait_until(pilot, lambda: table.visible_count == 16, "the GKE GPUs")
        await pilot.pause()
        first_cells = {line.split()[0] for line in drawn_lines(table)[1:] if line.strip()}
        gke = {cell for cell in first_cells if cell.startswith("gke-")}
        assert len(gke) == 2, first_cells  # x9k2 and b7m4 both recognisable
        assert all(cell.endswith(("x9k2", "b7m4")) for cell in gke)
        # EKS names differ in their host label, not in the region's domain: that label stays whole.
        table.filter_text = "ip-10-0-1"
        await wait_until(pilot, lambda: table.visible_count == 16, "the EKS GPUs")
        await pilot.pause()
        first_cells = {line.split()[0] for line in drawn_lines(table)[1:] if line.strip()}
        assert {cell.split("…")[0] for cell in first_cells} == {"ip-10-0-1-23", "ip-10-0-1-57"}, first_cells


async def test_enter_on_a_gpu_held_by_a_pod_that_is_not_run_ai_says_so(app: RwcApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        table = await open_table(pilot, "4", GpusScreen, 8 * 7)
        table.move_cursor_to_key(f"{EKS}/4")
        await pilot.pause()
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(app._notifications), "a notification")
        messages = [notification.message for notification in app._notifications]
        assert any("ml-infra/triton-5c8d7b9f4-q2xkz is not a Run:ai workload" in m for m in messages)
        assert isinstance(app.screen, GpusScreen)  # nothing opened
