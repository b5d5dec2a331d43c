"""The static csi-wekafs volume and claim rwc sends are what the simulator's face reads back, and a request
lacking a field rwc needs is a 422 naming it (`console.wire.kube_static_volumes`)."""

from __future__ import annotations

import pytest

from console.data.errors import Invalid
from console.model.storage import ClaimSpec
from console.wire.kube_static_volumes import (
    parse_static_claim,
    parse_static_volume,
    static_claim_json,
    static_pair,
    static_volume_json,
)


@pytest.mark.parametrize("read_only", [False, True])
@pytest.mark.parametrize(
    ("path", "handle"), [("", "weka/v2/scratch"), ("/runs/7/", "weka/v2/scratch/runs/7")]
)
def test_the_pair_round_trips(read_only: bool, path: str, handle: str) -> None:
    spec = ClaimSpec("vision", "burst-data", "scratch", 3 * 2**40, read_only=read_only, path=path)
    volume, claim = static_pair("runai-vision", spec)
    assert volume.name == "runai-vision-burst-data" and volume.handle == handle
    sent_volume, sent_claim = static_volume_json(volume), static_claim_json(claim)
    assert parse_static_volume(sent_volume) == volume
    assert parse_static_claim(sent_claim, "runai-vision") == claim
    assert sent_volume["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert sent_volume["spec"]["storageClassName"] == sent_claim["spec"]["storageClassName"] == ""
    assert sent_volume["spec"]["claimRef"] == {"namespace": "runai-vision", "name": "burst-data"}
    assert sent_volume["spec"]["accessModes"] == (["ReadOnlyMany"] if read_only else ["ReadWriteMany"])
    assert sent_claim["spec"]["volumeName"] == volume.name
    assert sent_claim["spec"]["resources"]["requests"]["storage"] == "3072Gi"


def test_a_request_lacking_a_field_is_invalid_naming_it() -> None:
    volume, claim = static_pair("runai-vision", ClaimSpec("vision", "c", "scratch", 2**30))
    body = static_volume_json(volume)
    del body["spec"]["csi"]["volumeHandle"]
    with pytest.raises(Invalid) as refused:
        parse_static_volume(body)
    assert refused.value.field == "spec.csi.volumeHandle"
    assert str(refused.value).startswith(
        'PersistentVolume "runai-vision-c" is invalid: spec.csi.volumeHandle'
    )
    body = static_claim_json(claim)
    del body["spec"]["volumeName"]
    with pytest.raises(Invalid, match="spec.volumeName"):
        parse_static_claim(body, "runai-vision")
    with pytest.raises(Invalid, match="metadata.namespace"):
        parse_static_claim(static_claim_json(claim), "runai-speech")
    with pytest.raises(Invalid, match="metadata.name"):
        parse_static_volume({"spec": {}})
