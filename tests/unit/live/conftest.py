"""Fixtures for the NVML reader tests: a fake libnvidia-ml.so.1 built with gcc, and a subprocess runner.

Why a subprocess: pynvml dlopens "libnvidia-ml.so.1" by soname once per process and the dynamic loader reads
LD_LIBRARY_PATH only at process start, so each scenario gets a fresh interpreter pointed at the fake (or at an
empty directory for "no driver"). The real bindings then exercise the fake end to end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
FAKE_SOURCE = REPO_ROOT / "tests" / "fakes" / "nvml" / "fake_nvml.c"
SUBPROCESS_TIMEOUT_S = 60

RunPython = Callable[..., subprocess.CompletedProcess[str]]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "real_gpu: needs a real NVIDIA GPU and driver; runs only when RWC_REAL_GPU=1"
    )


@pytest.fixture(scope="session")
def fake_nvml_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the fake libnvidia-ml.so.1; skips (not fails) the test when gcc is missing."""
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc is not installed; cannot build the fake libnvidia-ml.so.1")
    out = tmp_path_factory.mktemp("fake-nvml")
    build = subprocess.run(
        [gcc, "-shared", "-fPIC", "-O1", "-Wall", "-o", str(out / "libnvidia-ml.so.1"), str(FAKE_SOURCE)],
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT_S,
    )
    assert build.returncode == 0, f"building the fake NVML library failed:\n{build.stderr}"
    return out


@pytest.fixture(scope="session")
def empty_lib_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An LD_LIBRARY_PATH entry with no libnvidia-ml.so.1 in it (the "no driver" host)."""
    return tmp_path_factory.mktemp("no-nvml")


@pytest.fixture(scope="session")
def system_has_nvml() -> bool:
    """Whether this host has a real libnvidia-ml.so.1 (a GPU machine): the "no library" case must then hide
    it from pynvml instead of relying on the loader not finding one."""
    probe = subprocess.run(
        [sys.executable, "-c", "import ctypes; ctypes.CDLL('libnvidia-ml.so.1')"],
        capture_output=True,
        env=_base_env(None),
        timeout=SUBPROCESS_TIMEOUT_S,
    )
    return probe.returncode == 0


def _base_env(lib_dir: Path | None, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The parent's environment without any FAKE_NVML_* leftovers, with the repo importable and
    LD_LIBRARY_PATH set to `lib_dir` first (None: leave the loader's search path as the host has it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAKE_NVML_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    if lib_dir is not None:
        env["LD_LIBRARY_PATH"] = os.pathsep.join(
            p for p in (str(lib_dir), os.environ.get("LD_LIBRARY_PATH", "")) if p
        )
    env.update(extra or {})
    return env


@pytest.fixture
def run_python() -> RunPython:
    """Run `python -c code` (or `python -m module`) in a fresh interpreter; returns the CompletedProcess."""

    def run(
        code: str | None = None,
        *,
        module: str | None = None,
        lib_dir: Path | None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        args = ["-m", module] if module else ["-c", code or ""]
        return subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            env=_base_env(lib_dir, env),
            timeout=SUBPROCESS_TIMEOUT_S,
        )

    return run
