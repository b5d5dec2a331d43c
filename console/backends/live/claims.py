"""`LiveClaims`: `create_filesystem_claim` of `LiveBackend`, and the mounts of a workload without pods, mixed
in (its module stays under its size), without importing the kubernetes client, which loads only when a
`KubeClient` is built."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.data.errors import Invalid

if TYPE_CHECKING:
    from console.backends.live.kube import KubeClient
    from console.backends.live.runai import RunaiClient
    from console.model.runai import Workload
    from console.model.storage import ClaimSpec, DataMount


class LiveClaims:
    """`create_filesystem_claim` of `LiveBackend`: the project's namespace from Run:ai, the pair over
    Kubernetes."""

    if TYPE_CHECKING:
        runai: RunaiClient

        def _require_kube(self) -> KubeClient: ...

    async def create_filesystem_claim(self, spec: ClaimSpec) -> None:
        kube = self._require_kube()
        project = next((p for p in await self.runai.projects() if p.name == spec.project_name), None)
        if project is None:
            raise Invalid(
                f"Project {spec.project_name!r} does not exist.", field="project_name", service="runai"
            )
        if not project.namespace:
            raise Invalid(
                f"Project {spec.project_name} has no namespace yet; try again once Run:ai has made it.",
                field="project_name",
                service="runai",
            )
        await kube.create_filesystem_claim(project.namespace, spec)

    async def mounts_without_pods(self, workload: Workload, namespace: str) -> list[DataMount]:
        """A workload with no pods (suspended, or not created yet): the claims its spec names (Run:ai's
        typed route), followed to WEKA; none when its spec names none."""
        volumes = await self.runai.specs.volumes(workload)
        if not volumes:
            return []
        return await self._require_kube().claim_mounts(namespace, volumes)
