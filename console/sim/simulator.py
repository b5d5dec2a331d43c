"""The whole simulated stack: one clock, one seeded RNG, a Run:ai cluster and a WEKA cluster.

Time advances in fixed ticks so that the same seed and the same total advance give the same state,
however the advance is split up (the demo advances in uneven real-time steps, tests in round ones).

The simulator is not thread-safe: whoever touches it from more than one thread (the demo backend's
worker thread, the HTTP faces' server threads, a test between awaits) holds `Simulator.lock`, which
`advance` and `settle` take themselves.
"""

from __future__ import annotations

import random
import threading
from datetime import datetime

from console.data.errors import Invalid
from console.model import Identity, Role
from console.model.storage import ClaimSpec
from console.sim.clock import DEFAULT_START, Clock
from console.sim.data_feed import DataFeed
from console.sim.object_store import ObjectStore
from console.sim.runai import RunaiSim
from console.sim.runai_claims import SimClaim
from console.sim.weka import WekaSim

TICK_SECONDS = 1.0


class Simulator:
    """Owns the state of both halves and steps them together."""

    def __init__(
        self, seed: int = 7, start: datetime = DEFAULT_START, object_store: ObjectStore | None = None
    ) -> None:
        self.seed = seed
        self.clock = Clock(start)
        self.rng = random.Random(seed)
        self.runai = RunaiSim(self.clock, random.Random(f"{seed}-runai"))
        self.weka = WekaSim(self.clock, random.Random(f"{seed}-weka"), object_store)
        """Its uploads land in `object_store`, which the demo's other site shares."""
        self.feed = DataFeed(self.runai, self.weka)
        """Who is fed with data how well: spans both halves, so it steps after them."""
        self._pending_seconds = 0.0
        self.lock = threading.RLock()
        """Held for any read or change that may overlap another thread's (re-entrant: calls nest)."""

    def advance(self, seconds: float) -> None:
        """Move the clock forward, stepping both clusters once per whole tick."""
        if seconds < 0:
            raise ValueError("cannot advance by a negative time")
        with self.lock:
            self._pending_seconds += seconds
            while self._pending_seconds >= TICK_SECONDS - 1e-9:
                self._pending_seconds -= TICK_SECONDS
                self.clock.advance(TICK_SECONDS)
                self.runai.step(TICK_SECONDS)
                self.weka.step(TICK_SECONDS)
                self.feed.step()

    def warm_caches(self) -> None:
        """Build every cached view once (20,000 workloads take ~0.3 s the first time, ms afterwards).

        The demo calls this in the thread that builds the simulator, so the first fetches are cheap and
        the first screen of the `large` scenario fills at once.
        """
        with self.lock:
            admin = self.runai.identity_for(None, Role.ADMIN)
            self.runai.workloads(admin, None)
            self.runai.projects(admin)
            self.runai.nodes()
            self.runai.gpus(None)
            self.weka.filesystems()
            self.weka.snapshots(None)

    def settle(self) -> None:
        """Run the scheduler without moving time (after an action, so its effect shows at once)."""
        with self.lock:
            self.runai.schedule()
            self.feed.step()

    # -- claims: a Run:ai project's view of a WEKA filesystem -------------------------------------
    def create_filesystem_claim(self, actor: Identity, spec: ClaimSpec) -> SimClaim:
        """A static csi-wekafs volume for a filesystem of this site's WEKA and a claim bound to it in the
        project's namespace (`runai_claims`), which workloads then mount by name."""
        with self.lock:
            namespace = next(
                (p.namespace for p in self.runai.project_records() if p.name == spec.project_name), None
            )
            if namespace is None:
                raise Invalid(
                    f"Project {spec.project_name!r} does not exist.", field="project_name", service="runai"
                )
            return self.runai.claims.create_filesystem_claim(
                actor, spec, namespace, self.filesystem_names(), self.clock.now()
            )

    def filesystem_names(self) -> set[str]:
        """The filesystems this site's WEKA has, which a claim may be bound to."""
        with self.lock:
            return {filesystem.name for filesystem in self.weka.filesystems()}

    def project_namespaces(self) -> dict[str, str]:
        """{namespace: project name} of every Run:ai project."""
        with self.lock:
            return {project.namespace: project.name for project in self.runai.project_records()}
