"""NvmlGpuReader against the real pynvml bindings and a fake libnvidia-ml.so.1 (tests/fakes/nvml/fake_nvml.c).

Each scenario runs in a subprocess (see conftest.py) so LD_LIBRARY_PATH decides which library pynvml loads.
The fake's values per device i are documented at the top of fake_nvml.c: 81559 MiB total, 10000+1000*i MiB
used (v2; v1 adds 512 MiB reserved), 37+i % utilisation, 41+i C, 312456+1000*i mW.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from console.backends.live.nvml import format_gpu_line
from console.model.runai import GpuDevice

RunPython = Callable[..., subprocess.CompletedProcess[str]]
"""The `run_python` fixture (conftest.py): a fresh interpreter with LD_LIBRARY_PATH set."""

FAKE_DRIVER_VERSION = "999.99.99-fake"
NVML_MODULE = "console.backends.live.nvml"

# Reads everything the reader offers and prints it as one JSON line; errors become data, not tracebacks.
READ_SNIPPET = """
import dataclasses, json, sys
from console.backends.live.nvml import NvmlGpuReader
from console.data.errors import BackendError
reader = NvmlGpuReader()
out = {"available": reader.available(), "reason": reader.unavailable_reason()}
out["driver"] = reader.driver_version()
try:
    out["gpus"] = [dataclasses.asdict(g) for g in reader.read("node-a")]
    out["gpus_again"] = [dataclasses.asdict(g) for g in reader.read("node-a")]
    out["processes"] = [dataclasses.asdict(p) for p in reader.processes()]
except BackendError as exc:
    out["error"] = {"type": type(exc).__name__, "message": exc.message, "service": exc.service}
pynvml = sys.modules.get("pynvml")
out["refcount_before_close"] = getattr(pynvml, "_nvmlLib_refcount", None)
reader.close()
reader.close()
out["refcount_after_close"] = getattr(pynvml, "_nvmlLib_refcount", None)
print(json.dumps(out))
"""

# Makes pynvml's dlopen fail as on a host without a driver, for hosts that do have one (the GPU machine).
HIDE_SYSTEM_NVML = """
import pynvml
def _no_library(*args, **kwargs):
    raise OSError("libnvidia-ml.so.1: cannot open shared object file: No such file or directory")
