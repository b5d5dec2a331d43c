"""Run:ai scenarios: `demo` (a believable small cluster that lives on screen) and `large` (scale).

Both are deterministic from `sim.rng`. The demo is laid out by hand so every phase, every pending
reason and every kind of GPU sharing is on screen at start, and a few things happen in the first
minutes (trainings finish, a degraded job recovers, a project reclaims its quota by preempting a
borrower). After that simulated users keep submitting work so the cluster never goes quiet.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field

from console.data.errors import BackendError
from console.model.identity import Identity, Role
from console.model.runai import (
    GpuRequest,
    GpuRequestKind,
    NodeStatus,
    PoolQuota,
    WorkloadPhase,
    WorkloadSpec,
    WorkloadType,
)
from console.sim.demo_claims import DISTILL_VOLUMES
from console.sim.runai import RunaiSim
from console.sim.runai_gpu_faults import add_demo_faults
from console.sim.runai_placement import mig_profile_for
from console.sim.runai_state import EPSILON, RUNNING_PHASES, ClusterState, NodeState, ProjectState

PYTORCH = "nvcr.io/nvidia/pytorch:24.08-py3"
PYTORCH_OLD = "nvcr.io/nvidia/pytorch:24.03-py3"
NEMO = "nvcr.io/nvidia/nemo:24.07"
TRITON = "nvcr.io/nvidia/tritonserver:24.08-py3"
VLLM = "vllm/vllm-openai:v0.6.1"
JUPYTER = "jupyter/pytorch-notebook:cuda12-python-3.11"
RAPIDS = "nvcr.io/nvidia/rapidsai/base:24.08-cuda12.5-py3.11"
PYTHON = "python:3.11-slim"

A100 = "NVIDIA A100-SXM4-80GB"
H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"
L40S = "NVIDIA L40S"
MIB_80GB = 81920

ALICE, BOB, CAROL, DAVE = "alice@acme.ai", "bob@acme.ai", "carol@acme.ai", "dave@acme.ai"
ERIN, FRANK, GINA = "erin@acme.ai", "frank@acme.ai", "gina@acme.ai"

MINUTE = 60.0
HOUR = 3600.0


def _quota(pool: str, deserved: float, limit: float = -1.0, weight: float = 2.0) -> PoolQuota:
    return PoolQuota(node_pool=pool, deserved_gpus=deserved, limit_gpus=limit, over_quota_weight=weight)


# ====================================================================================================
# demo
# ====================================================================================================
def populate_demo(sim: RunaiSim) -> None:
    """Three departments, seven projects, A100/H100/CPU pools and ~45 workloads in every phase."""
    sim.set_cluster("acme-gpu-prod", "2.20.0")
    _demo_topology(sim)
    _demo_org(sim)
    _demo_workloads(sim)
    add_demo_faults(sim.gpu_faults, sim.state)
    sim.activity = DemoActivity(
        scripted=[
            # Two minutes in, llm-pretrain claims its quota back from vision's borrowed H100s.
            (
                90.0,
                ALICE,
                WorkloadSpec(
                    name="llama3-8b-dpo",
                    project_name="llm-pretrain",
                    type=WorkloadType.TRAINING,
                    image=NEMO,
                    gpu_request=GpuRequest.whole(4),
                    node_pools=("h100",),
                    command="python -m nemo_aligner.dpo --config dpo_llama3_8b.yaml",
                    duration_seconds=25 * MINUTE,
                ),
            ),
        ],
        submit_every_seconds=120.0,
        idle_submit_every_seconds=20.0,
    )


def _demo_topology(sim: RunaiSim) -> None:
    for pool in ("default", "a100", "h100"):
        sim.add_node_pool(pool)
    for index in range(1, 4):
        sim.add_node(f"cpu-{index:02d}", "default")
    for index in range(1, 5):
        sim.add_node(
            f"dgx-a100-{index:02d}",
            "a100",
            A100,
            8,
            MIB_80GB,
            mig=index == 4,
            cordoned=index == 2,
        )
    for index in range(1, 5):
        status = NodeStatus.NOT_READY if index == 4 else NodeStatus.READY
        sim.add_node(f"dgx-h100-{index:02d}", "h100", H100, 8, MIB_80GB, status=status)


def _demo_org(sim: RunaiSim) -> None:
    research = sim.add_department("research", [_quota("a100", 16), _quota("h100", 14)])
    product = sim.add_department("product", [_quota("a100", 10), _quota("h100", 6)])
    platform = sim.add_department("platform", [_quota("a100", 4, 8), _quota("h100", 2, 6)])
    sim.add_project(
        "llm-pretrain", research, [_quota("a100", 4), _quota("h100", 12, weight=3)], members=[ALICE, BOB]
    )
    sim.add_project("vision", research, [_quota("a100", 8), _quota("h100", 0)], members=[CAROL, ALICE])
    sim.add_project("speech", research, [_quota("a100", 4), _quota("h100", 2)], members=[DAVE])
    sim.add_project("recsys", product, [_quota("a100", 6), _quota("h100", 2)], members=[ERIN, FRANK])
    sim.add_project("search-ranking", product, [_quota("a100", 4), _quota("h100", 4)], members=[FRANK])
    sim.add_project("mlops", platform, [_quota("a100", 2), _quota("h100", 0)], members=[GINA])
    sim.add_project(
        "sandbox",
        platform,
        [_quota("a100", 0, limit=4, weight=1), _quota("h100", 0, limit=4, weight=1)],
        members=[ALICE, BOB, CAROL, DAVE, ERIN, FRANK, GINA],
    )


def _demo_workloads(sim: RunaiSim) -> None:
    # fmt: off
    add = sim.add_workload
    running, pending = WorkloadPhase.RUNNING, WorkloadPhase.PENDING
    workspace = WorkloadType.WORKSPACE
    inference, distributed = WorkloadType.INFERENCE, WorkloadType.DISTRIBUTED

    # -- dgx-a100-01: a 4-GPU and a 2-GPU training, then GPU sharing on GPUs 6 and 7 -----------------
    add("vit-large-pretrain", "vision", gpu=4, phase=running, submitted_by=CAROL, image=PYTORCH,
        node_pools=("a100",), run_seconds=5 * HOUR, duration_seconds=9 * HOUR, nodes=["dgx-a100-01"],
        command="torchrun --nproc-per-node 4 train_vit.py --model vit_large_patch16_224")
    add("yolov8-detect", "vision", gpu=2, phase=running, submitted_by=ALICE, image=PYTORCH,
        node_pools=("a100",), run_seconds=52 * MINUTE, duration_seconds=55 * MINUTE, nodes=["dgx-a100-01"],
        command="yolo detect train data=coco.yaml model=yolov8x.pt epochs=12")
    add("jupyter-alice", "vision", workload_type=workspace, gpu=0.5, phase=running, submitted_by=ALICE,
        image=JUPYTER, node_pools=("a100",), run_seconds=3 * HOUR, nodes=["dgx-a100-01"],
        command="start-notebook.sh")
    add("jupyter-carol", "vision", workload_type=workspace, gpu=0.25, phase=running, submitted_by=CAROL,
        image=JUPYTER, node_pools=("a100",), run_seconds=95 * MINUTE, nodes=["dgx-a100-01"],
        command="start-notebook.sh")
    add("notebook-erin", "recsys", workload_type=workspace, gpu=0.25, phase=running, submitted_by=ERIN,
        image=RAPIDS, node_pools=("a100",), run_seconds=40 * MINUTE, nodes=["dgx-a100-01"],
        command="jupyter lab --ip 0.0.0.0")
    add("bert-embed-serve", "search-ranking", workload_type=inference, gpu=0.5, phase=running,
        submitted_by=FRANK, image=TRITON, node_pools=("a100",), run_seconds=6 * HOUR, nodes=["dgx-a100-01"],
        command="tritonserver --model-repository /mnt/weka/models/bert-embed")
    add("mistral-eval", "sandbox", gpu=0.5, phase=running, submitted_by=BOB, image=VLLM,
        node_pools=("a100",), run_seconds=20 * MINUTE, duration_seconds=70 * MINUTE, nodes=["dgx-a100-01"],
        command="python eval_harness.py --model mistralai/Mistral-7B-v0.3 --tasks mmlu")

    # -- dgx-a100-02 (cordoned): running work stays, nothing new lands --------------------------------
    add("recsys-dlrm-train", "recsys", workload_type=distributed, gpu=2, workers=2,
        phase=WorkloadPhase.DEGRADED, submitted_by=ERIN, image=PYTORCH, node_pools=("a100",),
        run_seconds=2 * HOUR, duration_seconds=5 * HOUR, nodes=["dgx-a100-02"], recover_after_s=4 * MINUTE,
        command="torchrun --nnodes 2 dlrm_s_pytorch.py --arch-sparse-feature-size 128")
    add("whisper-finetune", "speech", gpu=2, phase=running, submitted_by=DAVE, image=NEMO,
        node_pools=("a100",), run_seconds=80 * MINUTE, duration_seconds=87 * MINUTE, nodes=["dgx-a100-02"],
        command="python speech_to_text_finetune.py model=whisper-large-v3")

    # -- dgx-a100-03: full ------------------------------------------------------------------------
    add("sdxl-finetune", "vision", gpu=2, phase=running, submitted_by=CAROL, image=PYTORCH,
        node_pools=("a100",), run_seconds=30 * MINUTE, duration_seconds=4 * HOUR, nodes=["dgx-a100-03"],
        command="accelerate launch train_text_to_image_sdxl.py --mixed_precision bf16")
    add("two-tower-train", "recsys", gpu=2, phase=running, submitted_by=FRANK, image=PYTORCH,
        node_pools=("a100",), run_seconds=65 * MINUTE, duration_seconds=3 * HOUR, nodes=["dgx-a100-03"],
        command="python train_two_tower.py --embedding-dim 256")
    add("ltr-xgboost-gpu", "search-ranking", gpu=1, phase=running, submitted_by=FRANK, image=RAPIDS,
        node_pools=("a100",), run_seconds=12 * MINUTE, duration_seconds=40 * MINUTE, nodes=["dgx-a100-03"],
        command="python train_ltr.py --tree-method gpu_hist")
    add("triton-canary", "mlops", workload_type=inference, gpu=1, phase=running, submitted_by=GINA,
        image=TRITON, node_pools=("a100",), run_seconds=26 * HOUR, nodes=["dgx-a100-03"],
        command="tritonserver --model-repository /mnt/weka/models/canary")
    add("bert-mlm-sweep-2", "sandbox", gpu=2, phase=running, submitted_by=DAVE, image=PYTORCH_OLD,
        node_pools=("a100",), run_seconds=25 * MINUTE, duration_seconds=2 * HOUR, fail_after_s=33 * MINUTE,
        nodes=["dgx-a100-03"], command="python run_mlm.py --model_name_or_path bert-large-uncased --lr 3e-4")

    # -- dgx-a100-04 (MIG): slices by memory on GPU 0, whole GPUs on 1-4, 5-7 free ----------------------
    add("wav2vec-asr", "speech", workload_type=workspace, gpu=GpuRequest.memory(10240), phase=running,
        submitted_by=DAVE, image=JUPYTER, node_pools=("a100",), run_seconds=50 * MINUTE,
        nodes=["dgx-a100-04"],
        command="start-notebook.sh")
    add("feature-drift-monitor", "mlops", workload_type=inference, gpu=GpuRequest.memory(20480),
        phase=running, submitted_by=GINA, image=TRITON, node_pools=("a100",), run_seconds=3 * 86400.0,
        nodes=["dgx-a100-04"], command="python drift_monitor.py --window 1h")
    add("clip-retrieval-demo", "vision", workload_type=workspace, gpu=GpuRequest.memory(40960),
        phase=running, submitted_by=CAROL, image=JUPYTER, node_pools=("a100",), run_seconds=2 * HOUR,
        nodes=["dgx-a100-04"], command="start-notebook.sh")
    add("query-encoder-train", "search-ranking", gpu=4, phase=running, submitted_by=FRANK, image=PYTORCH,
        node_pools=("a100",), run_seconds=3 * HOUR, duration_seconds=7 * HOUR, nodes=["dgx-a100-04"],
        command="torchrun --nproc-per-node 4 train_dual_encoder.py")
    add("llm-gateway", "mlops", workload_type=inference, gpu=1, phase=WorkloadPhase.INITIALIZING,
        submitted_by=GINA, image=VLLM, node_pools=("a100",), nodes=["dgx-a100-04"],
        command="python -m vllm.entrypoints.openai.api_server --model meta-llama/Meta-Llama-3-8B-Instruct")

    # -- H100s: an 8-GPU SFT, vision's borrowed 4-worker DDP job, a mixed node ------------------------
    add("llama3-8b-sft", "llm-pretrain", gpu=8, phase=running, submitted_by=ALICE, image=NEMO,
        node_pools=("h100",), run_seconds=2 * HOUR, duration_seconds=6 * HOUR, nodes=["dgx-h100-01"],
        command="python -m nemo.collections.llm.finetune --model llama3_8b --peft none")
    add("resnet50-ddp", "vision", workload_type=distributed, gpu=2, workers=4, phase=running,
        submitted_by=CAROL, image=PYTORCH, node_pools=("h100",), run_seconds=75 * MINUTE,
        duration_seconds=5 * HOUR, nodes=["dgx-h100-02"],
        command="torchrun --nnodes 4 --nproc-per-node 2 train_resnet50.py --amp")
    add("gpt-neox-eval", "llm-pretrain", gpu=2, phase=running, submitted_by=BOB, image=PYTORCH,
        node_pools=("h100",), run_seconds=35 * MINUTE, duration_seconds=44 * MINUTE, nodes=["dgx-h100-03"],
        command="python eval.py --model EleutherAI/gpt-neox-1.3b --tasks hellaswag,arc")
    add("dlrm-h100-bench", "recsys", gpu=2, phase=running, submitted_by=ERIN, image=PYTORCH,
        node_pools=("h100",), run_seconds=15 * MINUTE, duration_seconds=50 * MINUTE, nodes=["dgx-h100-03"],
        command="python dlrm_benchmark.py --precision fp8")
    add("reranker-serve", "search-ranking", workload_type=inference, gpu=1, phase=running,
        submitted_by=FRANK, image=TRITON, node_pools=("h100",), run_seconds=4 * 86400.0,
        nodes=["dgx-h100-03"],
        command="tritonserver --model-repository /mnt/weka/models/reranker")
    add("whisper-large-v3-serve", "speech", workload_type=inference, gpu=1, phase=running,
        submitted_by=DAVE, image=VLLM, node_pools=("h100",), run_seconds=9 * HOUR, nodes=["dgx-h100-03"],
        command="python -m vllm.entrypoints.openai.api_server --model openai/whisper-large-v3")

    # -- CPU pool ----------------------------------------------------------------------------------
    add("data-prep-tokenize", "llm-pretrain", gpu=0, phase=running, submitted_by=BOB, image=PYTHON,
        node_pools=("default",), run_seconds=18 * MINUTE, duration_seconds=45 * MINUTE, nodes=["cpu-01"],
        command="python tokenize_corpus.py --shards 512")
    add("label-studio-sync", "vision", workload_type=workspace, gpu=0, phase=running, submitted_by=CAROL,
        image=PYTHON, node_pools=("default",), run_seconds=7 * HOUR, nodes=["cpu-02"],
        command="label-studio start --port 8080")

    # -- Pending, each for a different reason -----------------------------------------------------
    add("vit-huge-pretrain", "vision", gpu=8, phase=pending, submitted_by=CAROL, image=PYTORCH,
        node_pools=("a100",), duration_seconds=12 * HOUR, created_ago_s=25 * MINUTE,
        command="torchrun --nproc-per-node 8 train_vit.py --model vit_huge_patch14_224")
    add("sandbox-llm-distill", "sandbox", gpu=2, phase=pending, submitted_by=ALICE, image=PYTORCH,
        node_pools=("a100",), duration_seconds=90 * MINUTE, created_ago_s=8 * MINUTE,
        command="python distill.py --teacher llama3-8b --student llama3-1b",
        volumes=DISTILL_VOLUMES)  # the demo's burst candidate (`demo_claims`)
    add("whisper-distill", "speech", workload_type=workspace, gpu=2, phase=pending, submitted_by=DAVE,
        image=JUPYTER, node_pools=("h100",), created_ago_s=14 * MINUTE, command="start-notebook.sh")
    requeued = add("bert4rec-train", "sandbox", gpu=4, phase=pending, submitted_by=ERIN, image=PYTORCH,
        node_pools=("h100",), duration_seconds=2 * HOUR, run_seconds=38 * MINUTE,
        created_ago_s=2 * HOUR + 38 * MINUTE,  # ran 38 min, then preempted 2 h ago (the events below)
        command="python train_bert4rec.py --max-seq-len 200")
    sim.add_event(
        requeued,
        "Warning",
        "Preempted",
        "Preempted to reclaim GPUs for project llm-pretrain (workload llama3-8b-sft) in node pool h100; "
        "requeued as Pending",
        ago_s=2 * HOUR,
    )
    sim.add_event(requeued, "Normal", "Requeued", "Pods terminated; waiting to be scheduled again",
                  ago_s=2 * HOUR - 2)
    add("ctr-model-train", "search-ranking", gpu=1, phase=WorkloadPhase.CREATING, submitted_by=FRANK,
        image=PYTORCH, node_pools=("a100",), duration_seconds=6 * MINUTE, command="python train_ctr.py")

    # -- history: completed, failed, stopped -------------------------------------------------------
    completed = WorkloadPhase.COMPLETED
    for name, project, user, gpus, hours_ago, minutes in (
        ("resnet50-baseline", "vision", CAROL, 4, 30, 95),
        ("llama3-8b-tokenizer-check", "llm-pretrain", BOB, 1, 20, 12),
        ("bert-base-finetune", "search-ranking", FRANK, 1, 9, 40),
        ("whisper-small-ft", "speech", DAVE, 2, 7, 75),
        ("dlrm-hparam-sweep-1", "recsys", ERIN, 1, 5, 33),
        ("sdxl-lora-sweep-1", "vision", ALICE, 1, 4, 48),
        ("sdxl-lora-sweep-2", "vision", ALICE, 1, 3, 51),
        ("llama3-8b-eval-mmlu", "llm-pretrain", ALICE, 2, 2, 26),
    ):
        pool = "h100" if project == "llm-pretrain" else "a100"
        add(name, project, gpu=gpus, phase=completed, submitted_by=user, image=PYTORCH, node_pools=(pool,),
            duration_seconds=minutes * MINUTE, run_seconds=minutes * MINUTE,
            created_ago_s=hours_ago * HOUR)
    add("recsys-feature-backfill", "recsys", gpu=0, phase=completed, submitted_by=FRANK, image=PYTHON,
        node_pools=("default",), duration_seconds=22 * MINUTE, run_seconds=22 * MINUTE,
        created_ago_s=11 * HOUR)
    add("sdxl-lora-sweep-3", "vision", gpu=1, phase=WorkloadPhase.FAILED, submitted_by=ALICE, image=PYTORCH,
        node_pools=("a100",), duration_seconds=50 * MINUTE, run_seconds=7 * MINUTE, created_ago_s=3 * HOUR)
    add("dlrm-oom-repro", "recsys", gpu=1, phase=WorkloadPhase.FAILED, submitted_by=ERIN, image=PYTORCH_OLD,
        node_pools=("a100",), duration_seconds=HOUR, run_seconds=2 * MINUTE, created_ago_s=6 * HOUR)
    add("jupyter-bob", "llm-pretrain", workload_type=workspace, gpu=1, phase=WorkloadPhase.STOPPED,
        submitted_by=BOB, image=JUPYTER, node_pools=("h100",), run_seconds=4 * HOUR, created_ago_s=28 * HOUR)
    add("tensorboard-frank", "search-ranking", workload_type=workspace, gpu=0, phase=WorkloadPhase.STOPPED,
        submitted_by=FRANK, image=PYTHON, node_pools=("default",), run_seconds=2 * HOUR,
        created_ago_s=10 * HOUR)
    add("gpt-neox-pretrain-v0", "llm-pretrain", gpu=8, phase=WorkloadPhase.STOPPED, submitted_by=ALICE,
        image=NEMO, node_pools=("h100",), duration_seconds=30 * HOUR, run_seconds=11 * HOUR,
        created_ago_s=40 * HOUR)
    # fmt: on


# -- simulated users --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Template:
    base: str
    workload_type: WorkloadType
    image: str
    gpu: GpuRequest
    minutes: tuple[int, int]
    """How long it runs (a training's duration; how long a workspace's user keeps it before deleting it)."""
    command: str


_TEMPLATES: tuple[_Template, ...] = (
    _Template(
        "bert-sweep", WorkloadType.TRAINING, PYTORCH, GpuRequest.whole(1), (5, 20), "python run_glue.py"
    ),
    _Template(
        "resnet-ablation", WorkloadType.TRAINING, PYTORCH, GpuRequest.whole(2), (15, 45), "python train.py"
    ),
    _Template(
        "llama3-lora", WorkloadType.TRAINING, NEMO, GpuRequest.whole(4), (20, 60), "python finetune_lora.py"
    ),
    _Template(
        "vit-probe", WorkloadType.TRAINING, PYTORCH, GpuRequest.fraction(0.5), (5, 20), "python probe.py"
    ),
    _Template(
        "whisper-eval", WorkloadType.TRAINING, NEMO, GpuRequest.whole(1), (4, 15), "python eval_wer.py"
    ),
    _Template(
        "notebook", WorkloadType.WORKSPACE, JUPYTER, GpuRequest.fraction(0.25), (20, 90), "start-notebook.sh"
    ),
    _Template(
        "embed-batch", WorkloadType.TRAINING, RAPIDS, GpuRequest.memory(20480), (5, 20), "python embed.py"
    ),
    _Template(
        "dlrm-train",
        WorkloadType.TRAINING,
        PYTORCH,
        GpuRequest.whole(2),
        (30, 90),
        "python dlrm_s_pytorch.py",
    ),
)
"""Whole-GPU trainings of minutes to an hour or so, fractions, GPU memory and notebooks."""

_SUBMISSION_TRIES = 4
"""Draws of (project, template) before a simulated user gives up submitting this time."""


@dataclass(slots=True)
class DemoActivity:
    """Simulated researchers: scripted moments, then random submissions; old finished work expires.

    Users behave so that the cluster looks busy for hours, as a real shared one does: they submit
    faster while GPUs sit idle and the queue is short (`idle_submit_every_seconds`), at the calm rate
    otherwise; they only ask for what their project could ever get (no request larger than a node or
    over a quota limit, no non-preemptible request beyond the project's deserved quota); and they
    delete their notebooks when done with them, so interactive work does not pile up for ever (it
    did: with the generator stopped at `max_active`, the demo drained to a quarter of its GPUs).
    Everything random comes from `sim.rng` inside `step`, so the history is a function of the seed.
    """

    scripted: list[tuple[float, str, WorkloadSpec]] = field(default_factory=list)
    submit_every_seconds: float = 75.0
    """Mean time between submissions once the cluster is busy (see `_wants_work`)."""
    idle_submit_every_seconds: float | None = None
    """Mean time between submissions while GPUs sit idle and the queue is short (None: always calm)."""
    busy_fraction: float = 0.9
    """Allocated GPUs per schedulable GPU at which users calm down to `submit_every_seconds`."""
    max_pending: int = 12
    """Pending workloads at which they calm down whatever the allocation (the queue says "busy")."""
    max_active: int = 60
    finished_ttl_seconds: float = 2 * HOUR
    _counter: int = 0
    _submitted: dict[str, float] = field(default_factory=dict)
    _lifetimes: dict[str, float] = field(default_factory=dict)
    """Workspace id -> seconds of running after which its user deletes it."""

    def __call__(self, sim: RunaiSim, dt_seconds: float) -> None:
        now = sim.clock.elapsed_seconds
        while self.scripted and self.scripted[0][0] <= now:
            _, user, spec = self.scripted.pop(0)
            self._submit(sim, user, spec)
        eager = self.idle_submit_every_seconds
        if eager is None:
            if sim.rng.random() < dt_seconds / self.submit_every_seconds:
                self._random_submission(sim)
        elif sim.rng.random() < dt_seconds / eager:
            # Thinning: at the eager rate while the cluster wants work, at the calm rate otherwise.
            calm = sim.rng.random() < eager / self.submit_every_seconds
            if calm or self._wants_work(sim):
                self._random_submission(sim)
        self._expire(sim)

    def _wants_work(self, sim: RunaiSim) -> bool:
        """Whether the cluster has idle GPUs and a short queue: users of an idle cluster submit more.

        Allocated GPUs, not asked-for ones: work that pends for long (a whole node wanted, a quota
        used up) would otherwise hide idle GPUs from the users who could use them.
        """
        state = sim.state
        gpu_pools = [name for name, pool in state.pools.items() if pool.gpu_model is not None]
        if len(state.pending) >= self.max_pending:
            return False
        schedulable = sum(
            len(node.gpus) for name in gpu_pools for node in state.pool_nodes(name) if node.schedulable
        )
        allocated = sum(
            project.allocated.get(name, 0.0) for project in state.projects.values() for name in gpu_pools
        )
        return allocated < schedulable * self.busy_fraction

    def _submit(self, sim: RunaiSim, user: str, spec: WorkloadSpec, lifetime: float | None = None) -> None:
        actor = sim.identity_for(user, Role.RESEARCHER)
        try:
            workload_id = sim.submit_workload(actor, spec)
        except BackendError:  # a simulated user shrugs off a refused submission (quota, name clash)
            return
        self._submitted[workload_id] = sim.clock.elapsed_seconds
        if lifetime is not None:
            self._lifetimes[workload_id] = lifetime

    def _random_submission(self, sim: RunaiSim) -> None:
        active = sum(1 for workload in sim.state.workloads.values() if workload.completed_at is None)
        if active >= self.max_active:
            return
        projects = [project for project in sim.state.projects.values() if project.members]
        if not projects:
            return
        rng = sim.rng
        for _ in range(_SUBMISSION_TRIES):
            project = rng.choice(projects)
            user = rng.choice(project.members)
            template = rng.choice(_TEMPLATES)
            choices = _runnable_pools(sim, project, template)
            if choices:
                break
        else:
            return
        pool, preemptible = rng.choice(choices)
        self._counter += 1
        low, high = template.minutes
        minutes = rng.randint(low, high) * MINUTE
        workspace = template.workload_type is WorkloadType.WORKSPACE
        spec = WorkloadSpec(
            name=f"{template.base}-{user.split('@')[0]}-{self._counter}",
            project_name=project.name,
            type=template.workload_type,
            image=template.image,
            gpu_request=template.gpu,
            command=template.command,
            node_pools=(pool,),
            preemptible=preemptible,
            duration_seconds=None if workspace else minutes,
        )
        self._submit(sim, user, spec, lifetime=minutes if workspace else None)

    def _expire(self, sim: RunaiSim) -> None:
        """Users delete notebooks they are done with; what they submitted goes once finished long enough
        ago (a TTL, like the API's)."""
        if not self._submitted:
            return
        admin = Identity(user="ttl-controller@acme.ai", role=Role.ADMIN)
        for workload_id in list(self._submitted):
            workload = sim.state.workloads.get(workload_id)
            if workload is None:
                del self._submitted[workload_id]
                self._lifetimes.pop(workload_id, None)
                continue
            if workload.completed_at is None:
                lifetime = self._lifetimes.get(workload_id)
                if (
                    lifetime is not None
                    and workload.phase in RUNNING_PHASES
                    and sim.life.run_seconds(workload) >= lifetime
                ):
                    del self._lifetimes[workload_id]
                    owner = sim.identity_for(workload.submitted_by, Role.RESEARCHER)
                    sim.delete_workload(owner, workload_id)
                continue
            finished = (sim.clock.now() - workload.completed_at).total_seconds()
            if finished >= self.finished_ttl_seconds:
                sim.delete_workload(admin, workload_id)
                del self._submitted[workload_id]


def _runnable_pools(
    sim: RunaiSim, project: ProjectState, template: _Template
) -> list[tuple[str, bool | None]]:
    """(pool, preemptible) for each GPU pool where the project could ever run the template's request.

    A workspace is non-preemptible (its type's default) while the project's deserved quota in the pool
    has room for it beside the non-preemptible work already there; otherwise its user makes it
    preemptible, as the submit form suggests, rather than queueing something that cannot start.
    """
    state = sim.state
    request = template.gpu
    default_preemptible = template.workload_type in (WorkloadType.TRAINING, WorkloadType.DISTRIBUTED)
    choices: list[tuple[str, bool | None]] = []
    for name, quota in project.quotas.items():
        pool = state.pools.get(name)
        if pool is None or pool.gpu_model is None or (quota.deserved <= 0 and quota.limit == 0):
            continue
        nodes = [node for node in state.pool_nodes(name) if node.schedulable and node.gpus]
        gpus = _gpus_in_pool(request, pool.gpu_memory_mib)
        if gpus is None or not any(_pod_fits_empty(node, request) for node in nodes):
            continue
        if not _within_limits(state, project, name, gpus, project.requested.get(name, 0.0)):
            continue
        preemptible: bool | None = None
        if not default_preemptible:
            in_use = project.allocated_non_preemptible.get(name, 0.0)
            if in_use + gpus > quota.deserved + EPSILON:
                preemptible = True
        choices.append((name, preemptible))
    return choices


def _gpus_in_pool(request: GpuRequest, gpu_memory_mib: int) -> float | None:
    """What one pod of `request` counts against quota in a pool with GPUs of that memory."""
    if request.kind is GpuRequestKind.DEVICES:
        return float(request.devices)
    if request.kind is GpuRequestKind.PORTION:
        return request.portion
    if gpu_memory_mib <= 0:
        return None
    return min(1.0, request.memory_mib / gpu_memory_mib)


def _pod_fits_empty(node: NodeState, request: GpuRequest) -> bool:
    """Whether one pod of `request` fits on `node` with nothing else on it (GPU count, memory, MIG)."""
    if request.kind is GpuRequestKind.DEVICES:
        return len(node.gpus) >= request.devices
    if request.kind is GpuRequestKind.PORTION:
        need_mib = request.portion * node.gpu_memory_mib
    else:
        need_mib = float(request.memory_mib)
    if need_mib > node.gpu_memory_mib:
        return False
    return not node.mig or mig_profile_for(need_mib, node.gpu_memory_mib) is not None


def _within_limits(state: ClusterState, project: ProjectState, pool: str, gpus: float, asked: float) -> bool:
    """Whether `gpus` more stay within the project's and its department's limits in `pool`, beside what
    the project already asks for there (`asked`, running and pending): a user whose project is at its
    limit waits for their own work to end instead of queueing more behind it."""
    limit = project.quota(pool).limit
    if 0 <= limit < asked + gpus - EPSILON:
        return False
    department = state.departments.get(project.department_id)
    dept_quota = department.quotas.get(pool) if department is not None else None
    if department is None or dept_quota is None or dept_quota.limit < 0:
        return True
    dept_asked = sum(state.projects[pid].requested.get(pool, 0.0) for pid in department.project_ids)
    return dept_asked + gpus <= dept_quota.limit + EPSILON


# ====================================================================================================
# large
# ====================================================================================================
LARGE_POOLS: tuple[tuple[str, str, int], ...] = (
    ("a100", A100, 350),
    ("h100", H100, 350),
    ("h200", H200, 100),
    ("l40s", L40S, 200),
)
LARGE_DEPARTMENTS = 20
LARGE_PROJECTS_PER_DEPARTMENT = 10
LARGE_WORKLOADS = 20_000

_LARGE_MIX: tuple[tuple[WorkloadPhase, int], ...] = (
    (WorkloadPhase.RUNNING, 5_400),
    (WorkloadPhase.DEGRADED, 40),
    (WorkloadPhase.INITIALIZING, 100),
    (WorkloadPhase.CREATING, 60),
    (WorkloadPhase.PENDING, 1_500),
    (WorkloadPhase.STOPPED, 1_200),
    (WorkloadPhase.FAILED, 1_800),
)
"""The rest of the 20,000 are Completed."""

_LARGE_NAMES = ("llama3-sft", "resnet50", "bert-ft", "vit-b16", "whisper-ft", "sdxl-lora", "dlrm", "yolov8",
                "mistral-eval", "gpt-neox", "t5-base", "clip-ft", "jupyter", "triton-serve")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Scale:
    """How big a scale scenario is: its pools (name, GPU model, nodes of 8 GPUs), org and workloads."""

    pools: tuple[tuple[str, str, int], ...]
    departments: int
    projects_per_department: int
    workloads: int
    mix: tuple[tuple[WorkloadPhase, int], ...]
    """Workloads per phase; the rest are Completed."""


LARGE = Scale(LARGE_POOLS, LARGE_DEPARTMENTS, LARGE_PROJECTS_PER_DEPARTMENT, LARGE_WORKLOADS, _LARGE_MIX)
HUGE = Scale(
    tuple((pool, model, count * 5) for pool, model, count in LARGE_POOLS),
    50,
    20,
    100_000,
    tuple((phase, count * 5) for phase, count in _LARGE_MIX),
)
"""The `huge` scenario: 5,000 nodes (40,000 GPUs), 1,000 projects, 100,000 workloads (issue 15's bench)."""

_LARGE_SHAPES: tuple[tuple[GpuRequest, int], ...] = (
    (GpuRequest.whole(1), 50),
    (GpuRequest.whole(2), 14),
    (GpuRequest.whole(4), 6),
    (GpuRequest.whole(8), 3),
    (GpuRequest.fraction(0.5), 15),
    (GpuRequest.fraction(0.25), 12),
)


def populate_large(sim: RunaiSim, scale: Scale = LARGE) -> None:
    """1,000 DGX-class nodes (8,000 GPUs) in four pools, 200 projects, 20,000 workloads (or `scale`).

    Built for speed: running work is packed node by node with pinned placement instead of asking the
    bin-packer 5,000 times, and names/shapes come from small shared tables. The cyclic garbage
    collector is paused while ~200,000 long-lived objects are made: it would otherwise walk them all
    again and again (about a sixth of the build) to find no garbage.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        _populate_large(sim, scale)
    finally:
        if collecting:
            gc.enable()


def _populate_large(sim: RunaiSim, scale: Scale) -> None:
    rng = sim.rng
    sim.set_cluster("acme-gpu-global", "2.20.0")
    for pool, model, count in scale.pools:
        sim.add_node_pool(pool)
        for index in range(1, count + 1):
            status = NodeStatus.NOT_READY if index in (17, 211) else NodeStatus.READY
            sim.add_node(f"{pool}-node-{index:04d}", pool, model, 8, MIB_80GB if model != L40S else 46068,
                         status=status, cordoned=index % 97 == 0)  # fmt: skip
    pool_gpus = {pool: count * 8 for pool, _, count in scale.pools}
    project_names: list[str] = []
    projects_total = scale.departments * scale.projects_per_department
    for d in range(scale.departments):
        dept_quotas = [
            _quota(pool, round(gpus * 0.9 / scale.departments)) for pool, gpus in pool_gpus.items()
        ]
        department = sim.add_department(f"dept-{d:02d}", dept_quotas)
        for p in range(scale.projects_per_department):
            name = f"team-{d:02d}-{p:02d}"
            quotas = []
            for pool, gpus in pool_gpus.items():
                mean = gpus * 0.85 / projects_total
                deserved = float(int(mean * (0.4 + 1.2 * rng.random())))
                quotas.append(_quota(pool, deserved, weight=float(rng.randint(1, 3))))
            members = [f"user{d:02d}{p:02d}{m}@acme.ai" for m in range(3)]
            sim.add_project(name, department, quotas, members=members)
            project_names.append(name)

    projects = [sim.state.projects[sim.project_id(name)] for name in project_names]
    shapes = [shape for shape, weight in _LARGE_SHAPES for _ in range(weight)]
    pools = [pool for pool, _, count in scale.pools for _ in range(count // 10)]  # weighted by size
    cursors = {pool: _NodeCursor(sim, pool) for pool, _, _ in scale.pools}
    phases = [phase for phase, count in scale.mix for _ in range(count)]
    phases += [WorkloadPhase.COMPLETED] * (scale.workloads - len(phases))
    rng.shuffle(phases)
    pick = rng.random  # random() and int() beat randrange() 3x, and this loop runs 20,000 times
    bound_phases = (WorkloadPhase.RUNNING, WorkloadPhase.DEGRADED, WorkloadPhase.INITIALIZING)
    for index, phase in enumerate(phases):
        pool = pools[int(pick() * len(pools))]
        shape = shapes[int(pick() * len(shapes))]
        fractional = shape.kind is GpuRequestKind.PORTION
        workload_type = WorkloadType.WORKSPACE if fractional and index % 3 == 0 else WorkloadType.TRAINING
        nodes = None
        if phase in bound_phases:
            node = cursors[pool].fit(shape)
            if node is None:
                phase = WorkloadPhase.PENDING
            else:
                nodes = [node.name]
        if nodes is not None or phase is WorkloadPhase.PENDING:
            # Running work goes where there is deserved quota left, pending work where there is not: the
            # cluster starts near the scheduler's equilibrium instead of reclaiming GPUs for a minute.
            project = _project_for(projects, pool, shape, pick, with_room=nodes is not None).name
        else:
            project = project_names[int(pick() * len(project_names))]
        if phase is WorkloadPhase.DEGRADED:
            phase = WorkloadPhase.RUNNING  # one pod cannot degrade; keep Degraded for gangs in the demo
        duration = float(20 + int(pick() * 48 * 60)) * MINUTE
        if phase is WorkloadPhase.COMPLETED:
            run = duration
        elif phase in (WorkloadPhase.PENDING, WorkloadPhase.CREATING, WorkloadPhase.INITIALIZING):
            run = 0.0
        else:
            run = duration * pick()
        sim.add_workload(
            f"{_LARGE_NAMES[index % len(_LARGE_NAMES)]}-{index:05d}",
            project,
            workload_type=workload_type,
            gpu=shape,
            phase=phase,
            image=PYTORCH,
            node_pools=(pool,),
            duration_seconds=duration if workload_type is WorkloadType.TRAINING else None,
            run_seconds=run,
            created_ago_s=run + 60.0 + pick() * 7 * 86400,
            nodes=nodes,
        )
    sim.activity = DemoActivity(
        submit_every_seconds=5.0, max_active=scale.workloads * 5 // 4, finished_ttl_seconds=HOUR
    )


def _project_for(
    projects: list[ProjectState], pool: str, shape: GpuRequest, pick: Callable[[], float], *, with_room: bool
) -> ProjectState:
    """A random project that has deserved quota left in `pool` for `shape` (`with_room` False: has not).

    A few tries, then whatever was drawn last.
    """
    gpus = shape.portion if shape.kind is GpuRequestKind.PORTION else float(shape.devices)
    project = projects[0]
    for _ in range(6):
        project = projects[int(pick() * len(projects))]
        has_room = project.allocated.get(pool, 0.0) + gpus <= project.quota(pool).deserved
        if has_room is with_room:
            break
    return project


class _NodeCursor:
    """Walks a pool's nodes filling each before moving on, so 5,000 placements stay linear."""

    LOOKAHEAD = 4

    def __init__(self, sim: RunaiSim, pool: str) -> None:
        self.nodes: list[NodeState] = sim.state.pool_nodes(pool)
        self.index = 0

    def fit(self, request: GpuRequest) -> NodeState | None:
        """A node near the cursor with room for one pod of `request` (a quick check; binding places it)."""
        nodes = self.nodes
        while self.index < len(nodes) and (
            nodes[self.index].status is not NodeStatus.READY or nodes[self.index].free_whole == 0
        ):
            self.index += 1  # full (fraction leftovers are not worth a scan) or not reporting
        for node in nodes[self.index : self.index + self.LOOKAHEAD]:
            if node.status is NodeStatus.READY and _has_room(node, request):
                return node
        return None


def _has_room(node: NodeState, request: GpuRequest) -> bool:
    if request.kind is GpuRequestKind.DEVICES:
        return node.free_whole >= request.devices
    if request.kind is GpuRequestKind.PORTION:
        share = request.portion
    else:
        share = request.memory_mib / node.gpu_memory_mib
    return any(gpu.used + share <= 1.0 + 1e-9 for gpu in node.gpus)
