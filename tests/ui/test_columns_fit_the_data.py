"""Columns that fit the data: identifying columns (node, name, model, locator) widen to what their
values need before free text takes the rest, and a name cut for width loses its middle, not its end,
so `gke-ml…1-x9k2` and `gke-ml…1-b7m4` stay apart."""

from __future__ import annotations

from rich.text import Text

from widgets.resource_table import Column, compute_layout
from widgets.table_layout import fit_cell as _fit_cell

NODE = Column("node", "NODE", 12, identifies=True)
HOLDERS = Column("holders", "HELD BY", 18, grow=True)
FREE = Column("free", "FREE", 4)


def test_an_identifying_column_widens_to_its_values_before_the_grow_column() -> None:
    columns = (NODE, HOLDERS, FREE)
    layout = compute_layout(columns, 160, content_widths=[27, 0, 0])
    assert layout.widths[0] == 27  # the whole node name, not 12 cells
    assert layout.widths[1] == 160 - 27 - 4 - 2  # the rest still goes to the free text
    narrow = compute_layout(columns, 40, content_widths=[27, 0, 0])
    assert narrow.widths[0] == 12 + (40 - 36)  # only what is spare; the grow column keeps its 18


def test_a_long_name_loses_its_middle_not_its_end() -> None:
    names = ["gke-ml-a100-pool-1-x9k2", "gke-ml-a100-pool-1-b7m4"]
    cut = [_fit_cell(name, 13, "left", cut_middle=True).plain for name in names]
    assert cut == ["gke-ml…1-x9k2", "gke-ml…1-b7m4"]
    assert cut[0] != cut[1]
    assert _fit_cell("ip-10-0-1-23.ec2.internal", 12, "left").plain.endswith("…")  # free text: the end


def test_a_middle_cut_keeps_the_styles_of_both_ends() -> None:
    name = Text("gke-ml-a100-pool-1-x9k2", end="")
    name.stylize("bold", 0, 3)
    name.stylize("red", 19, 23)
    cut = _fit_cell(name, 13, "left", cut_middle=True)
    assert cut.plain == "gke-ml…1-x9k2"
    styles = {(span.start, span.end, str(span.style)) for span in cut.spans}
    assert (0, 3, "bold") in styles and (9, 13, "red") in styles


def test_a_dns_name_keeps_its_host_label_and_loses_the_shared_domain() -> None:
    names = ["ip-10-0-1-23.us-west-2.compute.internal", "ip-10-0-1-57.us-west-2.compute.internal"]
    cut = [_fit_cell(name, 18, "left", cut_middle=True).plain for name in names]
    assert cut == ["ip-10-0-1-23…ernal", "ip-10-0-1-57…ernal"]
    # A host label too long to keep whole: the plain middle cut.
    assert (
        _fit_cell("a-very-long-host-label-x9k2.example.com", 13, "left", cut_middle=True).plain
        == "a-very…le.com"
    )
