"""`rwc sim serve` with the demo's two sites: `on-prem` and `cloud`, each behind its own three faces.

Each site is a whole `ServedSimulator` (its own Run:ai, WEKA and Kubernetes ports, credentials and
secret files, in a 0700 folder of its own under one private folder), and the profile written is one
config with a profile per site (`default_profile` is on-prem), so `rwc --config PATH` opens both and
`:ctx` switches between them over real HTTP. Stopping one site's faces (a test's fault) leaves the other
serving: the sites share nothing but the folder.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from console.sim.http.serve import ServedSimulator, _toml_string, write_profile_file

SITE_NAMES = ("on-prem", "cloud")


class ServedSites:
    """Several `ServedSimulator`s as one service: start, stop, one profile file with every site."""

    def __init__(self, sites: dict[str, ServedSimulator], workdir: Path, *, own_workdir: bool) -> None:
        if not sites:
            raise ValueError("ServedSites needs at least one site")
        self.sites = sites
        self.workdir = workdir
        self._own_workdir = own_workdir

    def __iter__(self) -> Iterator[ServedSimulator]:
        return iter(self.sites.values())

    def __getitem__(self, name: str) -> ServedSimulator:
        return self.sites[name]

    def start(self) -> ServedSites:
        started: list[ServedSimulator] = []
        try:
            for served in self:
                started.append(served.start())
        except BaseException:
            for served in started:
                served.stop()
            raise
        return self

    def stop(self) -> None:
        for served in self:
            served.stop()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> ServedSites:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def profile_toml(self, *, comment: bool = True) -> str:
        """One config with a profile per site (the first is the default); it names files, never secrets."""
        first = next(iter(self))
        lines: list[str] = []
        if comment:
            start = first.started_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
            lines.append(f"# rwc sim serve: simulator start {start}, clock speed {first.host.clock_speed:g}")
            for name, served in self.sites.items():
                lines.append(
                    f"# {name}: Run:ai {served.runai.url}  WEKA {served.weka.url}  K8s {served.kube.url}"
                )
            lines.append("# The secret files below exist only while `rwc sim serve` runs.")
        lines.append(f"default_profile = {_toml_string(first.profile_name)}")
        for served in self:
            lines += ["", *served.profile_block()]
        return "\n".join(lines) + "\n"

    def write_profile(self, path: Path) -> Path:
        return write_profile_file(path, self.profile_toml())


def build_served_sites(
    scenario: str = "demo",
    seed: int = 7,
    *,
    clock_speed: float = 1.0,
    start: datetime | None = None,
    workdir: Path | None = None,
    **options: object,
) -> ServedSites:
    """The demo's sites, served (not yet started): on-prem is `scenario`, cloud the cloud site."""
    from console.sim.clock import DEFAULT_START
    from console.sim.object_store import ObjectStore
    from console.sim.scenarios import build_simulator, build_site_simulator

    start = start or DEFAULT_START
    own = workdir is None
    root = Path(tempfile.mkdtemp(prefix="rwc-sim-")) if workdir is None else Path(workdir)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    shared = ObjectStore()  # the bucket on-prem uploads to is the one cloud creates filesystems from
    simulators = {
        SITE_NAMES[0]: build_simulator(scenario, seed, start=start, object_store=shared),
        SITE_NAMES[1]: build_site_simulator(SITE_NAMES[1], seed, start=start, object_store=shared),
    }
    sites: dict[str, ServedSimulator] = {}
    for name, simulator in simulators.items():
        folder = root / name
        folder.mkdir(mode=0o700, exist_ok=True)
        sites[name] = ServedSimulator(
            simulator,
            clock_speed=clock_speed,
            workdir=folder,
            profile_name=name,
            **options,  # type: ignore[arg-type]
        )
    return ServedSites(sites, root, own_workdir=own)
