"""`PATCH /api/v1/nodes/{name}` of the Kubernetes face: cordon/uncordon (`spec.unschedulable`) and the drain
taint (the whole `spec.taints` list), mapped onto the simulator's cordon/uncordon/drain/undrain so the same
Run:ai semantics apply; any other change in the patch is refused (422), not dropped."""

from __future__ import annotations

from typing import Any

from console.data.errors import BackendError
from console.model.identity import Identity
from console.model.runai import DRAIN_TAINT, Taint
from console.sim.http.base import HttpError, Request, Response, SimulatorHost
from console.sim.http.kube_errors import forbidden, from_sim, invalid_node_field, not_found
from console.sim.kube_nodes import node_object, node_version
from console.sim.runai_state import NodeState
from console.sim.simulator import Simulator

PATCH_TYPES = ("application/strategic-merge-patch+json", "application/merge-patch+json")


class NodePatches:
    """The node patch handler over one `SimulatorHost`."""

    def __init__(self, host: SimulatorHost) -> None:
        self.host = host

    def patch(self, request: Request, identity: Identity) -> Response:
        """Cordon/uncordon and the drain taint; anything else in the patch is refused, not dropped."""
        name = request.path_params["name"]
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip()
        if content_type not in PATCH_TYPES:
            raise HttpError(
                415,
                f"the body of the request was in an unknown format - accepted media types include: "
                f"{', '.join(PATCH_TYPES)} (the simulator does not apply {content_type or 'this'} patches)",
            )
        patch = request.json()
        if not isinstance(patch, dict):
            raise HttpError(400, "the patch must be a JSON object")
        if not identity.is_admin:
            raise forbidden(identity, "patch", "nodes", name, None)
        metadata = patch.get("metadata") or {}
        spec = patch.get("spec") or {}
        if not isinstance(metadata, dict) or not isinstance(spec, dict):
            raise HttpError(400, "metadata and spec must be objects")
        unknown = [f"metadata.{key}" for key in metadata if key not in ("name", "resourceVersion")]
        unknown += [f"spec.{key}" for key in spec if key not in ("unschedulable", "taints")]
        unknown += [key for key in patch if key not in ("metadata", "spec", "apiVersion", "kind")]
        if unknown:
            raise invalid_node_field(
                name,
                unknown[0],
                "Forbidden: the simulator patches only spec.unschedulable and spec.taints, "
                f"not {', '.join(unknown)}",
                "FieldValueForbidden",
            )
        with self.host.session() as sim:
            node = self._node(sim, name)
            wanted_version = metadata.get("resourceVersion")
            if wanted_version is not None and wanted_version != node_version(node):
                raise HttpError(
                    409,
                    f'Operation cannot be fulfilled on nodes "{name}": the object has been modified; '
                    "please apply your changes to the latest version and try again",
                    extra={"details": {"name": name, "kind": "nodes"}},
                )
            drain = self._wanted_drain(name, node, spec) if "taints" in spec else None
            try:
                if "unschedulable" in spec:
                    if spec["unschedulable"] is True:
                        sim.runai.cordon_node(identity, name)
                    elif spec["unschedulable"] in (False, None):
                        sim.runai.uncordon_node(identity, name)
                    else:
                        raise invalid_node_field(
                            name,
                            "spec.unschedulable",
                            "Invalid value: must be a boolean",
                            "FieldValueInvalid",
                        )
                if drain is True:
                    sim.runai.drain_node(identity, name)
                elif drain is False:
                    sim.runai.undrain_node(identity, name)
            except BackendError as error:
                raise from_sim(error) from None
            sim.settle()
            return Response.json(200, node_object(sim, node))

    def _wanted_drain(self, name: str, node: NodeState, spec: dict[str, Any]) -> bool | None:
        """True to drain, False to undrain, None to leave it; 422 for taints the simulator cannot hold.

        A list holding the drain taint drains even a node that already has it: NoExecute keeps evicting
        what does not tolerate it, and the simulator's drain (like the demo backend's) re-asserts exactly
        that. A list without it undrains only a node that has it.
        """
        raw = spec.get("taints")
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            raise invalid_node_field(
                name, "spec.taints", "Invalid value: must be a list", "FieldValueInvalid"
            )
        wanted: list[Taint] = []
        for index, item in enumerate(raw):
            if not isinstance(item, dict) or not item.get("key") or not item.get("effect"):
                raise invalid_node_field(
                    name,
                    f"spec.taints[{index}]",
                    "Required value: a taint needs a key and an effect",
                    "FieldValueRequired",
                )
            if item["effect"] not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
                raise invalid_node_field(
                    name,
                    f"spec.taints[{index}].effect",
                    f'Unsupported value: "{str(item["effect"])[:60]}": supported values: '
                    '"NoSchedule", "PreferNoSchedule", "NoExecute"',
                    "FieldValueNotSupported",
                )
            wanted.append(Taint(str(item["key"]), str(item.get("value") or ""), str(item["effect"])))
        others_now = [taint for taint in node.taints if taint != DRAIN_TAINT]
        others_wanted = [taint for taint in wanted if taint != DRAIN_TAINT]
        if others_now != others_wanted:
            raise invalid_node_field(
                name,
                "spec.taints",
                "Forbidden: the simulator models only the runai=drain:NoExecute taint; other taints cannot "
                "be added, changed or removed",
                "FieldValueForbidden",
            )
        if DRAIN_TAINT in wanted:
            return True
        return False if DRAIN_TAINT in node.taints else None

    def _node(self, sim: Simulator, name: str) -> NodeState:
        node = sim.runai.node_record(name)
        if node is None:
            raise not_found("nodes", name)
        return node
