"""Container logs that read like the real thing: a training's epochs and loss, a notebook, a server.

Lines are never stored. A workload keeps a few "segments" (each stretch it ran, and how it ended);
line k of a segment is a pure function of (workload seed, k), so the last 5,000 lines of a job that
ran for a day are produced without producing the rest, and a training resumed after preemption
continues its loss curve from the checkpoint instead of starting over.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta

from console.model.runai import WorkloadType
from console.sim.runai_state import DEFAULT_TRAINING_SECONDS, WorkloadState
from console.sim.runai_telemetry import unit

MAX_LOG_LINES = 5_000
"""What the simulator keeps per workload, like a kubelet's rotated log: the tail, not the history."""

LINE_INTERVAL_SECONDS: dict[WorkloadType, float] = {
    WorkloadType.TRAINING: 5.0,
    WorkloadType.DISTRIBUTED: 5.0,
    WorkloadType.INFERENCE: 10.0,
    WorkloadType.WORKSPACE: 60.0,
}

_MODELS: tuple[tuple[str, str, str, str], ...] = (
    # (name keyword, model, parameters, dataset)
    ("llama", "meta-llama/Meta-Llama-3-8B", "8.03B", "/mnt/weka/datasets/sft-mix-v3"),
    ("mistral", "mistralai/Mistral-7B-v0.3", "7.25B", "/mnt/weka/datasets/instruct-v2"),
    ("resnet", "torchvision resnet50", "25.6M", "/mnt/weka/datasets/imagenet-1k"),
    ("vit", "google/vit-large-patch16-224", "304M", "/mnt/weka/datasets/imagenet-21k"),
    ("bert", "bert-large-uncased", "336M", "/mnt/weka/datasets/wikipedia-en"),
    ("whisper", "openai/whisper-large-v3", "1.55B", "/mnt/weka/datasets/librispeech"),
    ("sdxl", "stabilityai/stable-diffusion-xl-base-1.0", "3.5B", "/mnt/weka/datasets/laion-aesthetic"),
    ("yolo", "ultralytics yolov8x", "68.2M", "/mnt/weka/datasets/coco-2017"),
    ("gpt", "gpt-neox 1.3B", "1.31B", "/mnt/weka/datasets/the-pile-dedup"),
)
_DEFAULT_MODEL = ("", "transformer-base", "110M", "/mnt/weka/datasets/train")


def model_for(name: str) -> tuple[str, str, str, str]:
    """(name keyword, model, parameters, dataset path) a workload of this name trains: its logs and its
    data mounts agree."""
    return next((entry for entry in _MODELS if entry[0] in name), _DEFAULT_MODEL)


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


class _TrainingCurve:
    """The shape of one training run: steps, epochs, loss and learning rate over its run time."""

    def __init__(self, workload: WorkloadState) -> None:
        seed = workload.seed
        self.seed = seed
        self.total_seconds = workload.duration or DEFAULT_TRAINING_SECONDS
        self.steps_per_second = 1.5 + 4.5 * unit(seed, 1)
        self.total_steps = max(1, int(self.total_seconds * self.steps_per_second))
        self.epochs = 3 + seed % 10
        self.steps_per_epoch = max(1, math.ceil(self.total_steps / self.epochs))
        self.loss_start = 2.2 + 1.5 * unit(seed, 2)
        self.loss_end = 0.25 + 0.6 * unit(seed, 3)
        self.lr_max = (1 + int(9 * unit(seed, 4))) * 1e-5
        devices = max(1, workload.gpu_request.devices) * workload.workers
        self.samples_per_second = (120.0 + 400.0 * unit(seed, 5)) * devices

    def step_at(self, run_seconds: float) -> int:
        return min(self.total_steps, int(run_seconds * self.steps_per_second))

    def epoch_of(self, step: int) -> int:
        return min(self.epochs, step // self.steps_per_epoch + 1)

    def loss_at(self, run_seconds: float, k: int) -> float:
        progress = min(1.0, run_seconds / self.total_seconds)
        smooth = self.loss_end + (self.loss_start - self.loss_end) * math.exp(-4.0 * progress)
        return max(0.01, smooth + 0.04 * (unit(self.seed, 100 + k) - 0.5))

    def lr_at(self, step: int) -> float:
        warmup = max(1, self.total_steps // 20)
        if step < warmup:
            return self.lr_max * step / warmup
        progress = (step - warmup) / max(1, self.total_steps - warmup)
        return self.lr_max * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))


