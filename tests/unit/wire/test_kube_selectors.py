"""Label and field selectors parse as the API server parses them (apimachinery labels/fields grammar)."""

from __future__ import annotations

import pytest

from console.wire.kube_selectors import (
    MAX_SELECTOR_CHARS,
    SelectorError,
    parse_field_selector,
    parse_label_selector,
    predicate,
)

GPU = {"gpu": "a100", "tier": "prod", "node-role.kubernetes.io/runai-gpu-worker": "true", "slots": "8"}
CPU = {"tier": "dev", "slots": "2"}


@pytest.mark.parametrize(
    ("selector", "gpu", "cpu"),
    [
        ("", True, True),
        ("gpu", True, False),
        ("!gpu", False, True),
        ("gpu=a100", True, False),
        ("gpu==a100", True, False),
        ("gpu!=a100", False, True),  # a missing key is "not equal"
        ("tier in (prod, staging)", True, False),
        ("tier notin (prod)", False, True),
        ("gpu notin (h100)", True, True),
        ("tier in (prod,dev),!gpu", False, True),
        ("node-role.kubernetes.io/runai-gpu-worker", True, False),
        ("slots>4", True, False),
        ("slots<4", False, True),
        (" gpu = a100 , tier in ( prod ) ", True, False),
    ],
)
def test_label_selectors_select_as_kubectl_means(selector: str, gpu: bool, cpu: bool) -> None:
    selects = predicate(parse_label_selector(selector))
    assert (selects(GPU), selects(CPU)) == (gpu, cpu)


@pytest.mark.parametrize(
    "selector",
    [
        "tier in (prod",
        "tier in prod)",
        "tier in ()",
        "tier in ((a))",
        "a,,b",
        "bad key=1",
        "-leading=1",
        "x=" + "v" * 64,
        "slots>many",
        "a" * (MAX_SELECTOR_CHARS + 1),
        "tier in (" + ",".join(f"v{i}" for i in range(300)) + ")",
    ],
)
def test_malformed_label_selectors_are_refused_with_a_reason(selector: str) -> None:
    with pytest.raises(SelectorError):
        parse_label_selector(selector)


def test_field_selectors_know_their_fields_and_allow_empty_values() -> None:
    supported = frozenset({"spec.nodeName", "status.phase", "involvedObject.namespace"})
    selects = predicate(parse_field_selector("spec.nodeName=n1,status.phase!=Failed", supported))
    assert selects({"spec.nodeName": "n1", "status.phase": "Running"})
    assert not selects({"spec.nodeName": "n1", "status.phase": "Failed"})
    empty = predicate(parse_field_selector("involvedObject.namespace=", supported))
    assert empty({"involvedObject.namespace": ""}) and not empty({"involvedObject.namespace": "x"})
    with pytest.raises(SelectorError, match='field label not supported: "metadata.uid"'):
        parse_field_selector("metadata.uid=1", supported)
    with pytest.raises(SelectorError):
        parse_field_selector("spec.nodeName", supported)
