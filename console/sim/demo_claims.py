"""The demo's burst candidate: `sandbox/sandbox-llm-distill`, pending on-prem for A100s, keeps its data in
alice's directory of `home` — the corpus it reads and the runs it writes — through two claims made the way
rwc's burst makes them (a static csi-wekafs volume and a claim bound to it, `runai_claims`).

`home` is uploaded nightly to on-prem's remote bucket `obs-dr`, which is the cloud site's local bucket: so
a burst of this job to the cloud carries only what changed since last night (a few minutes at the bucket's
200 MB/s), and the copy mounts the same directories there. Every other demo workload's volumes are derived
from its name (`runai_mounts`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.model import Role
from console.model.storage import ClaimSpec, VolumeSpec
from console.sim.weka_units import TIB

if TYPE_CHECKING:
    from console.sim.simulator import Simulator

DISTILL_PROJECT = "sandbox"
DISTILL_FILESYSTEM = "home"
DISTILL_CLAIMS: tuple[tuple[VolumeSpec, str], ...] = (
    (VolumeSpec("distill-corpus", "/data", read_only=True), "alice/distill/corpus"),
    (VolumeSpec("distill-runs", "/runs", read_only=False), "alice/distill/runs"),
)
"""Each volume the job mounts, with the directory of `home` its claim is bound to."""
DISTILL_VOLUMES: tuple[VolumeSpec, ...] = tuple(volume for volume, _path in DISTILL_CLAIMS)


def add_demo_claims(simulator: Simulator) -> None:
    """Bind the job's claims (after both halves are populated: a claim needs its filesystem to exist)."""
    admin = simulator.runai.identity_for(None, Role.ADMIN)
    for volume, path in DISTILL_CLAIMS:
        simulator.create_filesystem_claim(
            admin,
            ClaimSpec(
                project_name=DISTILL_PROJECT,
                claim=volume.claim,
                filesystem=DISTILL_FILESYSTEM,
                capacity_bytes=2 * TIB,
                read_only=volume.read_only,
                path=path,
            ),
        )
