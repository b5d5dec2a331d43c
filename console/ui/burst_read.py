"""Reading both sites for a burst plan, once, in parallel, each within a deadline.

The source gives the workload, its volumes (followed to WEKA), its filesystems, snapshots and buckets; the
target its projects, filesystems, buckets, groups, workload names and GPUs. A needed part that fails makes
the reading fail with the site's name and the reason (the plan cannot be made without it); the target's
GPUs are optional (shown when known). Pure of Textual; the screen calls it in a worker.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING

from console.model.runai import WorkloadFilter
from console.ui.burst_plan import BurstReading, SiteSide
from console.ui.dr_plan import optional_part

if TYPE_CHECKING:
    from console.data.backend import Backend

READ_DEADLINE_SECONDS = 20.0


class BurstReadError(Exception):
    """One site could not be read; the message names it and says why."""


async def _side(site: str, backend: Backend) -> SiteSide:
    async with asyncio.TaskGroup() as group:
        filesystems = group.create_task(backend.filesystems())
        snapshots = group.create_task(backend.snapshots())
        buckets = group.create_task(backend.buckets())
        groups = group.create_task(optional_part(backend.filesystem_groups()))
    return SiteSide(site, filesystems.result(), snapshots.result(), buckets.result(), groups.result() or ())


def _why(error: BaseException) -> str:
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return " ".join(str(error).split()) or type(error).__name__


async def _read_source(site: str, backend: Backend, workload_id: str) -> BurstReading:
    """The source's half (the target's parts empty, filled by `_read_target`)."""
    async with asyncio.TaskGroup() as group:
        side = group.create_task(_side(site, backend))
        workload = group.create_task(backend.workload(workload_id))
        mounts = group.create_task(backend.workload_mounts(workload_id))
    empty = SiteSide("", (), (), ())
    return BurstReading(side.result(), empty, workload.result(), mounts.result(), (), frozenset())


async def _read_target(site: str, backend: Backend, half: BurstReading) -> BurstReading:
    async with asyncio.TaskGroup() as group:
        side = group.create_task(_side(site, backend))
        projects = group.create_task(backend.projects())
        gpus = group.create_task(optional_part(backend.gpu_capacity()))
        names = group.create_task(backend.workloads(WorkloadFilter(project_name=half.workload.project_name)))
    taken = frozenset((w.project_name, w.name) for w in names.result())
    return replace(
        half,
        target=side.result(),
        target_projects=projects.result(),
        target_workload_names=taken,
        target_gpus=gpus.result(),
    )


async def read_burst(
    source_site: str,
    source: Backend,
    target_site: str,
    target: Backend,
    workload_id: str,
    deadline: float = READ_DEADLINE_SECONDS,
) -> BurstReading:
    """Both sites, read once (the source first: the target's reading needs the workload's project);
    raises `BurstReadError` naming the site that failed and why."""
    try:
        half = await asyncio.wait_for(_read_source(source_site, source, workload_id), deadline)
    except TimeoutError:
        raise BurstReadError(f"{source_site} did not answer in {deadline:g} s") from None
    except Exception as error:  # noqa: BLE001 - said with the site's name
        raise BurstReadError(f"{source_site}: {_why(error)}") from None
    try:
        return await asyncio.wait_for(_read_target(target_site, target, half), deadline)
    except TimeoutError:
        raise BurstReadError(f"{target_site} did not answer in {deadline:g} s") from None
    except Exception as error:  # noqa: BLE001 - said with the site's name
        raise BurstReadError(f"{target_site}: {_why(error)}") from None
