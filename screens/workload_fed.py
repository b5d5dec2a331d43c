"""The workload detail's Fed line: how well its data path keeps its GPUs busy (`console.ui.starved`).

`Fed     46 % — starved: GPU 41 %, its node read 1.3 GB/s at 9.6 ms, 38 % from the object tier`, under the
GPU use line of a running training that reads WEKA; nothing for any other workload (the figure is not
about notebooks, servers or jobs that read nothing from WEKA).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from console.model import Workload, WorkloadUtilisation
from console.model.feed import ClientReads
from console.model.storage import DataMount, WorkloadMount
from console.ui.palette import CellPalette
from console.ui.starved import feed_of


def fed_line(
    workload: Workload,
    mounts: Sequence[DataMount] | None,
    clients: Sequence[ClientReads] | None,
    history: WorkloadUtilisation | None,
    palette: CellPalette,
) -> Text:
    """The line, or an empty text while what it needs is not known or the figure is not about it."""
    if mounts is None or clients is None:
        return Text("", end="")
    who = (workload.id, workload.name, workload.project_name, workload.phase)
    own = [WorkloadMount(*who, mount) for mount in mounts]
    feed = feed_of(workload, own, clients, history)
    if feed is None:
        return Text("", end="")
    return Text.assemble(
        ("Fed     ", palette.muted), (feed.line(), palette.error if feed.starved else ""), end=""
    )
