"""NvmlEventWatcher (XID errors, clock throttling) against the real pynvml bindings and the fake
libnvidia-ml.so.1 (tests/fakes/nvml/fake_nvml.c: FAKE_NVML_XIDS, FAKE_NVML_THROTTLE), each scenario in its own
interpreter (conftest.py). What is asserted is what the event list shows: the reason, the GPU, the words."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.unit.live.test_nvml import FAKE_DRIVER_VERSION, NVML_MODULE, RunPython

WATCH_SNIPPET = """
import json, os, time
from console.backends.live.nvml import NvmlGpuReader
from console.backends.live.nvml_events import NvmlEventWatcher
reader = NvmlGpuReader()
assert reader.driver_version() == {driver!r}, reader.driver_version()
watcher = NvmlEventWatcher(reader, "node-a")
{body}
out = {{
    "xid_supported": watcher.xid_supported,
    "stopped": watcher.stopped_reason,
    "events": [
        {{"severity": e.severity.value, "source": e.source.value, "reason": e.reason,
          "object": e.subject.label, "node": e.subject.node, "uuid": e.subject.id, "message": e.message}}
        for e in watcher.events()
    ],
}}
watcher.close()
reader.close()
print(json.dumps(out))
"""


def _watch(run_python: RunPython, fake_nvml_dir: Path, body: str, **env: str) -> dict[str, Any]:
    code = WATCH_SNIPPET.format(driver=FAKE_DRIVER_VERSION, body=body)
    proc = run_python(code, lib_dir=fake_nvml_dir, env=env)
    if "AssertionError" in proc.stderr and FAKE_DRIVER_VERSION in proc.stderr:
        pytest.skip("a real libnvidia-ml.so.1 shadowed the fake one")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_xids_become_events_with_what_to_do(run_python: RunPython, fake_nvml_dir: Path) -> None:
    result = _watch(
        run_python,
        fake_nvml_dir,
        "watcher.open()\nos.environ['FAKE_NVML_XIDS'] = '1:79,0:13,1:4242'\nwatcher.drain(50)",
    )

    assert result["xid_supported"] is True
    newest, middle, oldest = result["events"]
    assert oldest == {
        "severity": "Critical",
        "source": "NVML",
        "reason": "Xid",
        "object": "GPU node-a/gpu1",
        "node": "node-a",
        "uuid": "GPU-00000000-fake-4000-8000-000000000001",
        "message": "XID 79 on GPU 1: GPU has fallen off the bus; drain the node and reboot it; "
        "replace the GPU if it recurs",
    }
    assert middle["severity"] == "Warning"
    assert middle["message"].startswith("XID 13 on GPU 0: graphics engine exception")
    assert "restart the application" in middle["message"]
    # A code outside the table still shows, pointing at the catalog.
    assert (
        newest["message"]
        == "XID 4242 on GPU 1: see NVIDIA's Xid catalog; look the code up in NVIDIA's Xid catalog"
    )


def test_throttling_starts_and_ends_as_events(run_python: RunPython, fake_nvml_dir: Path) -> None:
    body = """
watcher.open()  # first sample: idle (0x1), nothing to say
os.environ['FAKE_NVML_THROTTLE'] = '0:0x41'  # idle + hardware thermal slowdown
watcher.sample_throttle()
watcher.sample_throttle()  # unchanged: no second event
os.environ['FAKE_NVML_THROTTLE'] = '0:0x05,1:0x14'  # power cap on both (GPU 1 with sync boost)
watcher.sample_throttle()
os.environ['FAKE_NVML_THROTTLE'] = '1:0x10'  # GPU 0 idle again; GPU 1 only sync boost: both back to normal
watcher.sample_throttle()
"""
    events = _watch(run_python, fake_nvml_dir, body)["events"]

    said = [(e["object"], e["reason"], e["severity"], e["message"]) for e in reversed(events)]
    assert said == [
        (
            "GPU node-a/gpu0",
            "ClocksThrottled",
            "Warning",
            "GPU 0 clocks slowed: hardware thermal slowdown (the GPU is too hot)",
        ),
        (
            "GPU node-a/gpu0",
            "ClocksThrottled",
            "Normal",
            "GPU 0 clocks slowed: power cap (drawing its power limit)",
        ),
        (
            "GPU node-a/gpu1",
            "ClocksThrottled",
            "Normal",
            "GPU 1 clocks slowed: power cap (drawing its power limit)",
        ),
        (
            "GPU node-a/gpu0",
            "ClocksRestored",
            "Normal",
            "GPU 0 clocks back to normal after power cap (drawing its power limit)",
        ),
        (
            "GPU node-a/gpu1",
            "ClocksRestored",
            "Normal",
            "GPU 1 clocks back to normal after power cap (drawing its power limit)",
        ),
    ]


def test_a_gpu_throttled_when_the_watch_starts_says_so(run_python: RunPython, fake_nvml_dir: Path) -> None:
    events = _watch(run_python, fake_nvml_dir, "watcher.open()", FAKE_NVML_THROTTLE="1:0x40")["events"]

    assert [(e["object"], e["reason"]) for e in events] == [("GPU node-a/gpu1", "ClocksThrottled")]


def test_gpus_without_event_support_still_report_throttling(
    run_python: RunPython, fake_nvml_dir: Path
) -> None:
    body = "watcher.open()\nos.environ['FAKE_NVML_XIDS'] = '0:48'\nwatcher.drain(10)"
    result = _watch(
        run_python, fake_nvml_dir, body, FAKE_NVML_NOT_SUPPORTED="events", FAKE_NVML_THROTTLE="0:0x08"
    )

    assert result["xid_supported"] is False
    assert [e["reason"] for e in result["events"]] == ["ClocksThrottled"]


def test_an_xid_storm_is_bounded(run_python: RunPython, fake_nvml_dir: Path) -> None:
    storm = ",".join(f"{i % 2}:{31 + i % 3}" for i in range(1200))
    body = f"watcher.open()\nos.environ['FAKE_NVML_XIDS'] = {storm!r}\nfor _ in range(6): watcher.drain(0)"
    events = _watch(run_python, fake_nvml_dir, body)["events"]

    assert len(events) == 500  # HISTORY: the newest kept, the oldest dropped


def test_the_thread_times_events_and_a_lost_gpu_ends_it_in_words(
    run_python: RunPython, fake_nvml_dir: Path
) -> None:
    body = """