pynvml.CDLL = _no_library
"""

RUN_CLI = """
import runpy
runpy.run_module("console.backends.live.nvml", run_name="__main__", alter_sys=True)
"""


def _read(run_python: RunPython, lib_dir: Path | None, prelude: str = "", **env: str) -> dict[str, Any]:
    proc = run_python(prelude + READ_SNIPPET, lib_dir=lib_dir, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _read_fake(run_python: RunPython, fake_nvml_dir: Path, **env: str) -> dict[str, Any]:
    result = _read(run_python, fake_nvml_dir, **env)
    if result["available"] and result["driver"] != FAKE_DRIVER_VERSION:
        pytest.skip(f"a real libnvidia-ml.so.1 (driver {result['driver']}) shadowed the fake one")
    return result


def _cli_fake(run_python: RunPython, fake_nvml_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    proc = run_python(module=NVML_MODULE, lib_dir=fake_nvml_dir, env=env)
    if proc.stdout.startswith("nvml: driver ") and FAKE_DRIVER_VERSION not in proc.stdout.splitlines()[0]:
        pytest.skip("a real libnvidia-ml.so.1 shadowed the fake one")
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def _gpu_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("GPU ")]


# -- reading with units ------------------------------------------------------------------------------------


def test_two_gpus_read_with_units(run_python: RunPython, fake_nvml_dir: Path) -> None:
    result = _read_fake(run_python, fake_nvml_dir, FAKE_NVML_GPUS="2")

    assert result["available"] is True
    assert result["reason"] is None
    gpus = result["gpus"]
    assert [g["index"] for g in gpus] == [0, 1]
    first, second = gpus
    assert first == {
        "node_name": "node-a",
        "index": 0,
        "uuid": "GPU-00000000-fake-4000-8000-000000000000",
        "model": "NVIDIA H100 80GB HBM3",
        "memory_total_mib": 81559,  # 85520809984 bytes
        "memory_used_mib": 10000,  # v2 `used` (10000 MiB + 123 B, floored), reserved memory left out
        "utilization_percent": 37.0,
        "temperature_celsius": 41.0,
        "power_watts": 312.456,  # from 312456 mW
        "allocations": [],  # NVML knows processes, not Run:ai fractions
        "mig_enabled": False,
        "telemetry_unavailable_reason": None,  # read
    }
    assert second["memory_used_mib"] == 11000
    assert second["utilization_percent"] == 38.0
    assert second["temperature_celsius"] == 42.0
    assert second["power_watts"] == pytest.approx(313.456)


def test_nvml_is_initialised_once_and_shut_down_on_close(run_python: RunPython, fake_nvml_dir: Path) -> None:
    result = _read_fake(run_python, fake_nvml_dir)

    assert result["gpus_again"] == result["gpus"]
    assert result["refcount_before_close"] == 1  # several reads, one nvmlInit
    # close() called nvmlShutdown once; the second close is a no-op.
    assert result["refcount_after_close"] == 0


def test_memory_falls_back_to_v1_when_the_driver_lacks_v2(run_python: RunPython, fake_nvml_dir: Path) -> None:
    # 13 = NVML_ERROR_FUNCTION_NOT_FOUND, what an older driver without nvmlDeviceGetMemoryInfo_v2 answers.
    result = _read_fake(run_python, fake_nvml_dir, FAKE_NVML_ERRORS="memory_v2=13")

    assert [g["memory_used_mib"] for g in result["gpus"]] == [10512, 11512]  # v1 counts reserved as used
    assert result["gpus"][0]["memory_total_mib"] == 81559


def test_mig_mode_enabled_per_gpu(run_python: RunPython, fake_nvml_dir: Path) -> None:
    result = _read_fake(run_python, fake_nvml_dir, FAKE_NVML_GPUS="3", FAKE_NVML_MIG="1")

    assert [g["mig_enabled"] for g in result["gpus"]] == [False, True, False]


def test_compute_processes_are_listed_with_memory_or_none(run_python: RunPython, fake_nvml_dir: Path) -> None:
    result = _read_fake(run_python, fake_nvml_dir, FAKE_NVML_PROCS="0:4242:2048,1:77:-")

    uuid = "GPU-00000000-fake-4000-8000-00000000000{}".format
    assert result["processes"] == [
        {"gpu_index": 0, "gpu_uuid": uuid(0), "pid": 4242, "used_memory_mib": 2048},
        {"gpu_index": 1, "gpu_uuid": uuid(1), "pid": 77, "used_memory_mib": None},
    ]
    assert all(g["allocations"] == [] for g in result["gpus"])


# -- N/A per value ------------------------------------------------------------------------------------------


def test_not_supported_power_reads_as_none_and_cli_prints_na(
    run_python: RunPython, fake_nvml_dir: Path
) -> None:
    result = _read_fake(run_python, fake_nvml_dir, FAKE_NVML_NOT_SUPPORTED="power")

    assert [g["power_watts"] for g in result["gpus"]] == [None, None]
    assert result["gpus"][0]["temperature_celsius"] == 41.0  # the other readings are unaffected

    proc = _cli_fake(run_python, fake_nvml_dir, FAKE_NVML_NOT_SUPPORTED="power")
    assert proc.returncode == 0
    lines = _gpu_lines(proc.stdout)
    assert len(lines) == 2
    assert all("power N/A" in line for line in lines)
    assert "power 0" not in proc.stdout


def test_every_optional_reading_not_supported_is_none_never_zero(
    run_python: RunPython, fake_nvml_dir: Path
) -> None:
    result = _read_fake(
        run_python,
        fake_nvml_dir,
        FAKE_NVML_NOT_SUPPORTED="memory,utilization,temperature,power,mig,processes",
    )

    gpu = result["gpus"][0]
    assert gpu["memory_used_mib"] is None
    assert gpu["memory_total_mib"] == 0  # the model's int field; with used None it means "not reported"
    assert gpu["utilization_percent"] is None
    assert gpu["temperature_celsius"] is None
    assert gpu["power_watts"] is None
    assert gpu["mig_enabled"] is False
    assert result["processes"] == []


@pytest.mark.parametrize(
    ("errors", "field"),
    [
        ("power@1=999", "power_watts"),  # NVML_ERROR_UNKNOWN on one field: N/A, as nvitop shows it
        ("utilization@1=4", "utilization_percent"),  # NO_PERMISSION
        ("temperature@1=13", "temperature_celsius"),  # FUNCTION_NOT_FOUND, and no TemperatureV either
    ],
)
def test_field_errors_that_mean_not_available(
    run_python: RunPython, fake_nvml_dir: Path, errors: str, field: str
) -> None:
    result = _read_fake(run_python, fake_nvml_dir, FAKE_NVML_ERRORS=errors)

    assert result["gpus"][0][field] is not None
    assert result["gpus"][1][field] is None


# -- errors ------------------------------------------------------------------------------------------------


def test_lost_gpu_is_unavailable_naming_the_gpu(run_python: RunPython, fake_nvml_dir: Path) -> None:
    result = _read_fake(run_python, fake_nvml_dir, FAKE_NVML_ERRORS="power@1=15")

    assert result["error"]["type"] == "Unavailable"
    assert result["error"]["service"] == "nvml"
    assert "GPU 1" in result["error"]["message"]
    assert "lost" in result["error"]["message"]

    proc = _cli_fake(run_python, fake_nvml_dir, FAKE_NVML_ERRORS="power@1=15")
    assert proc.returncode == 1  # a driver is there but reading failed: the self-check must flag it
    assert "GPU 1" in proc.stdout


@pytest.mark.parametrize(
    ("errors", "error_type"),
    [
        ("count=999", "BadResponse"),  # unknown error where the list itself comes from
        ("handle@0=2", "BadResponse"),  # INVALID_ARGUMENT opening a device
        ("memory=10", "Timeout"),
        ("name@0=18", "Unavailable"),  # LIB_RM_VERSION_MISMATCH mid-run
    ],
)
def test_structural_and_unusable_errors_map_to_backend_errors(
    run_python: RunPython, fake_nvml_dir: Path, errors: str, error_type: str
) -> None:
    result = _read_fake(run_python, fake_nvml_dir, FAKE_NVML_ERRORS=errors)

    assert result["error"]["type"] == error_type
    assert result["error"]["service"] == "nvml"


# -- no driver ----------------------------------------------------------------------------------------------


def test_no_library_is_unavailable_with_a_human_reason(
    run_python: RunPython, empty_lib_dir: Path, system_has_nvml: bool
) -> None:
    prelude = HIDE_SYSTEM_NVML if system_has_nvml else ""
    result = _read(run_python, empty_lib_dir, prelude)

    assert result["available"] is False
    assert result["reason"] == (
        "No NVIDIA driver on this host (libnvidia-ml.so.1 not found); the GPU panel is unavailable"
    )
    assert result["driver"] is None
    assert result["error"] == {"type": "Unavailable", "message": result["reason"], "service": "nvml"}

    proc = run_python(prelude + RUN_CLI, lib_dir=empty_lib_dir)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"nvml: {result['reason']}"
    assert "Traceback" not in proc.stderr
    assert proc.stderr == ""


def test_driver_not_loaded_at_init_is_unavailable(run_python: RunPython, fake_nvml_dir: Path) -> None:
    # 9 = NVML_ERROR_DRIVER_NOT_LOADED: the library is installed, the kernel module is not.
    result = _read(run_python, fake_nvml_dir, FAKE_NVML_INIT_ERROR="9")

    assert result["available"] is False
    assert "kernel module is not loaded" in result["reason"]
    assert result["reason"].endswith("the GPU panel is unavailable")
    assert result["error"]["type"] == "Unavailable"

    proc = run_python(module=NVML_MODULE, lib_dir=fake_nvml_dir, env={"FAKE_NVML_INIT_ERROR": "9"})
    assert proc.returncode == 0
    assert proc.stdout.startswith("nvml: The NVIDIA driver library is installed")
    assert "Traceback" not in proc.stderr


def test_unexpected_init_error_still_gives_a_reason(run_python: RunPython, fake_nvml_dir: Path) -> None:
    result = _read(run_python, fake_nvml_dir, FAKE_NVML_INIT_ERROR="999")

    assert result["available"] is False
    assert result["reason"] == "NVML failed to start (Unknown Error [code 999]); the GPU panel is unavailable"


# -- self-check output and layering --------------------------------------------------------------------------


def test_cli_prints_one_line_per_gpu(run_python: RunPython, fake_nvml_dir: Path) -> None:
    proc = _cli_fake(run_python, fake_nvml_dir, FAKE_NVML_GPUS="2", FAKE_NVML_MIG="1")

    assert proc.returncode == 0
    assert proc.stdout.splitlines()[0].startswith(f"nvml: driver {FAKE_DRIVER_VERSION}, 2 GPU(s) on ")
    assert _gpu_lines(proc.stdout) == [
        "GPU 0: NVIDIA H100 80GB HBM3 | mem 10000/81559 MiB | util 37% | temp 41 C | power 312.5 W | MIG off"
        " | GPU-00000000-fake-4000-8000-000000000000",
        "GPU 1: NVIDIA H100 80GB HBM3 | mem 11000/81559 MiB | util 38% | temp 42 C | power 313.5 W | MIG on"
        " | GPU-00000000-fake-4000-8000-000000000001",
    ]


def test_format_gpu_line_shows_na_not_zero() -> None:
    gpu = GpuDevice(
        node_name="n",
        index=3,
        uuid="GPU-x",
        model="NVIDIA H100 80GB HBM3",
        memory_total_mib=0,
        memory_used_mib=None,
        utilization_percent=None,
        temperature_celsius=None,
        power_watts=None,
    )

    assert format_gpu_line(gpu) == (
        "GPU 3: NVIDIA H100 80GB HBM3 | mem N/A/N/A MiB | util N/A | temp N/A | power N/A | MIG off | GPU-x"
    )


def test_importing_the_live_package_and_reader_stays_light(run_python: RunPython) -> None:
    code = (
        "import sys, console.backends.live, console.backends.live.nvml\n"
        "print(sorted(m for m in ('pynvml', 'httpx', 'kubernetes', 'textual') if m in sys.modules))"
    )
    proc = run_python(code, lib_dir=None)

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


# -- a real GPU (the lent GPU machine) ---------------------------------------------------------------------


@pytest.mark.real_gpu
@pytest.mark.skipif(os.environ.get("RWC_REAL_GPU") != "1", reason="set RWC_REAL_GPU=1 on a host with a GPU")
def test_real_gpu_if_present(run_python: RunPython) -> None:
    result = _read(run_python, lib_dir=None)  # the host's own library, as the loader finds it

    assert result["available"] is True, result["reason"]
    assert "error" not in result, result.get("error")
    gpus = result["gpus"]
    assert gpus, "NVML started but reported no GPUs"
    assert any(g["memory_total_mib"] > 0 and g["memory_used_mib"] is not None for g in gpus)
    assert all(g["uuid"].startswith("GPU-") for g in gpus)
    assert result["refcount_after_close"] == 0

    proc = run_python(module=NVML_MODULE, lib_dir=None)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(_gpu_lines(proc.stdout)) == len(gpus)
    print(proc.stdout)  # visible with -s: the self-check as it ran on the GPU machine
