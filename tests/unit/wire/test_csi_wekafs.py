"""csi-wekafs volume handles read as the WEKA object they name: the formats in csi-wekafs's own
`TestVolumeType`, its static-volume examples, and what is not a WEKA volume at all."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.model.storage import WekaLocation, WekaVolumeKind
from console.wire.csi_wekafs import parse_volume_handle, volume_handle

DIRECTORY, FILESYSTEM, SNAPSHOT = WekaVolumeKind.DIRECTORY, WekaVolumeKind.FILESYSTEM, WekaVolumeKind.SNAPSHOT


@pytest.mark.parametrize(
    ("handle", "expected"),
    [
        (
            "dir/v1/filesystem/4e1243bd22c66e76c2ba9eddc1f91394e57f9f83-some_dirName",
            WekaLocation(DIRECTORY, "filesystem", "4e1243bd22c66e76c2ba9eddc1f91394e57f9f83-some_dirName"),
        ),
        ("weka/v1/filesystem", WekaLocation(FILESYSTEM, "filesystem")),
        ("weka/v2/testfs", WekaLocation(FILESYSTEM, "testfs")),
        ("weka/v1/filesystem:snapshotname", WekaLocation(SNAPSHOT, "filesystem", snapshot="snapshotname")),
        ("weka/v2/testfs:testfs-2", WekaLocation(SNAPSHOT, "testfs", snapshot="testfs-2")),
        (
            "weka/v1/filesystem:snapshotname/dirascii-some_dirName",
            WekaLocation(SNAPSHOT, "filesystem", "dirascii-some_dirName", "snapshotname"),
        ),
        (
            "weka/v1/filesystem/dirascii-some_dirName",
            WekaLocation(DIRECTORY, "filesystem", "dirascii-some_dirName"),
        ),
        ("weka/v2/datasets/imagenet/train/", WekaLocation(DIRECTORY, "datasets", "imagenet/train")),
    ],
)
def test_handles_of_csi_wekafs(handle: str, expected: WekaLocation) -> None:
    assert parse_volume_handle(handle) == expected


@pytest.mark.parametrize(
    "handle",
    [
        "",
        "vol-0a1b2c3d",
        "wekasnap/v2/testfs:snap",
        "dir/v1/onlyfs",
        "weka/v3/fs",
        None,
        42,
        "weka/v2/" + "x" * 2000,
    ],
)
def test_what_is_not_a_weka_volume(handle: object) -> None:
    assert parse_volume_handle(handle) is None


@given(
    st.sampled_from(list(WekaVolumeKind)),
    st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True),
    st.from_regex(r"[a-z0-9_-]{1,12}(/[a-z0-9_-]{1,12}){0,3}", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True),
)
def test_handles_round_trip(kind: WekaVolumeKind, filesystem: str, path: str, snapshot: str) -> None:
    location = WekaLocation(
        kind,
        filesystem,
        "" if kind is FILESYSTEM else path,
        snapshot if kind is SNAPSHOT else "",
    )
    assert parse_volume_handle(volume_handle(location)) == location
    if kind is DIRECTORY:
        assert parse_volume_handle(volume_handle(location, legacy_directory=True)) == location
