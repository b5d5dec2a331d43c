"""Where each workload's data lives, read over the Kubernetes API as a real cluster serves it: the pods'
claims, the claims' volumes and the csi-wekafs handles, followed to the same WEKA directories, filesystems
and snapshots the demo backend shows; and every link of the chain that can be missing on a real cluster
said in words (pure `resolve`)."""

from __future__ import annotations

from kube_fixtures import ADMIN, KubeEnv

from console.backends.live.kube import KubeClient
from console.model.storage import DataMount, WekaLocation, WekaVolumeKind
from console.wire.kube_storage import ClaimRow, PodVolume, VolumeRow, pod_volumes, resolve


async def test_every_mount_over_the_wire_equals_the_simulators(kube_env: KubeEnv, client: KubeClient) -> None:
    sim = kube_env.sim
    expected = {
        (m.workload_id, m.workload_name, m.project_name, m.mount) for m in sim.runai.data_mounts(ADMIN)
    }
    found = set(await client.data_mounts())
    assert found == expected
    assert len(expected) > 50
    assert {mount.location.filesystem for *_, mount in found if mount.location} >= {
        "datasets",
        "checkpoints",
        "home",
    }


async def test_one_workloads_mounts_in_its_namespace(kube_env: KubeEnv, client: KubeClient) -> None:
    sim = kube_env.sim
    workload = next(w for w in sim.runai.workloads(ADMIN) if w.name == "vit-large-pretrain")
    namespace = next(p.namespace for p in sim.runai.projects(ADMIN) if p.name == workload.project_name)
    mounts = [mount for *_, mount in await client.data_mounts(namespace, workload.id)]
    assert mounts == sim.runai.workload_mounts(ADMIN, workload.id)
    dataset = mounts[0]
    assert dataset.read_only and dataset.location == WekaLocation(
        WekaVolumeKind.DIRECTORY, "datasets", "imagenet-21k"
    )


POD = {
    "spec": {
        "volumes": [
            {"name": "data", "persistentVolumeClaim": {"claimName": "datasets", "readOnly": True}},
            {"name": "ckpt", "persistentVolumeClaim": {"claimName": "ckpt"}},
            {"name": "shm", "emptyDir": {"medium": "Memory"}},
            {"name": "unmounted", "persistentVolumeClaim": {"claimName": "spare"}},
            "garbage",
        ],
        "containers": [
            {
                "name": "main",
                "volumeMounts": [
                    {"name": "data", "mountPath": "/data"},
                    {"name": "shm", "mountPath": "/dev/shm"},
                ],
            },
            {
                "name": "sidecar",
                "volumeMounts": [{"name": "ckpt", "mountPath": "/ckpt", "readOnly": True}, 7],
            },
        ],
    }
}


def test_a_pods_claims_with_their_mounts() -> None:
    assert pod_volumes(POD) == [
        PodVolume("datasets", "/data", True),
        PodVolume("ckpt", "/ckpt", True),
        PodVolume("spare", "", False),
    ]
    assert pod_volumes({"spec": {"volumes": "nonsense"}}) == [] == pod_volumes(None)


def test_each_broken_link_is_said_in_words() -> None:
    volume = PodVolume("data", "/data", False)
    claims = {
        ("ns", "data"): ClaimRow("ns", "data", "pv-1", "Bound"),
        ("ns", "pending"): ClaimRow("ns", "pending", None, "Pending"),
    }
    weka = {"pv-1": VolumeRow("pv-1", "csi.weka.io", "weka/v2/datasets/imagenet")}
    ebs = {"pv-1": VolumeRow("pv-1", "ebs.csi.aws.com", "vol-0abc")}
    odd = {"pv-1": VolumeRow("pv-1", "csi.weka.io", "something/else")}

    def note(mount: DataMount) -> str:
        assert mount.location is None
        return mount.note

    assert resolve(volume, "ns", claims, weka).location == WekaLocation(
        WekaVolumeKind.DIRECTORY, "datasets", "imagenet"
    )
    assert note(resolve(volume, "other", claims, weka)) == "claim data not found in other"
    assert note(resolve(PodVolume("pending", "/p", False), "ns", claims, weka)) == (
        "claim pending is Pending, not bound to a volume yet"
    )
    assert note(resolve(volume, "ns", claims, {})) == "volume pv-1 not found"
    assert note(resolve(volume, "ns", claims, ebs)) == "on ebs.csi.aws.com, not WEKA"
    assert (
        note(resolve(volume, "ns", claims, odd))
        == "volume handle something/else is not one csi-wekafs writes"
    )
    assert note(resolve(volume, "ns", claims, None, volumes_hidden="not yours")) == "not yours"
