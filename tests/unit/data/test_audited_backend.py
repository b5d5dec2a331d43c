"""AuditedBackend: an intent line before each action and its outcome after, secrets redacted, a private
file. The durability rules (not sent when the line cannot be written, symlinks, half lines) are in
test_audit_durable.py."""

from __future__ import annotations

import asyncio
import json
import logging
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from console.data import ACTION_NAMES, Backend, Forbidden, ReadOnlyError
from console.data.audit import (
    REDACTED,
    AuditedBackend,
    AuditLogUnwritable,
    read_audit_records,
    redact_text,
    summarize,
)
from console.data.readonly import ReadOnlyBackend
from console.model import FilesystemSpec, GpuRequest, PoolQuota, WorkloadSpec, WorkloadType

AUDIT_TIME = datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=UTC)


def audited(inner: Backend, audit_path: Path) -> AuditedBackend:
    return AuditedBackend(inner, audit_path=audit_path, user="ada", profile="prod", clock=lambda: AUDIT_TIME)


def raw_lines(audit_path: Path) -> list[dict[str, Any]]:
    """Every line as written: the intent ("sending") and the outcome of each action."""
    return [json.loads(line) for line in audit_path.read_text(encoding="utf-8").splitlines()]


def read_lines(audit_path: Path) -> list[dict[str, Any]]:
    """One record per action: the outcome line merged into its intent line."""
    return read_audit_records(audit_path)  # type: ignore[return-value]


@pytest.fixture
def audit_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "rwc" / "audit.jsonl"


async def test_an_action_writes_its_intent_then_its_outcome_with_who_and_what(
    recording_backend: Any, audit_path: Path
) -> None:
    backend = audited(recording_backend, audit_path)

    result = await backend.delete_project("p-42")

    assert result == "delete_project-result"
    assert recording_backend.called("delete_project") == [(("p-42",), {})]
    intent, outcome = raw_lines(audit_path)
    assert isinstance(intent["id"], str) and len(intent["id"]) == 16
    who_and_what = {
        "time": "2026-11-23T09:30:15.123Z",
        "id": intent["id"],
        "user": "ada",
        "profile": "prod",
        "action": "delete_project",
        "target": "p-42",
    }
    assert intent == {**who_and_what, "outcome": "sending", "args": {"project_id": "p-42"}}
    assert outcome == {**who_and_what, "outcome": "ok", "args": {"project_id": "p-42"}}


@pytest.mark.parametrize("action", sorted(ACTION_NAMES))
async def test_every_action_is_audited_once(
    action: str, recording_backend: Any, audit_path: Path, dummy_arguments: Any
) -> None:
    arguments = dummy_arguments(action)

    await getattr(audited(recording_backend, audit_path), action)(*arguments)

    (line,) = read_lines(audit_path)
    assert (line["action"], line["target"], line["outcome"]) == (action, arguments[0], "ok")
    assert len(recording_backend.called(action)) == 1


async def test_audited_backend_is_a_backend(recording_backend: Any, audit_path: Path) -> None:
    assert isinstance(audited(recording_backend, audit_path), Backend)


async def test_queries_are_not_audited(recording_backend: Any, audit_path: Path) -> None:
    backend = audited(recording_backend, audit_path)

    await backend.projects()
    await backend.workloads()

    assert not audit_path.exists()


async def test_a_spec_is_summarized_by_name_and_plain_fields(
    recording_backend: Any, audit_path: Path
) -> None:
    spec = WorkloadSpec(
        name="train-llama",
        project_name="team-a",
        type=WorkloadType.TRAINING,
        image="nvcr.io/nvidia/pytorch:24.05-py3",
        gpu_request=GpuRequest.fraction(0.5),
        command="python train.py --api-key sk-live-123 HF_TOKEN=hf_abc --epochs 3",
    )

    await audited(recording_backend, audit_path).submit_workload(spec)

    (line,) = read_lines(audit_path)
    assert line["target"] == "train-llama"
    summary = line["args"]["spec"]
    assert summary["type"] == "Training"
    assert summary["gpu_request"] == {"kind": "portion", "devices": 0, "portion": 0.5, "memory_mib": 0}
    assert summary["command"] == f"python train.py --api-key {REDACTED} HF_TOKEN={REDACTED} --epochs 3"
    assert "sk-live-123" not in audit_path.read_text() and "hf_abc" not in audit_path.read_text()


@dataclass(frozen=True)
class CredentialSpec:
    """A spec as a future action might take it: secrets beside plain fields, some nested."""

    name: str
    client_secret: str
    api_token: str
    options: dict[str, str] = field(default_factory=dict)
    quotas: tuple[PoolQuota, ...] = ()


async def test_secret_fields_are_redacted_at_any_depth(recording_backend: Any, audit_path: Path) -> None:
    spec = CredentialSpec(
        name="burst",
        client_secret="s3cr3t-value",
        api_token="t0k3n-value",
        options={"Password": "hunter2", "region": "eu-west-1", "accessKey": "AKIA-value"},
        quotas=(PoolQuota(node_pool="h100", deserved_gpus=8),),
    )

    await audited(recording_backend, audit_path).submit_workload(spec)  # type: ignore[arg-type]

    text = audit_path.read_text()
    for secret in ("s3cr3t-value", "t0k3n-value", "hunter2", "AKIA-value"):
        assert secret not in text
    summary = read_lines(audit_path)[0]["args"]["spec"]
    assert summary["client_secret"] == summary["api_token"] == REDACTED
    assert summary["options"] == {"Password": REDACTED, "region": "eu-west-1", "accessKey": REDACTED}
    assert summary["quotas"][0]["node_pool"] == "h100"