class LogRenderer:
    """Renders the log tail of one pod of a workload (`rank` 0 is the master, or the only pod); build one
    per request (cheap). Every rank of a distributed training writes its own log, as torchrun's
    workers do, tagged `[rankN]` with its own loss noise."""

    def __init__(self, workload: WorkloadState, gpu_model: str | None, namespace: str, rank: int = 0) -> None:
        self.workload = workload
        self.gpu_model = gpu_model or "GPU"
        self.namespace = namespace
        self.rank = rank
        self.tag = f"[rank{rank}]"
        self.interval = LINE_INTERVAL_SECONDS[workload.type]
        self.curve = _TrainingCurve(workload)
        self.model = model_for(workload.name)

    # -- public ---------------------------------------------------------------------------------
    def tail(self, run_now: float, limit: int = MAX_LOG_LINES) -> list[str]:
        """The last `limit` lines, oldest first; `run_now` is the run time reached by an open segment."""
        picked: list[list[str]] = []
        remaining = limit
        for chunk in reversed(self._chunks(run_now)):
            if remaining <= 0:
                break
            if isinstance(chunk, list):
                lines = chunk[-remaining:]
            else:
                first, last, start, run_start = chunk
                first = max(first, last - remaining + 1)
                lines = [self._body(k, start, run_start) for k in range(first, last + 1)]
            picked.append(lines)
            remaining -= len(lines)
        return [line for lines in reversed(picked) for line in lines]

    def restarted(self, at: datetime) -> list[str]:
        """The log of this rank's container restarted at `at` after a crash: it starts over and dies again
        at the first collective (the peer it lost is still gone)."""
        return [*self._training_header(1, at, 1.0), *crash_lines(at + timedelta(seconds=20), self.rank)]

    def count(self, run_now: float) -> int:
        """How many lines the workload has written in all (more than `tail` keeps, for a long job)."""
        return sum(
            len(chunk) if isinstance(chunk, list) else chunk[1] - chunk[0] + 1
            for chunk in self._chunks(run_now)
        )

    def _chunks(self, run_now: float) -> list[list[str] | tuple[int, int, datetime, float]]:
        """Headers and footers as lines; the body of each segment as a range of line numbers."""
        chunks: list[list[str] | tuple[int, int, datetime, float]] = []
        for index, segment in enumerate(self.workload.log_segments):
            start, run_start, run_end, end_kind = segment
            end = run_now if run_end is None else run_end
            chunks.append(self._header(index, start, run_start))
            first = int(run_start // self.interval) + 1
            last = int(end // self.interval)
            if last >= first:
                chunks.append((first, last, start, run_start))
            if end_kind is not None:
                chunks.append(self._footer(end_kind, start + timedelta(seconds=end - run_start), end))
        return chunks

    # -- per type -----------------------------------------------------------------------------
    def _header(self, index: int, start: datetime, run_start: float) -> list[str]:
        kind = self.workload.type
        if kind is WorkloadType.WORKSPACE:
            return self._workspace_header(start)
        if kind is WorkloadType.INFERENCE:
            return self._inference_header(start)
        return self._training_header(index, start, run_start)

    def _body(self, k: int, start: datetime, run_start: float) -> str:
        run_seconds = k * self.interval
        at = start + timedelta(seconds=run_seconds - run_start)
        kind = self.workload.type
        if kind is WorkloadType.WORKSPACE:
            return self._workspace_line(k, at)
        if kind is WorkloadType.INFERENCE:
            return self._inference_line(k, at)
        return self._training_line(k, at, run_seconds)

    def _footer(self, end_kind: str, at: datetime, run_seconds: float) -> list[str]:
        stamp = _stamp(at)
        name = self.workload.name
        if self.workload.type in (WorkloadType.WORKSPACE, WorkloadType.INFERENCE):
            if end_kind == "failed":
                return [f"{stamp} ERROR Server exited unexpectedly (exit code 137: OOMKilled)"]
            return [f"{stamp} INFO Received SIGTERM, shutting down"]
        step = self.curve.step_at(run_seconds)
        if end_kind == "completed":
            loss = self.curve.loss_at(run_seconds, 999_999)
            return [
                f"{stamp} {self.tag} training complete: {step} steps, final loss {loss:.4f}",
                f"{stamp} {self.tag} saved model to /mnt/weka/checkpoints/{name}/final",
            ]
        if end_kind == "failed":
            return [
                f"{stamp} Traceback (most recent call last):",
                f'{stamp}   File "/workspace/train.py", line 214, in <module>',
                f"{stamp}     main()",
                f'{stamp}   File "/workspace/train.py", line 187, in main',
                f"{stamp}     loss.backward()",
                f"{stamp} torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.50 GiB. "
                f"GPU 0 has a total capacity of 79.25 GiB of which 1.12 GiB is free.",
                f"{stamp} ERROR: process exited with code 1",
            ]
        why = {
            "preempted": "preempted by the Run:ai scheduler",
            "evicted": "node is being drained",
            "stopped": "workload suspended",
            "deleted": "workload deleted",
        }.get(end_kind, end_kind)
        return [
            f"{stamp} {self.tag} received SIGTERM ({why}); saving checkpoint",
            f"{stamp} {self.tag} saved checkpoint /mnt/weka/checkpoints/{name}/step_{step}.pt",
        ]

    # -- trainings ----------------------------------------------------------------------------
    def _training_header(self, index: int, start: datetime, run_start: float) -> list[str]:
        workload, curve = self.workload, self.curve
        stamp = _stamp(start)
        _, model, params, dataset = self.model
        gpus = max(1, workload.gpu_request.devices) * workload.workers
        lines = [
            f"{stamp} Starting {workload.type.value.lower()} workload {workload.name} in {self.namespace}",
            f"{stamp} image {workload.image}",
            f"{stamp} torch 2.4.0a0+3bcc3cddb5 | CUDA 12.6 | NCCL 2.22.3 | {gpus} x {self.gpu_model}",
        ]
        if workload.type is WorkloadType.DISTRIBUTED:
            lines.append(
                f"{stamp} {self.tag} initializing process group: backend=nccl world_size={workload.workers} "
                f"master_addr={workload.name}-master-0"
            )
            lines.append(f"{stamp} {self.tag} NCCL INFO Channel 00/32 : 0[0] -> 1[1] via P2P/NVLink")
        lines += [
            f"{stamp} {self.tag} loading dataset from {dataset}",
            f"{stamp} {self.tag} model {model} ({params} parameters), bf16 mixed precision",
            f"{stamp} {self.tag} {curve.epochs} epochs, {curve.total_steps} steps, lr {curve.lr_max:.1e}",
        ]
        if index > 0 or run_start > 0:
            step = curve.step_at(run_start)
            lines.append(
                f"{stamp} {self.tag} resuming from checkpoint "
                f"/mnt/weka/checkpoints/{workload.name}/step_{step}.pt "
                f"(epoch {curve.epoch_of(step)})"
            )
        return lines

    def _training_line(self, k: int, at: datetime, run_seconds: float) -> str:
        curve = self.curve
        stamp = _stamp(at)
        step = curve.step_at(run_seconds)
        previous = curve.step_at(run_seconds - self.interval)
        epoch = curve.epoch_of(step)
        if curve.epoch_of(previous) < epoch:
            done = epoch - 1
            val_loss = curve.loss_at(run_seconds, k) * 1.08
            accuracy = 100.0 * (1.0 - val_loss / (curve.loss_start * 1.3))
            return (
                f"{stamp} {self.tag} epoch {done}/{curve.epochs} done | val_loss {val_loss:.4f} | "
                f"val_acc {accuracy:.2f}% | checkpoint step_{step}.pt"
            )
        loss = curve.loss_at(run_seconds, k + 1_000_003 * self.rank)
        throughput = curve.samples_per_second * (1.0 + 0.04 * (unit(curve.seed, 7_000 + k) - 0.5))
        return (
            f"{stamp} {self.tag} epoch {epoch}/{curve.epochs} | step {step}/{curve.total_steps} | "
            f"loss {loss:.4f} | lr {curve.lr_at(step):.2e} | {throughput:.1f} samples/s"
        )

    # -- notebooks ----------------------------------------------------------------------------
    def _workspace_header(self, start: datetime) -> list[str]:
        clock = start.strftime("%H:%M:%S.000")
        name = self.workload.name
        return [
            f"[I {clock} ServerApp] jupyterlab | extension was successfully loaded.",
            f"[I {clock} ServerApp] Serving notebooks from local directory: /home/jovyan",
            f"[I {clock} ServerApp] Jupyter Server 2.14.2 is running at:",
            f"[I {clock} ServerApp] http://{name}-0-0:8888/{self.namespace}/{name}/lab",
            f"[I {clock} ServerApp] Use Control-C to stop this server and shut down all kernels.",
        ]

    _WORKSPACE_LINES: tuple[Callable[[str, int], str], ...] = (
        lambda clock, n: f"[I {clock} ServerApp] Saving file at /notebooks/experiment-{n % 7}.ipynb",
        lambda clock, n: f"[I {clock} ServerApp] Kernel started: {n:08x}-4e1c-4b7a-9c1d-3f2e8a7b6c5d",
        lambda clock, n: f"[I {clock} ServerApp] 200 GET /api/kernels?{n} (10.42.0.{n % 250}) 1.52ms",
        lambda clock, n: f"[W {clock} ServerApp] Notebook experiment-{n % 7}.ipynb is not trusted",
        lambda clock, n: f"[I {clock} ServerApp] Starting buffering for {n:08x}:{n % 97:04d}",
    )

    def _workspace_line(self, k: int, at: datetime) -> str:
        clock = at.strftime("%H:%M:%S.%f")[:-3]
        n = int(unit(self.workload.seed, k) * 2**31)
        return self._WORKSPACE_LINES[n % len(self._WORKSPACE_LINES)](clock, n)

    # -- inference servers -------------------------------------------------------------------
    def _inference_header(self, start: datetime) -> list[str]:
        clock = start.strftime("%m-%d %H:%M:%S")
        _, model, _, _ = self.model
        return [
            f"INFO {clock} api_server.py:212] vLLM API server version 0.6.1",
            f"INFO {clock} llm_engine.py:232] Initializing an LLM engine with model={model}, dtype=bfloat16",
            f"INFO {clock} gpu_executor.py:122] # GPU blocks: 11532, # CPU blocks: 2048",
            f"INFO {clock} api_server.py:311] Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)",
        ]

    def _inference_line(self, k: int, at: datetime) -> str:
        clock = at.strftime("%m-%d %H:%M:%S")
        seed = self.workload.seed
        load = unit(seed, k)
        running = int(2 + 30 * load)
        prompt = 200.0 + 1800.0 * load
        generation = 400.0 + 2600.0 * unit(seed, k + 50_000)
        return (
            f"INFO {clock} metrics.py:351] Avg prompt throughput: {prompt:.1f} tokens/s, "
            f"Avg generation throughput: {generation:.1f} tokens/s, Running: {running} reqs, "
            f"Pending: 0 reqs, GPU KV cache usage: {20 + 60 * load:.1f}%"
        )


def crash_lines(at: datetime, rank: int) -> list[str]:
    """How a rank of a distributed training dies when its NCCL link fails: the traceback torch prints
    and the exit, which the kubelet then restarts into CrashLoopBackOff."""
    stamp = _stamp(at)
    return [
        f"{stamp} [rank{rank}] NCCL WARN NET/IB : Got completion from peer 10.42.3.17<52134> with status=12",
        f"{stamp} Traceback (most recent call last):",
        f'{stamp}   File "/workspace/train.py", line 187, in main',
        f"{stamp}     loss.backward()",
        f"{stamp} torch.distributed.DistBackendError: NCCL error in: "
        "../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, "
        "unhandled system error, NCCL version 2.22.3",
        f"{stamp} ERROR: process exited with code 1",
    ]
