"""The real app (`RwcApp`) on a `LiveBackend` against the simulator served over HTTP on 127.0.0.1, as
`rwc --config <profile>` runs it beside `rwc sim serve`, and the same app on the demo backend, for Pilot
tests that compare what a user reads through the wire formats with what the demo shows.

Test modules in this folder import it as `from served_app import ...` (pytest puts the folder of a test
module on sys.path); it puts tests/ui on the path and passes on the Pilot waits and `open_list` from there.

Keys go in as a terminal read delivers them (`in_one_read`): every key of a burst is queued on the app
before the first is handled, so a key lands where the user would see it only if the app gets that right.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import patch

sys.path.insert(0, str(Path(__file__).parent.parent / "ui"))
from demo_helpers import open_list  # noqa: E402
from pilot_waits import wait_for_screen, wait_until  # noqa: E402
from test_key_bursts import type_in_one_read  # noqa: E402
from textual.pilot import Pilot  # noqa: E402

from console.app import RwcApp  # noqa: E402
from console.backends.live.backend import LiveBackend  # noqa: E402
from console.cli import make_app  # noqa: E402
from console.config import Config, load_config_file  # noqa: E402
from console.model import Role  # noqa: E402
from console.sim.clock import DEFAULT_START  # noqa: E402
from console.sim.http.base import SimHttpServer  # noqa: E402
from console.sim.http.kubeconfig import RESEARCHER_CONTEXT  # noqa: E402
from console.sim.http.runai import AppCredential, serve_runai  # noqa: E402
from console.sim.http.serve import ServedSimulator  # noqa: E402
from console.sim.scenarios import build_simulator  # noqa: E402
from widgets.resource_table import ResourceTable  # noqa: E402

__all__ = [
    "Served",
    "demo_app",
    "in_one_read",
    "open_list",
    "rows_read",
    "served",
    "settled_rows",
    "wait_for_screen",
    "wait_until",
]

RESEARCHER_CLIENT_ID = "rwc-sim-researcher"


def demo_app(role: Role = Role.ADMIN) -> RwcApp:
    """`rwc --demo` with the clock frozen at its start: the cluster the served simulator has."""
    return make_app(Config(clock_speed=0, sim_start=DEFAULT_START, role=role))


@dataclass
class Served:
    """The served faces, and a second Run:ai face on the same simulator that signs in its researcher."""

    faces: ServedSimulator
    researcher_runai: SimHttpServer
    workdir: Path

    def app(self, role: Role = Role.ADMIN) -> RwcApp:
        """The app `rwc --config` builds from the served profile, signed in as the admin or the researcher.

        `rwc sim serve` gives its Run:ai face one application credential, the admin's; its Kubernetes face
        also knows the researcher's token (a kubeconfig context). A researcher's profile is the served one
        pointed at the researcher's Run:ai face and context: the user `rwc --demo --role researcher` is.
        """
        path = self.faces.write_profile(self.workdir / "rwc-sim.toml")
        profile = load_config_file(path, must_exist=True).select(None)
        assert profile is not None
        if role is Role.RESEARCHER:
            profile = dataclasses.replace(
                profile,
                runai_url=self.researcher_runai.url,
                runai_client_id=RESEARCHER_CLIENT_ID,
                runai_client_secret_file=self.workdir / "researcher-secret",
                kube_context=RESEARCHER_CONTEXT,
            )
        return make_app(Config(demo=False, profile=profile, profile_name=profile.name, config_path=path))


@contextmanager
def served(workdir: Path) -> Iterator[Served]:
    """The demo scenario (seed 7, its clock frozen at the demo's start) behind the Run:ai, WEKA and
    Kubernetes faces.

    The live backend reads the time from the wall clock, as it should on a cluster whose clock agrees with
    the workstation's; here the cluster's clock stands still, so for as long as this runs the live backend
    reads the simulator's: ages, "for 2h" and the hour of GPU use are then written for the same moment
    as in the demo, and can be compared to the character.
    """
    simulator = build_simulator("demo", 7)
    with (
        ServedSimulator(simulator, clock_speed=0, workdir=workdir / "sim") as faces,
        patch.object(LiveBackend, "now", lambda _backend: simulator.clock.now()),
    ):
        secret = "researcher-S3cret-for-the-pilot-tests"
        researcher = AppCredential(RESEARCHER_CLIENT_ID, secret, faces.researcher.user, Role.RESEARCHER)
        secret_file = workdir / "researcher-secret"
        secret_file.touch(mode=0o600)
        secret_file.write_text(secret + "\n", encoding="utf-8")
        runai = serve_runai(faces.host, {RESEARCHER_CLIENT_ID: researcher}).start()
        try:
            yield Served(faces, runai, workdir)
        finally:
            runai.stop()


def rows_read(table: ResourceTable) -> list[tuple[str, ...]]:
    """The rows drawn now, as the user reads them: the text of every column shown, top to bottom.

    Only these: a list over the live backend fills some cells (a workload's nodes) for the rows in view."""
    columns = [column.key for column in table.shown_columns]
    return [tuple(table.cell_text(key, name) for name in columns) for key in table.keys_in_view()]


async def settled_rows(pilot: Pilot, table: ResourceTable, quiet: float = 0.25) -> list[tuple[str, ...]]:
    """`rows_read(table)` once it stopped changing for `quiet` seconds (cells that come with a later
    answer, such as usage or nodes, have come; the clock is frozen, so nothing else moves)."""
    before: list[tuple[str, ...]] | None = None
    while (now := rows_read(table)) != before:
        before = now
        await pilot.pause(quiet)
    return now


async def in_one_read(pilot: Pilot, keys: str | Sequence[str]) -> None:
    """Type `keys` as one terminal read and wait until every one was delivered and settled."""
    app = pilot.app
    assert isinstance(app, RwcApp)
    type_in_one_read(app, keys)
    await wait_until(pilot, lambda: app.key_gate.idle, "every key of the burst to be delivered")
    await pilot.pause()