async def test_file_is_private_and_its_directories_are_made(recording_backend: Any, audit_path: Path) -> None:
    assert not audit_path.parent.exists()

    await audited(recording_backend, audit_path).cordon_node("gpu-node-1")

    assert stat.S_IMODE(audit_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(audit_path.parent.stat().st_mode) == 0o700


async def test_an_existing_loose_file_is_tightened(recording_backend: Any, audit_path: Path) -> None:
    audit_path.parent.mkdir(parents=True)
    audit_path.write_text("")
    audit_path.chmod(0o644)

    await audited(recording_backend, audit_path).cordon_node("gpu-node-1")

    assert stat.S_IMODE(audit_path.stat().st_mode) == 0o600


async def test_lines_append_across_actions_and_instances(recording_backend: Any, audit_path: Path) -> None:
    await audited(recording_backend, audit_path).cordon_node("n1")
    await audited(recording_backend, audit_path).uncordon_node("n1")

    assert [line["action"] for line in read_lines(audit_path)] == ["cordon_node", "uncordon_node"]
    assert [(line["action"], line["outcome"]) for line in raw_lines(audit_path)] == [
        ("cordon_node", "sending"),
        ("cordon_node", "ok"),
        ("uncordon_node", "sending"),
        ("uncordon_node", "ok"),
    ]


async def test_a_failed_action_is_audited_as_error_and_re_raised(
    recording_backend: Any, audit_path: Path
) -> None:
    failure = Forbidden("Only admins may delete projects.", status=403, service="runai")
    recording_backend.failures["delete_project"] = failure

    with pytest.raises(Forbidden) as raised:
        await audited(recording_backend, audit_path).delete_project("p-1")

    assert raised.value is failure
    (line,) = read_lines(audit_path)
    assert line["outcome"] == "error"
    assert line["error"] == "Only admins may delete projects. (runai 403)"


async def test_an_unexpected_exception_is_audited_and_re_raised(
    recording_backend: Any, audit_path: Path
) -> None:
    recording_backend.failures["drain_node"] = RuntimeError("boom token=abc123")

    with pytest.raises(RuntimeError):
        await audited(recording_backend, audit_path).drain_node("n1")

    (line,) = read_lines(audit_path)
    assert (line["outcome"], line["error"]) == ("error", f"RuntimeError: boom token={REDACTED}")


async def test_read_only_refusals_are_audited_as_refused(recording_backend: Any, audit_path: Path) -> None:
    backend = audited(ReadOnlyBackend(recording_backend), audit_path)

    with pytest.raises(ReadOnlyError):
        await backend.delete_filesystem("fs-9")

    assert recording_backend.calls == []
    (line,) = read_lines(audit_path)
    assert (line["action"], line["target"], line["outcome"]) == ("delete_filesystem", "fs-9", "refused")
    assert "'delete filesystem' is disabled" in line["error"]


async def test_a_cancelled_action_is_audited_as_cancelled(recording_backend: Any, audit_path: Path) -> None:
    started = asyncio.Event()

    async def hang(*_: Any) -> None:
        started.set()
        await asyncio.Event().wait()

    recording_backend.delete_workload = hang
    task = asyncio.create_task(audited(recording_backend, audit_path).delete_workload("wl-1"))
    await started.wait()
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert read_lines(audit_path)[0]["outcome"] == "cancelled"


async def test_an_unwritable_log_stops_the_action_and_says_why(
    recording_backend: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    backend = audited(recording_backend, not_a_directory / "audit.jsonl")

    with (
        caplog.at_level(logging.WARNING, logger="console.data.audit"),
        pytest.raises(AuditLogUnwritable) as raised,
    ):
        await backend.create_filesystem(FilesystemSpec("scratch", "default", 10**12))

    assert recording_backend.calls == []
    assert str(raised.value).startswith(
        f"not sent: the audit log {not_a_directory / 'audit.jsonl'} cannot be written: "
    )
    assert any("Not sent, the audit log" in record.getMessage() for record in caplog.records)


def test_redact_text_masks_pairs_flags_and_bearer_tokens_only() -> None:
    assert redact_text("PASSWORD=x --secret y Authorization: Bearer z") == (
        f"PASSWORD={REDACTED} --secret {REDACTED} Authorization: Bearer {REDACTED}"
    )
    assert redact_text("python train.py --epochs 3 --lr 0.1") == "python train.py --epochs 3 --lr 0.1"


def test_summarize_never_dumps_unknown_objects() -> None:
    class Opaque:
        def __repr__(self) -> str:
            return "Opaque(token=leak)"

    assert summarize({"thing": Opaque(), "when": AUDIT_TIME}) == {
        "thing": "<Opaque>",
        "when": "2026-11-23T09:30:15.123456+00:00",
    }
