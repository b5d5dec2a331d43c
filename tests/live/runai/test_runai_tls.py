"""TLS and profiles: verification on by default, a profile's CA bundle trusted, `insecure` only when asked.

The face is served over HTTPS with a throwaway CA made by the `openssl` command (skipped without it).
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from runai_harness import ADMIN, CREDENTIALS, SECRETS, Served, new_simulator

from console.backends.live.runai import RunaiClient
from console.backends.live.session import tls_verify
from console.config import ConfigError, Profile
from console.data.errors import Unauthorized, Unavailable
from console.sim.http.base import SimulatorHost
from console.sim.http.runai import serve_runai

pytestmark = pytest.mark.skipif(
    shutil.which("openssl") is None, reason="needs the openssl command for a test CA"
)


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pki")
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=rwc test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=root,
    )  # fmt: skip
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=127.0.0.1", cwd=root,
    )  # fmt: skip
    (root / "san.ext").write_text("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    _openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "san.ext", cwd=root,
    )  # fmt: skip
    return root


@pytest.fixture(scope="module")
def https_served(pki: Path) -> Iterator[Served]:
    running = _tls(pki)
    try:
        yield running
    finally:
        running.server.stop()


def _tls(pki: Path) -> Served:
    """The face over HTTPS: the listening socket is wrapped before anything connects."""
    simulator = new_simulator()
    host = SimulatorHost(simulator, clock_speed=0)
    server = serve_runai(host, CREDENTIALS)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki / "server.pem", pki / "server.key")
    inner = server._server  # the stdlib server: TLS is a test concern, so no TLS option in SimHttpServer
    inner.socket = context.wrap_socket(inner.socket, server_side=True)
    server.start()
    return Served(simulator, host, server)


def _https(served: Served) -> str:
    return served.url.replace("http://", "https://")


def _profile(url: str, **values: object) -> Profile:
    return Profile(
        name="tls-test",
        runai_url=url,
        runai_client_id=ADMIN.client_id,
        runai_client_secret_env="RWC_TEST_RUNAI_SECRET",
        **values,  # type: ignore[arg-type]
    )


ENV = {"RWC_TEST_RUNAI_SECRET": ADMIN.client_secret}


async def test_verification_is_on_by_default(https_served: Served) -> None:
    async with RunaiClient.from_profile(_profile(_https(https_served)), environ=ENV) as client:
        with pytest.raises(Unavailable, match="TLS certificate is not trusted"):
            await client.cluster()


async def test_the_profile_ca_bundle_is_trusted(https_served: Served, pki: Path) -> None:
    profile = _profile(_https(https_served), ca_bundle=pki / "ca.pem")
    async with RunaiClient.from_profile(profile, environ=ENV) as client:
        assert (await client.cluster()).uuid == https_served.simulator.runai.cluster.uuid


async def test_insecure_only_when_asked(https_served: Served) -> None:
    async with RunaiClient.from_profile(_profile(_https(https_served), insecure=True), environ=ENV) as client:
        assert (await client.cluster()).name
    async with RunaiClient.from_profile(_profile(_https(https_served)), environ=ENV, insecure=True) as client:
        assert (await client.cluster()).name


def test_tls_verify_settings(pki: Path, tmp_path: Path) -> None:
    assert tls_verify(None, False) is True
    assert tls_verify(str(pki / "ca.pem"), True) is False
    assert isinstance(tls_verify(str(pki / "ca.pem"), False), ssl.SSLContext)
    with pytest.raises(ConfigError, match="ca_bundle: cannot read"):
        tls_verify(str(tmp_path / "missing.pem"), False)


async def test_secret_is_read_from_the_profile_when_needed(served: Served) -> None:
    environ = dict(ENV)
    async with RunaiClient.from_profile(_profile(served.url), environ=environ) as client:
        assert SECRETS[0] not in repr(vars(client))
        await client.cluster()
        environ.clear()  # the secret is gone: the next token cannot be had, and the error says why
        served.face.expire_tokens()
        with pytest.raises(Unauthorized, match="RWC_TEST_RUNAI_SECRET") as caught:
            await client.cluster()
        assert SECRETS[0] not in str(caught.value)
