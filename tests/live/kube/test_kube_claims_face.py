"""Making static volumes and claims on the simulator's Kubernetes face, as the apiserver answers: 201 with the
object, then served in the lists (the volume Available until its claim comes, both Bound after); 409
AlreadyExists, 403 for a researcher and 422 Invalid naming the missing field, each a `Status`; and
`KubeClient.create_filesystem_claim` over the real `kubernetes` client."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from kube_fixtures import ADMIN_TOKEN, RESEARCHER_TOKEN, KubeEnv

from console.backends.live.kube import KubeClient
from console.data.errors import Forbidden, Unavailable
from console.model.storage import ClaimSpec
from console.sim.http.base import Fault, FaultKind
from console.wire.kube_static_volumes import static_claim_json, static_pair, static_volume_json

NS = "runai-vision"
VOLUME, CLAIM = static_pair(NS, ClaimSpec("vision", "burst-data", "scratch", 50 * 2**30))
PVS = "/api/v1/persistentvolumes"
PVCS = f"/api/v1/namespaces/{NS}/persistentvolumeclaims"


def _http(env: KubeEnv, token: str = ADMIN_TOKEN) -> httpx.Client:
    return httpx.Client(base_url=env.server.url, headers={"Authorization": f"Bearer {token}"}, timeout=10.0)


def _status(response: httpx.Response, code: int, reason: str) -> dict[str, Any]:
    assert response.status_code == code, response.text
    body = response.json()
    assert (body["kind"], body["status"], body["code"], body["reason"]) == ("Status", "Failure", code, reason)
    return body


def test_a_volume_then_its_claim_are_made_and_served_bound(kube_env: KubeEnv) -> None:
    with _http(kube_env) as http:
        made = http.post(PVS, json=static_volume_json(VOLUME))
        assert made.status_code == 201, made.text
        assert made.json()["status"]["phase"] == "Available"
        assert http.get(f"{PVS}/{VOLUME.name}").json()["spec"]["csi"]["volumeHandle"] == "weka/v2/scratch"
        claimed = http.post(PVCS, json=static_claim_json(CLAIM))
        assert claimed.status_code == 201, claimed.text
        assert claimed.json()["spec"]["volumeName"] == VOLUME.name
        assert claimed.json()["status"]["phase"] == "Bound"
        listed = {item["metadata"]["name"]: item for item in http.get(PVCS).json()["items"]}
        assert listed["burst-data"]["spec"]["resources"]["requests"]["storage"] == "50Gi"
        assert http.get(f"{PVS}/{VOLUME.name}").json()["status"]["phase"] == "Bound"
        body = _status(http.post(PVCS, json=static_claim_json(CLAIM)), 409, "AlreadyExists")
        assert body["message"] == "claim burst-data already exists in namespace runai-vision"
        _status(http.post(PVS, json=static_volume_json(VOLUME)), 409, "AlreadyExists")
        _status(http.delete(f"{PVS}/{VOLUME.name}"), 409, "Conflict")  # bound: kept


def test_refusals_are_status_bodies(kube_env: KubeEnv) -> None:
    with _http(kube_env, RESEARCHER_TOKEN) as http:
        body = _status(http.post(PVS, json=static_volume_json(VOLUME)), 403, "Forbidden")
        assert "needs an administrator" in body["message"]
    with _http(kube_env) as http:
        lacking = static_volume_json(VOLUME)
        del lacking["spec"]["claimRef"]
        body = _status(http.post(PVS, json=lacking), 422, "Invalid")
        assert body["message"].startswith(
            f'PersistentVolume "{VOLUME.name}" is invalid: spec.claimRef.namespace'
        )
        unknown = static_volume_json(VOLUME)
        unknown["spec"]["csi"]["volumeHandle"] = "weka/v2/no-such-fs"
        _status(http.post(PVS, json=unknown), 404, "NotFound")
        _status(http.post(PVCS, json=static_claim_json(CLAIM)), 422, "Invalid")  # its volume is not made
        made = http.post(PVS, json=static_volume_json(VOLUME))
        assert made.status_code == 201
        assert http.delete(f"{PVS}/{VOLUME.name}").status_code == 200  # unclaimed: undone
        assert http.get(f"{PVS}/{VOLUME.name}").status_code == 404


async def test_the_client_makes_the_pair_and_a_researcher_is_refused(
    kube_env: KubeEnv, client: KubeClient
) -> None:
    await client.create_filesystem_claim(NS, ClaimSpec("vision", "ckpt", "checkpoints", 2**40, path="vision"))
    with kube_env.host.lock:
        made = kube_env.sim.runai.claims.claim(NS, "ckpt")
    assert made is not None and made.volume.handle == "weka/v2/checkpoints/vision"
    researcher = kube_env.client(RESEARCHER_TOKEN)
    try:
        with pytest.raises(Forbidden, match="needs an administrator"):
            await researcher.create_filesystem_claim(NS, ClaimSpec("vision", "mine", "scratch", 2**30))
    finally:
        await researcher.aclose()


async def test_a_failed_claim_undoes_its_volume_or_says_it_is_left(
    kube_env: KubeEnv, client: KubeClient
) -> None:
    faults = kube_env.server.faults
    faults.add(Fault(FaultKind.STATUS, r"/persistentvolumeclaims$", "POST", 503, times=1))
    with pytest.raises(
        Unavailable, match="PersistentVolume runai-vision-first was deleted again; nothing is left"
    ):
        await client.create_filesystem_claim(NS, ClaimSpec("vision", "first", "scratch", 2**30))
    faults.add(Fault(FaultKind.STATUS, r"/persistentvolumeclaims$", "POST", 503, times=1))
    faults.add(Fault(FaultKind.STATUS, r"^/api/v1/persistentvolumes/", "DELETE", 503, times=1))
    with pytest.raises(
        Unavailable, match=r"it is left: remove it with `kubectl delete pv runai-vision-second`"
    ):
        await client.create_filesystem_claim(NS, ClaimSpec("vision", "second", "scratch", 2**30))
    with kube_env.host.lock:
        left = [volume.name for volume, _at in kube_env.sim.runai.claims.unclaimed_volumes()]
    assert left == ["runai-vision-second"]
