"""The HTTP faces read the Run:ai simulator only through `RunaiSim`'s queries and read API.

The simulator's `state` (mutable records the scheduler edits in place) and `life` (its phase machine) are
its own: a face that reached into them would depend on how the simulator stores things, and a change there
would silently change a wire answer. This test reads the faces' source (no import, no server) and fails on
any `<x>.runai.state` or `<x>.runai.life`, naming the place.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
FACES = [*sorted((REPO / "console/sim/http").rglob("*.py")), REPO / "console/sim/kube_nodes.py"]
PRIVATE = {"state", "life"}


def _reaches(source: str, name: str) -> list[str]:
    tree = ast.parse(source, filename=name)
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in PRIVATE
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "runai"
        ):
            found.append(f"{name}:{node.lineno}: .runai.{node.attr}")
    return found


def test_the_faces_list_is_not_empty() -> None:
    names = {path.name for path in FACES}
    assert {"kube.py", "kube_pods.py", "__init__.py", "workloads.py", "org_units.py"} <= names


def test_no_face_reads_the_simulators_state() -> None:
    reaches = [place for path in FACES for place in _reaches(path.read_text(), str(path.relative_to(REPO)))]
    assert not reaches, "faces must use RunaiSim's read API:\n" + "\n".join(reaches)


def test_the_check_sees_a_reach() -> None:
    source = "def f(sim):\n    sim.runai.life.dirty = True\n    return sim.runai.state.nodes\n"
    assert _reaches(source, "face.py") == ["face.py:2: .runai.life", "face.py:3: .runai.state"]
