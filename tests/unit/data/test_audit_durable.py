"""The audit cannot be skipped: the intent is on disk before the action is sent, an action whose line
cannot be written is not sent (and the user is told why), a planted symbolic link is never followed, a
half-written line never swallows the next record, failed identity lookups and UI refusals leave lines,
and secrets in every common credential shape are masked."""

from __future__ import annotations

import asyncio
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from console.data import Unavailable
from console.data.audit import (
    REDACTED,
    AuditedBackend,
    AuditLogUnwritable,
    read_audit_records,
    record_ui_refusal,
    redact_text,
)
from console.data.readonly import ReadOnlyBackend

AS_ROOT = os.geteuid() == 0


def audited(inner: Any, audit_path: Path, user: str | None = "ada") -> AuditedBackend:
    return AuditedBackend(inner, audit_path=audit_path, user=user, profile="prod")


def raw_lines(audit_path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in audit_path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def audit_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "rwc" / "audit.jsonl"


async def test_the_intent_is_on_disk_before_the_action_is_sent(
    recording_backend: Any, audit_path: Path
) -> None:
    """If rwc is killed while the request is out (SIGKILL, power loss), the line saying who sent what
    is already there."""
    seen_when_sent: list[list[dict[str, Any]]] = []

    async def cordon(node_name: str) -> str:
        seen_when_sent.append(raw_lines(audit_path))
        return "cordoned"

    recording_backend.cordon_node = cordon

    assert await audited(recording_backend, audit_path).cordon_node("dgx-a100-03") == "cordoned"

    [(intent,)] = seen_when_sent
    assert (intent["user"], intent["action"], intent["target"], intent["outcome"]) == (
        "ada",
        "cordon_node",
        "dgx-a100-03",
        "sending",
    )
    intent_again, outcome = raw_lines(audit_path)
    assert intent_again == intent
    assert (outcome["id"], outcome["outcome"]) == (intent["id"], "ok")


async def test_a_cancelled_action_completes_its_intent_as_cancelled(
    recording_backend: Any, audit_path: Path
) -> None:
    """rwc quitting on SIGTERM cancels the action's task: the intent is there and says how it ended."""
    started = asyncio.Event()

    async def hang(*_: Any) -> None:
        started.set()
        await asyncio.Event().wait()

    recording_backend.drain_node = hang
    task = asyncio.create_task(audited(recording_backend, audit_path).drain_node("dgx-a100-03"))
    await started.wait()
    assert [line["outcome"] for line in raw_lines(audit_path)] == ["sending"]
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    intent, outcome = raw_lines(audit_path)
    assert (outcome["id"], outcome["outcome"]) == (intent["id"], "cancelled")


async def test_a_symlink_at_the_audit_path_is_refused_and_its_target_untouched(
    recording_backend: Any, audit_path: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.conf"
    victim.write_text("precious\n")
    victim.chmod(0o644)
    audit_path.parent.mkdir(parents=True)
    audit_path.symlink_to(victim)

    with pytest.raises(AuditLogUnwritable) as raised:
        await audited(recording_backend, audit_path).delete_project("p-42")

    assert recording_backend.calls == []
    assert str(raised.value) == (
        f"not sent: the audit log {audit_path} cannot be written: "
        "it is a symbolic link, which rwc does not follow"
    )
    assert victim.read_text() == "precious\n"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644


async def test_a_full_disk_stops_the_action_and_says_so(recording_backend: Any) -> None:
    with pytest.raises(AuditLogUnwritable) as raised:
        await audited(recording_backend, Path("/dev/full")).cordon_node("dgx-a100-03")

    assert recording_backend.calls == []
    assert str(raised.value) == (
        "not sent: the audit log /dev/full cannot be written: No space left on device"
    )


@pytest.mark.skipif(AS_ROOT, reason="root writes into a read-only directory anyway")
async def test_a_read_only_directory_stops_the_action_and_says_so(
    recording_backend: Any, audit_path: Path
) -> None:
    audit_path.parent.mkdir(parents=True)
    audit_path.parent.chmod(0o500)
    try:
        with pytest.raises(AuditLogUnwritable, match="cannot be written: Permission denied"):
            await audited(recording_backend, audit_path).cordon_node("dgx-a100-03")
    finally:
        audit_path.parent.chmod(0o700)
    assert recording_backend.calls == []


@pytest.mark.timeout(10)
async def test_a_fifo_at_the_audit_path_is_refused_without_waiting(
    recording_backend: Any, audit_path: Path
) -> None:
    audit_path.parent.mkdir(parents=True)
    os.mkfifo(audit_path)

    with pytest.raises(AuditLogUnwritable, match="cannot be written: it is not a regular file"):
        await audited(recording_backend, audit_path).cordon_node("dgx-a100-03")

    assert recording_backend.calls == []


@pytest.mark.skipif(not AS_ROOT, reason="needs root to give the file to another user")
async def test_another_users_file_at_the_audit_path_is_refused(
    recording_backend: Any, audit_path: Path
) -> None:
    audit_path.parent.mkdir(parents=True)
    audit_path.write_text("")
    os.chown(audit_path, 65534, 65534)

    with pytest.raises(AuditLogUnwritable, match="cannot be written: it belongs to another user"):
        await audited(recording_backend, audit_path).cordon_node("dgx-a100-03")

    assert recording_backend.calls == []
    assert audit_path.read_text() == ""


async def test_a_half_written_line_never_merges_into_the_next_record(
    recording_backend: Any, audit_path: Path
) -> None:
    """A full disk cut the previous write short: the next record still starts on its own line."""
    audit_path.parent.mkdir(parents=True)
    audit_path.write_bytes(b'{"time": "2026-11-23T09:00:00.000Z", "user": "ada", "act')

    await audited(recording_backend, audit_path).cordon_node("dgx-a100-03")

    lines = audit_path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"time": "2026-11-23T09:00:00.000Z", "user": "ada", "act'
    assert [json.loads(line)["outcome"] for line in lines[1:]] == ["sending", "ok"]
    [record] = read_audit_records(audit_path)
    assert (record["action"], record["outcome"]) == ("cordon_node", "ok")


async def test_an_outcome_that_cannot_be_written_leaves_the_intent_and_the_result(
    recording_backend: Any, audit_path: Path, tmp_path: Path
) -> None:
    """The action went out, so its result stands; the intent line says it was sent."""
    victim = tmp_path / "victim"
    victim.write_text("precious\n")

    async def cordon_then_plant_a_link(node_name: str) -> str:
        saved = audit_path.read_bytes()
        audit_path.unlink()
        audit_path.symlink_to(victim)
        (tmp_path / "saved").write_bytes(saved)
        return "cordoned"

    recording_backend.cordon_node = cordon_then_plant_a_link

    assert await audited(recording_backend, audit_path).cordon_node("dgx-a100-03") == "cordoned"

    assert victim.read_text() == "precious\n"
    [intent] = [json.loads(line) for line in (tmp_path / "saved").read_text().splitlines()]
    assert intent["outcome"] == "sending"


async def test_a_failed_identity_lookup_still_leaves_a_line(recording_backend: Any, audit_path: Path) -> None:
    async def identity() -> None:
        raise Unavailable("Run:ai is down for maintenance", status=503, service="runai")

    recording_backend.identity = identity

    with pytest.raises(Unavailable):
        await audited(recording_backend, audit_path, user=None).delete_workload("wl-7")

    assert recording_backend.calls == []
    [line] = raw_lines(audit_path)
    assert (line["user"], line["action"], line["target"], line["outcome"]) == (
        "unknown",
        "delete_workload",
        "wl-7",
        "error",
    )
    assert (
        line["error"] == "not sent: could not tell who is acting: Run:ai is down for maintenance (runai 503)"
    )


async def test_loose_existing_audit_file_and_directory_are_tightened(
    recording_backend: Any, audit_path: Path
) -> None:
    audit_path.parent.mkdir(parents=True)
    audit_path.parent.chmod(0o755)
    audit_path.write_text("")
    audit_path.chmod(0o644)

    await audited(recording_backend, audit_path).cordon_node("dgx-a100-03")

    assert stat.S_IMODE(audit_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(audit_path.parent.stat().st_mode) == 0o700


def test_a_ui_refusal_is_recorded_through_the_wrappers(recording_backend: Any, audit_path: Path) -> None:
    backend = audited(ReadOnlyBackend(recording_backend), audit_path, user=None)

    assert record_ui_refusal(backend, "cordon_node", "dgx-a100-03", "rwc is in read-only mode", user="ada")
    assert not record_ui_refusal(recording_backend, "cordon_node", "dgx-a100-03", "rwc is in read-only mode")

    [line] = raw_lines(audit_path)
    assert {key: line[key] for key in ("user", "profile", "action", "target", "outcome", "error")} == {
        "user": "ada",
        "profile": "prod",
        "action": "cordon_node",
        "target": "dgx-a100-03",
        "outcome": "refused",
        "error": "rwc is in read-only mode",
    }
    assert recording_backend.calls == []


# -- redaction ------------------------------------------------------------------------------------------

REDACTION_TABLE = [
    ('{"password":"hunter2","user":"ada"}', f'{{"password":"{REDACTED}","user":"ada"}}'),
    ('{"client_secret": "s3\\"cr3t"}', f'{{"client_secret": "{REDACTED}"}}'),
    ("https://ada:hunter2@weka.example:14000/api", f"https://ada:{REDACTED}@weka.example:14000/api"),
    ("postgres://app:hunter2@db/prod", f"postgres://app:{REDACTED}@db/prod"),
    ("mysql -u root -phunter2 prod", f"mysql -u root -p{REDACTED} prod"),
    ("gpg --batch --passphrase=hunter2 -d x.gpg", f"gpg --batch --passphrase={REDACTED} -d x.gpg"),
    ("gpg --passphrase hunter2 -d x.gpg", f"gpg --passphrase {REDACTED} -d x.gpg"),
    (
        'curl -H "Authorization: Basic YWRhOmh1bnRlcjI=" https://x',
        f'curl -H "Authorization: Basic {REDACTED}" https://x',
    ),
    ('{"Authorization": "Bearer eyJhbGciOi"}', f'{{"Authorization": "Bearer {REDACTED}"}}'),
    (
        "aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG",
        f"aws configure set aws_secret_access_key {REDACTED}",
    ),
    ("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI", f"AWS_SECRET_ACCESS_KEY={REDACTED}"),
    ("--api-key sk-live-123 HF_TOKEN=hf_abc", f"--api-key {REDACTED} HF_TOKEN={REDACTED}"),
    ("password='a b' rest", f"password='{REDACTED}' rest"),
    # Plain commands and prose stay as they were.
    ("python train.py --epochs 3 --lr 0.1", "python train.py --epochs 3 --lr 0.1"),
    ("mkdir -p /data && ls -la", "mkdir -p /data && ls -la"),
    ("http://weka.example:14000/api?x=1", "http://weka.example:14000/api?x=1"),
    ("basic training run, keys sorted", "basic training run, keys sorted"),
]


@pytest.mark.parametrize(("text", "expected"), REDACTION_TABLE)
def test_redaction_masks_every_common_credential_shape(text: str, expected: str) -> None:
    assert redact_text(text) == expected


async def test_a_secret_echoed_in_an_error_never_reaches_the_audit_log(
    recording_backend: Any, audit_path: Path
) -> None:
    recording_backend.failures["submit_workload"] = Unavailable(
        'login failed for {"client_id":"rwc","client_secret":"s3cr3t-value"} at https://ada:hunter2@runai'
    )

    with pytest.raises(Unavailable):
        await audited(recording_backend, audit_path).submit_workload("spec")

    text = audit_path.read_text()
    assert "s3cr3t-value" not in text and "hunter2" not in text
    assert read_audit_records(audit_path)[0]["outcome"] == "error"
