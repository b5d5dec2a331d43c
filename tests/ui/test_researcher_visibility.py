"""Researchers see only what the API shows them: on the GPU screen and in alerts, holders of projects
they are not in read "another project" (the GPU still counts as held), admins see every name."""

from __future__ import annotations

from demo_helpers import demo_app, open_list, simulator

from console.data.visibility import ANOTHER_PROJECT, visible_alerts
from console.model import Role
from console.model.runai_alerts import workload_degraded_alert
from console.sim.clock import DEFAULT_START
from widgets.resource_table import ResourceTable

ALICE = "alice@acme.ai"


async def test_a_researcher_sees_other_projects_holders_as_another_project() -> None:
    app = demo_app(role=Role.RESEARCHER, user=ALICE)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_list(pilot, "4", "gpus")
        sim = simulator(app)
        with sim.lock:
            mine = set(sim.runai.identity_for(ALICE, Role.RESEARCHER).project_names)
            devices = sim.runai.gpus()
        others = {a.workload_name for d in devices for a in d.allocations if a.project_name not in mine}
        own = {a.workload_name for d in devices for a in d.allocations if a.project_name in mine}
        assert others and own, "the demo has GPUs held by alice's projects and by others"
        table = app.screen.query_one(ResourceTable)
        shown = "\n".join(table.get_row(key).search_text for key in table.visible_keys())  # type: ignore[union-attr]
        assert ANOTHER_PROJECT in shown
        assert not any(name.lower() in shown for name in others - own)
        assert all(name.lower() in shown for name in own)
        held = sum(1 for d in devices if d.allocations)
        listed = await app.backend.gpus()
        assert sum(1 for d in listed if d.allocations) == held  # counts stay right


async def test_an_admin_sees_every_holder() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await open_list(pilot, "4", "gpus")
        listed = await app.backend.gpus()
        assert not any(a.project_name == ANOTHER_PROJECT for d in listed for a in d.allocations)


def test_alerts_of_other_projects_are_counted_but_unnamed() -> None:
    from console.model import Identity

    alice = Identity(ALICE, Role.RESEARCHER, ("vision",))
    alerts = [
        workload_degraded_alert("vision", "vit-ddp", "worker-1 CrashLoopBackOff", DEFAULT_START),
        workload_degraded_alert("speech", "secret-asr", "worker-0 OOMKilled", DEFAULT_START),
    ]
    shown = visible_alerts(alerts, alice)
    assert len(shown) == 2
    assert "vit-ddp" in shown[0].title
    assert "secret-asr" not in shown[1].title + shown[1].description
    assert "speech" not in shown[1].description and ANOTHER_PROJECT in shown[1].description
