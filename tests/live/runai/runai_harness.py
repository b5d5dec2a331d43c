"""Shared pieces of the Run:ai live-client tests: credentials, a served simulator, helpers.

A uniquely named module (not `conftest`) so tests can import it: the WEKA and Kubernetes test folders have
conftest modules of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from console.backends.live.runai import RunaiClient
from console.model.identity import Role
from console.sim.http.base import SimHttpServer, SimulatorHost
from console.sim.http.runai import AppCredential, RunaiFace, serve_runai
from console.sim.scenarios import build_simulator
from console.sim.simulator import Simulator

ADMIN = AppCredential("rwc-admin", "adm1n-S3cret-qx7Lw", "admin@acme.ai", Role.ADMIN)
RESEARCHER = AppCredential("rwc-alice", "al1ce-S3cret-Zp9Vv", "alice@acme.ai", Role.RESEARCHER)
CREDENTIALS = {credential.client_id: credential for credential in (ADMIN, RESEARCHER)}
SECRETS = (ADMIN.client_secret, RESEARCHER.client_secret)


def new_simulator() -> Simulator:
    return build_simulator("demo", seed=7)


@dataclass
class Served:
    simulator: Simulator
    host: SimulatorHost
    server: SimHttpServer

    @property
    def face(self) -> RunaiFace:
        return self.server.runai_face  # type: ignore[attr-defined,no-any-return]

    @property
    def url(self) -> str:
        return self.server.url


def serve(simulator: Simulator, **options: Any) -> Served:
    host = SimulatorHost(simulator, clock_speed=0)
    server = serve_runai(host, CREDENTIALS, **options).start()
    return Served(simulator, host, server)


ClientFactory = Callable[..., RunaiClient]
