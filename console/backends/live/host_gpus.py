"""`HostGpus`: the GPUs of the host rwc runs on, read through NVML, when that host is one of the nodes.

No API carries a GPU's UUID, memory used, utilisation, temperature or power; NVML does, for this host's
devices only. So `LiveBackend` asks here for the devices of the node whose name is this host's, and for why
there are none (no driver, no GPU) to show on the GPU panel. The reader is made on first use and its
blocking calls run in a worker thread.
"""

from __future__ import annotations

import asyncio
import socket
from typing import TYPE_CHECKING

from console.backends.live.merge import local_host_names

if TYPE_CHECKING:
    from console.backends.live.nvml import NvmlGpuReader
    from console.model import GpuDevice


class HostGpus:
    """This host's NVML, or nothing when `use_nvml` is off; `names` are the node names this host has."""

    def __init__(
        self,
        *,
        use_nvml: bool = True,
        reader: NvmlGpuReader | None = None,
        names: frozenset[str] | None = None,
    ) -> None:
        self._use_nvml = use_nvml
        self._reader = reader
        self.names = names if names is not None else local_host_names()

    def reader(self) -> NvmlGpuReader | None:
        """The NVML reader (made now on first use), or None when NVML is not to be used."""
        if not self._use_nvml:
            return None
        if self._reader is None:
            from console.backends.live.nvml import NvmlGpuReader

            self._reader = NvmlGpuReader()
        return self._reader

    async def unavailable_reason(self) -> str | None:
        """Why NVML cannot read this host's GPUs (no driver, no device), or None when it can (or is off)."""
        reader = self.reader()
        if reader is None:
            return None
        return await asyncio.to_thread(reader.unavailable_reason)

    async def read(self, node_name: str | None) -> list[GpuDevice]:
        """This host's GPUs from NVML, attributed to `node_name` (or this host's name); [] without a driver
        or for another node's name. A driver that fails mid-read raises (the panel shows why)."""
        reader = self.reader()
        if reader is None:
            return []
        if node_name is not None and node_name not in self.names:
            return []
        name = node_name or socket.gethostname().split(".")[0]
        if not await asyncio.to_thread(reader.available):
            return []
        return await asyncio.to_thread(reader.read, name)

    async def aclose(self) -> None:
        """Shut NVML down if it was started."""
        if self._reader is not None:
            await asyncio.to_thread(self._reader.close)