watcher.start()
os.environ['FAKE_NVML_XIDS'] = '0:94'
deadline = time.monotonic() + 10
while not watcher.events() and time.monotonic() < deadline:
    time.sleep(0.02)
os.environ['FAKE_NVML_ERRORS'] = 'wait=15'  # the GPU fell off the bus while the thread waited
deadline = time.monotonic() + 10
while watcher.stopped_reason is None and time.monotonic() < deadline:
    time.sleep(0.02)
"""
    result = _watch(run_python, fake_nvml_dir, body)

    assert [e["message"][:10] for e in result["events"]] == ["XID 94 on "]
    assert result["stopped"].startswith("NVML stopped reporting GPU events: ")
    assert "Traceback" not in result["stopped"]


HOST_SNIPPET = """
import asyncio, json, os
from console.backends.live.host_gpus import HostGpus

async def main():
    host = HostGpus(names=frozenset({"gpu-7", "gpu-7.cluster.local"}))
    await host.read("gpu-7")  # the GPU panel starts the watch
    os.environ['FAKE_NVML_XIDS'] = '0:48'
    for _ in range(200):
        if await host.events():
            break
        await asyncio.sleep(0.02)
    out = {
        "long": [(e.subject.node, e.subject.name) for e in await host.events("gpu-7.cluster.local")],
        "other": len(await host.events("gpu-8")),
    }
    await host.aclose()
    print(json.dumps(out))

asyncio.run(main())
"""


def test_host_gpu_events_are_on_the_node_the_cluster_names(
    run_python: RunPython, fake_nvml_dir: Path
) -> None:
    proc = run_python(HOST_SNIPPET, lib_dir=fake_nvml_dir)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])

    assert result["long"] == [["gpu-7.cluster.local", "gpu-7.cluster.local/gpu0"]]
    assert result["other"] == 0  # another node's timeline has none of this host's GPU events


def test_self_check_watches_events(run_python: RunPython, fake_nvml_dir: Path) -> None:
    proc = run_python(
        module=NVML_MODULE,
        lib_dir=fake_nvml_dir,
        env={"FAKE_NVML_XIDS": "1:63", "FAKE_NVML_THROTTLE": "0:0x20"},
    )
    assert proc.returncode == 0
    proc = run_python(
        f"import sys, runpy; sys.argv = ['nvml', '--node', 'n1', '--events', '0.5']\n"
        f"runpy.run_module({NVML_MODULE!r}, run_name='__main__', alter_sys=True)",
        lib_dir=fake_nvml_dir,
        env={"FAKE_NVML_XIDS": "1:63", "FAKE_NVML_THROTTLE": "0:0x20"},
    )

    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith(("nvml: watching", "event "))]
    assert lines[0] == "nvml: watching events for 0.5 s (XID events on)"
    assert any("ClocksThrottled n1/gpu0: GPU 0 clocks slowed: software thermal slowdown" in x for x in lines)
    assert any("Xid n1/gpu1: XID 63 on GPU 1: memory row remapped" in x for x in lines)


@pytest.mark.real_gpu
@pytest.mark.skipif(os.environ.get("RWC_REAL_GPU") != "1", reason="set RWC_REAL_GPU=1 on a host with a GPU")
def test_real_gpu_events_watch(run_python: RunPython) -> None:
    """On a real GPU: XID registration works (every data-centre GPU supports it) and throttling reads."""
    proc = run_python(
        "import sys, runpy; sys.argv = ['nvml', '--events', '3']\n"
        f"runpy.run_module({NVML_MODULE!r}, run_name='__main__', alter_sys=True)",
        lib_dir=None,
    )
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "(XID events on)" in proc.stdout
