"""csi-wekafs volume handles: the PersistentVolume's `spec.csi.volumeHandle` names the WEKA filesystem,
directory or snapshot a Kubernetes volume is.

Formats, from weka/csi-wekafs (`pkg/wekafs/wekafs.go` constants, `validateVolumeId` in `utilities.go`,
`TestVolumeType` in `wekafs_test.go`, and the static-volume examples under `examples/static_volume/`):
- `dir/v1/<filesystem>/<folder>`: a directory volume (legacy; the folder is `<ascii>-<sha1>` of the PVC name);
- `weka/v1/<filesystem>` and `weka/v2/<filesystem>`: the whole filesystem;
- `weka/v2/<filesystem>/<inner path>`: a directory of it;
- `weka/v2/<filesystem>:<snapshot access point>[/<inner path>]`: a snapshot (WEKA names it
  `csivol-<access point>` when the plugin made it).
`wekasnap/v2/...` handles are VolumeSnapshot contents, not volumes a pod mounts. The driver's default name
is `csi.weka.io` (`csiDriverName` in its Helm values).
"""

from __future__ import annotations

import re

from console.model.storage import WekaLocation, WekaVolumeKind

WEKA_CSI_DRIVER = "csi.weka.io"
MAX_HANDLE_LENGTH = 1024
"""csi-wekafs caps its ids (`maxVolumeIdLength`); anything much longer is not one of its handles."""

_DIR_V1 = re.compile(r"^dir/v1/(?P<fs>[^/:]+)/(?P<path>.+)$")
_UNIFIED = re.compile(r"^weka/v[12]/(?P<fs>[^/:]+)(?::(?P<snap>[^/]+))?(?:/(?P<path>.*))?$")


def parse_volume_handle(handle: object) -> WekaLocation | None:
    """The WEKA object a csi-wekafs handle names; None when it is not one (the caller says why)."""
    if not isinstance(handle, str) or not handle or len(handle) > MAX_HANDLE_LENGTH:
        return None
    found = _DIR_V1.match(handle)
    if found is not None:
        return WekaLocation(WekaVolumeKind.DIRECTORY, found["fs"], found["path"].strip("/"))
    found = _UNIFIED.match(handle)
    if found is None:
        return None
    path = (found["path"] or "").strip("/")
    if found["snap"]:
        return WekaLocation(WekaVolumeKind.SNAPSHOT, found["fs"], path, snapshot=found["snap"])
    kind = WekaVolumeKind.DIRECTORY if path else WekaVolumeKind.FILESYSTEM
    return WekaLocation(kind, found["fs"], path)


def volume_handle(location: WekaLocation, *, legacy_directory: bool = False) -> str:
    """The handle csi-wekafs would give `location` (`weka/v2`; `dir/v1` for a legacy directory volume)."""
    if legacy_directory and location.kind is WekaVolumeKind.DIRECTORY:
        return f"dir/v1/{location.filesystem}/{location.path}"
    handle = f"weka/v2/{location.filesystem}"
    if location.snapshot:
        handle += f":{location.snapshot}"
    return f"{handle}/{location.path}" if location.path else handle
