"""`HostGpus`: the GPUs of the host rwc runs on, read through NVML, when that host is one of the nodes.

No API carries a GPU's UUID, memory used, utilisation, temperature or power; NVML does, for this host's
devices only. So `LiveBackend` asks here for the devices of the node whose name is this host's, and for why
there are none (no driver, no GPU) to show on the GPU panel. The reader is made on first use and its
blocking calls run in a worker thread.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import replace
from typing import TYPE_CHECKING

from console.backends.live.merge import local_host_names

if TYPE_CHECKING:
    from console.backends.live.nvml import NvmlGpuReader
    from console.backends.live.nvml_events import NvmlEventWatcher
    from console.model import GpuDevice
    from console.model.events import Event


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
        self._watcher: NvmlEventWatcher | None = None

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
        name = node_name or self._host_name()
        if not await asyncio.to_thread(reader.available):
            return []
        devices = await asyncio.to_thread(reader.read, name)
        await self._watch(reader)
        return devices

    async def events(self, node_name: str | None = None) -> list[Event]:
        """This host's GPU events (XID errors, throttling; `NvmlEventWatcher`), newest first; [] without a
        driver, or when `node_name` is another node. The watch starts on first use (here or `read`), so an
        XID is timed when it happens from then on."""
        reader = self.reader()
        if reader is None or (node_name is not None and node_name not in self.names):
            return []
        if not await asyncio.to_thread(reader.available):
            return []
        watcher = await self._watch(reader)
        if watcher is None:
            return []
        found = watcher.events()
        if node_name is None:
            return found
        # The watcher names this host one way; the cluster may know it by its other (short or long) name.
        return [
            event
            if event.subject.node == node_name
            else replace(
                event, subject=replace(event.subject, node=node_name, name=_renamed(event, node_name))
            )
            for event in found
        ]

    async def _watch(self, reader: NvmlGpuReader) -> NvmlEventWatcher | None:
        """The event watcher, started now on first use; None when NVML would not start it."""
        if self._watcher is None:
            from console.backends.live.nvml_events import NvmlEventWatcher
            from console.data.errors import BackendError

            watcher = NvmlEventWatcher(reader, self._node_name())
            try:
                await asyncio.to_thread(watcher.start)
            except BackendError:
                return None
            self._watcher = watcher
        return self._watcher

    def _node_name(self) -> str:
        """The node name this host's GPU events are about: the one the cluster knows, else the host's."""
        short = self._host_name()
        return short if short in self.names or not self.names else sorted(self.names)[0]

    @staticmethod
    def _host_name() -> str:
        return socket.gethostname().split(".")[0]

    async def aclose(self) -> None:
        """Stop the event watch, then shut NVML down, if they were started."""
        if self._watcher is not None:
            await asyncio.to_thread(self._watcher.close)
            self._watcher = None
        if self._reader is not None:
            await asyncio.to_thread(self._reader.close)


def _renamed(event: Event, node_name: str) -> str:
    """`host/gpu3` as `node_name/gpu3`."""
    _, _, gpu = event.subject.name.rpartition("/")
    return f"{node_name}/{gpu}"
