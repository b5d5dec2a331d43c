"""The describe view's YAML emitter: block style as kubectl prints it, and strings quoted whenever a plain
scalar would be read back as something else (checked by round-tripping through PyYAML when present)."""

from __future__ import annotations

import json

import pytest

from console.ui.yaml_text import scalar, to_json, to_yaml

TRICKY = {
    "empty": "",
    "yes-word": "yes",
    "number-like": "1.5",
    "date-like": "2026-11-23",
    "colon": "x: y",
    "dash": "-x",
    "hash": "#c",
    "inline-comment": "a #b",
    "multi": "multi\nline",
    "padded": " pad",
    "markup": "[bold]x[/]",
    "tab": "tab\there",
    "trailing-colon": "trailing:",
    "hex": "0x1f",
    "unicode": "é",
    "null": "NULL",
    "1": 2,
    "float": 1.5,
    "bool": True,
    "none": None,
    "nested": {"empty-list": [], "empty-map": {}, "deep": {"list": [1, [2, 3], {"k": [{"z": None}]}]}},
}


def test_a_small_document_reads_like_kubectl() -> None:
    document = {
        "name": "train-1",
        "phase": "Running",
        "gpus": 0.5,
        "images": ["nvcr.io/nvidia/pytorch:24.08-py3"],
        "conditions": [{"type": "Ready", "status": "True"}],
        "requestedPods": {"number": 1, "min": None},
        "labels": {},
    }
    assert to_yaml(document) == (
        "name: train-1\n"
        "phase: Running\n"
        "gpus: 0.5\n"
        "images:\n"
        "- nvcr.io/nvidia/pytorch:24.08-py3\n"
        "conditions:\n"
        "- type: Ready\n"
        '  status: "True"\n'
        "requestedPods:\n"
        "  number: 1\n"
        "  min: null\n"
        "labels: {}\n"
    )


def test_scalars() -> None:
    assert scalar(None) == "null"
    assert scalar(False) == "false"
    assert scalar(3) == "3"
    assert scalar(float("inf")) == ".inf"
    assert scalar("plain-text") == "plain-text"
    assert scalar("true") == '"true"'
    assert scalar("100M") == '"100M"'


def test_tricky_values_round_trip_through_a_real_yaml_reader() -> None:
    yaml = pytest.importorskip("yaml")
    assert yaml.safe_load(to_yaml(TRICKY)) == TRICKY


def test_json_twin() -> None:
    assert json.loads(to_json(TRICKY)) == TRICKY
    assert to_json({"a": 1}) == '{\n  "a": 1\n}\n'
