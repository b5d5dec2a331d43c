"""`UploadSiteDialog`: which object store a snapshot upload goes to, when its filesystem has both kinds.

WEKA's upload takes `obs_site` LOCAL or REMOTE, needed only when both a local (tiering) and a remote
(snapshots only, e.g. disaster recovery) bucket are attached (reference/weka.md §12.2, §12.4). With one
kind there is nothing to ask; with both, `l` or `r` picks the site, each line naming its bucket, and esc
uploads nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical

from console.model import BucketMode, Filesystem, ObjectStoreBucket, UploadSite
from console.ui.keymap import UPLOAD_SITE_KEYS
from console.ui.safe_text import visible
from screens.dialogs.card import card_css
from screens.dialogs.modal import RwcModal
from widgets.safe_static import SafeStatic

LOCAL = UploadSite.LOCAL
REMOTE = UploadSite.REMOTE

SITE_WORDS: dict[str, str] = {site: site.word for site in UploadSite}
"""How the dialog and the toasts name a site (WEKA's CLI words; the API's are upper case)."""


@dataclass(frozen=True, slots=True)
class UploadTarget:
    """One site a snapshot can upload to: `site` as the API spells it and the bucket(s) behind it."""

    site: UploadSite
    bucket_names: tuple[str, ...]
    details: tuple[str, ...] = ()
    """What each bucket is, from the bucket list (`weka-prod-dr on s3.eu-west-1…`); empty if unknown."""

    @property
    def word(self) -> str:
        return SITE_WORDS[self.site]

    @property
    def buckets(self) -> str:
        return ", ".join(self.bucket_names)


def upload_targets(
    filesystem: Filesystem, buckets: Sequence[ObjectStoreBucket] = ()
) -> dict[str, UploadTarget]:
    """The sites `filesystem` can upload to (LOCAL for its WRITABLE bucket, REMOTE for a remote one),
    local first; empty when it has no bucket attached (WEKA then refuses: "not tiered")."""
    by_name: Mapping[str, ObjectStoreBucket] = {bucket.name: bucket for bucket in buckets}
    targets: dict[str, UploadTarget] = {}
    for site, mode in ((LOCAL, BucketMode.WRITABLE), (REMOTE, BucketMode.REMOTE)):
        names = tuple(attached.bucket_name for attached in filesystem.buckets if attached.mode is mode)
        if names:
            details = tuple(_bucket_detail(by_name[name]) for name in names if name in by_name)
            targets[site] = UploadTarget(site, names, details)
    return targets


def _bucket_detail(bucket: ObjectStoreBucket) -> str:
    where = f"{bucket.bucket} on {bucket.hostname}" if bucket.hostname else bucket.bucket
    return where if bucket.status == "UP" else f"{where}, {bucket.status}"


class UploadSiteDialog(RwcModal[str | None]):
    """Dismisses with "LOCAL" on l, "REMOTE" on r, None on esc: the caller uploads only on a site."""

    KEYS = UPLOAD_SITE_KEYS

    DEFAULT_CSS = (
        card_css("UploadSiteDialog")
        + """
    UploadSiteDialog #upload-site-choices {
        margin-top: 1;
    }
    UploadSiteDialog #upload-site-keys {
        margin-top: 1;
        color: $text-muted;
    }
    """
    )

    def __init__(
        self, snapshot_name: str, filesystem_name: str, local: UploadTarget, remote: UploadTarget
    ) -> None:
        super().__init__()
        self.snapshot_name = snapshot_name
        self.filesystem_name = filesystem_name
        self.targets = {LOCAL: local, REMOTE: remote}

    def compose(self) -> ComposeResult:
        frame = Vertical()
        frame.border_title = Text(
            visible(f"Upload {self.snapshot_name}"), end=""
        )  # API names: text, not markup
        with frame:
            yield SafeStatic(
                Text.assemble(
                    "Upload snapshot ",
                    (self.snapshot_name, "bold"),
                    " of ",
                    (self.filesystem_name, "bold"),
                    " to:",
                    end="",
                ),
                id="upload-site-question",
            )
            yield SafeStatic(self.choices(), id="upload-site-choices")
            yield SafeStatic(
                Text.assemble(
                    ("l", "bold"),
                    " Local   ",
                    ("r", "bold"),
                    " Remote   ",
                    ("esc", "bold"),
                    " Cancel",
                    end="",
                ),
                id="upload-site-keys",
            )

    def choices(self) -> Text:
        """One line per site: its key, its word and its buckets, named as the API and `weka` name them."""
        lines = []
        for key, site, role in (("l", LOCAL, "tiering bucket"), ("r", REMOTE, "snapshots only")):
            target = self.targets[site]
            line = Text.assemble((f"{key}  ", "bold"), f"{target.word:<7} ", (target.buckets, "bold"), end="")
            line.append(f" ({role})")
            for detail in target.details:
                line.append(f"\n           {detail}", "dim")
            lines.append(line)
        return Text("\n", end="").join(lines)

    def action_choose(self, site: str) -> None:
        self.dismiss(UploadSite(site))
