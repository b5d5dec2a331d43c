"""`rwc sim serve` serves Kubernetes over TLS with a CA made at start (so Go clients send their token), and
over plain HTTP only when asked; rwc's own live client works either way, from the kubeconfig alone."""

from __future__ import annotations

import base64
import json
import ssl
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from console.backends.live.kube import KubeClient
from console.cli import build_sim_parser
from console.sim.http.kubeconfig import DEFAULT_CONTEXT, RESEARCHER_CONTEXT
from console.sim.http.serve import build_served


@pytest.mark.parametrize("tls", [True, False])
async def test_rwcs_client_lists_the_same_nodes_over_tls_and_plain_http(tmp_path: Path, tls: bool) -> None:
    with build_served("demo", 7, clock_speed=0, workdir=tmp_path, kube_tls=tls) as served:
        assert served.kube.url.startswith("https://" if tls else "http://")
        config = json.loads(served.kubeconfig_path.read_text())
        cluster = config["clusters"][0]["cluster"]
        assert ("certificate-authority-data" in cluster) is tls
        assert {c["name"] for c in config["contexts"]} == {DEFAULT_CONTEXT, RESEARCHER_CONTEXT}
        client = KubeClient(served.kubeconfig_path, DEFAULT_CONTEXT, request_timeout=(5.0, 10.0))
        try:
            names = {node.name for node in await client.nodes()}
        finally:
            await client.aclose()
        with served.locked() as sim:
            assert names == set(sim.runai.state.nodes)


def test_the_certificate_is_for_127_0_0_1_and_signed_by_the_kubeconfigs_ca(tmp_path: Path) -> None:
    with build_served("demo", 7, clock_speed=0, workdir=tmp_path) as served:
        cluster = json.loads(served.kubeconfig_path.read_text())["clusters"][0]["cluster"]
        trusting = ssl.create_default_context(
            cadata=base64.b64decode(cluster["certificate-authority-data"]).decode("ascii")
        )
        with urllib.request.urlopen(f"{served.kube.url}/version", context=trusting, timeout=10) as answer:
            assert json.load(answer)["major"] == "1"
        with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
            urllib.request.urlopen(
                f"{served.kube.url}/version", context=ssl.create_default_context(), timeout=10
            )


def test_plain_http_is_an_explicit_option_of_sim_serve() -> None:
    assert build_sim_parser().parse_args(["serve"]).kube_plain_http is False
    assert build_sim_parser().parse_args(["serve", "--kube-plain-http"]).kube_plain_http is True
