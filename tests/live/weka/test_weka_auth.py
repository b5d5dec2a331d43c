"""Login, token expiry and renewal: 401 -> refresh once -> retry once; a refused refresh -> a full login."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from weka_support import PASSWORD, USERS, FakeClock, make_client

from console.backends.live.session import tls_verify
from console.backends.live.weka import WekaClient, weka_api_url
from console.config import Profile
from console.data.errors import Unauthorized
from console.sim.http.base import Fault, FaultKind, SimHttpServer
from console.sim.http.weka import ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_SECONDS

GROUPS = ("GET", "/api/v2/fileSystemGroups")
LOGIN = ("POST", "/api/v2/login")
REFRESH = ("POST", "/api/v2/login/refresh")


async def test_first_call_logs_in(server: SimHttpServer, client: WekaClient) -> None:
    assert await client.filesystem_groups()
    assert server.requests_seen == [LOGIN, GROUPS]


async def test_expired_token_gets_401_then_one_refresh_then_one_retry(
    server: SimHttpServer, client: WekaClient, face_clock: FakeClock
) -> None:
    first = await client.filesystem_groups()
    face_clock.advance(ACCESS_TOKEN_SECONDS + 1)
    server.requests_seen.clear()
    assert await client.filesystem_groups() == first
    assert server.requests_seen == [GROUPS, REFRESH, GROUPS]
    server.requests_seen.clear()
    await client.filesystem_groups()  # the refreshed token is kept
    assert server.requests_seen == [GROUPS]


async def test_expired_refresh_token_falls_back_to_a_full_login(
    server: SimHttpServer, client: WekaClient, face_clock: FakeClock
) -> None:
    await client.filesystem_groups()
    face_clock.advance(REFRESH_TOKEN_SECONDS + 1)
    server.requests_seen.clear()
    assert await client.filesystem_groups()
    assert server.requests_seen == [GROUPS, REFRESH, LOGIN, GROUPS]


async def test_a_401_that_persists_is_unauthorized_after_exactly_one_retry(
    server: SimHttpServer, client: WekaClient
) -> None:
    await client.filesystem_groups()
    server.faults.add(Fault(FaultKind.STATUS, r"/fileSystemGroups$", status=401, message="token revoked"))
    server.requests_seen.clear()
    with pytest.raises(Unauthorized) as error:
        await client.filesystem_groups()
    assert server.requests_seen == [GROUPS, REFRESH, GROUPS]
    assert error.value.status == 401
    assert "token revoked" in error.value.message  # WEKA's 401 body is {"data": "<text>"}


async def test_the_token_is_renewed_shortly_before_it_expires(server: SimHttpServer) -> None:
    monotonic = FakeClock()
    client = make_client(server, monotonic=monotonic)
    try:
        await client.filesystem_groups()
        monotonic.advance(ACCESS_TOKEN_SECONDS - 10)  # inside the renewal margin, not yet expired
        server.requests_seen.clear()
        await client.filesystem_groups()
        assert server.requests_seen == [REFRESH, GROUPS]
    finally:
        await client.aclose()


async def test_concurrent_401s_share_one_refresh(
    server: SimHttpServer, client: WekaClient, face_clock: FakeClock
) -> None:
    await client.filesystem_groups()
    face_clock.advance(ACCESS_TOKEN_SECONDS + 1)
    server.requests_seen.clear()
    results = await asyncio.gather(*(client.filesystem_groups() for _ in range(6)))
    assert all(results)
    assert server.requests_seen.count(REFRESH) == 1
    assert server.requests_seen.count(LOGIN) == 0


@pytest.mark.parametrize(
    ("username", "password", "org"),
    [
        ("admin", "wrong-password", None),
        ("nobody", PASSWORD, None),
        ("admin", PASSWORD, "SomeOtherOrg"),
    ],
    ids=["password", "user", "org"],
)
async def test_rejected_login_is_unauthorized_and_names_the_user(
    server: SimHttpServer, username: str, password: str, org: str | None
) -> None:
    client = make_client(server, username, password, org=org)
    try:
        with pytest.raises(Unauthorized) as error:
            await client.filesystems()
        assert username in error.value.message
        assert password not in str(error.value)
        assert error.value.service == "weka"
    finally:
        await client.aclose()


async def test_org_names_match_case_insensitively(server: SimHttpServer) -> None:
    client = make_client(server, "admin", PASSWORD, org="root")
    try:
        assert await client.filesystem_groups()
    finally:
        await client.aclose()


async def test_login_answered_as_a_one_element_list_is_accepted(server: SimHttpServer) -> None:
    """The docs print login `data` as a list (§2.1); the face answers an object, the client reads both."""
    import console.sim.http.weka.auth as face

    original = face._tokens_body  # noqa: SLF001 - the one place the face decides the shape
    face._tokens_body = lambda tokens: [tokens]  # noqa: SLF001
    client = make_client(server)
    try:
        assert await client.filesystem_groups()
    finally:
        face._tokens_body = original  # noqa: SLF001
        await client.aclose()


async def test_the_password_is_read_when_logging_in_and_a_missing_one_is_unauthorized(
    server: SimHttpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = Profile(
        name="lab",
        runai_url="https://runai.example.com",
        runai_client_id="rwc",
        runai_client_secret_env="RWC_TEST_RUNAI_SECRET",
        weka_url=server.url,
        weka_username="admin",
        weka_password_env="RWC_TEST_WEKA_PASSWORD",
    )
    monkeypatch.delenv("RWC_TEST_WEKA_PASSWORD", raising=False)
    client = WekaClient.from_profile(profile, trust_env=False, timeout=5.0)
    try:
        with pytest.raises(Unauthorized) as error:
            await client.filesystem_groups()
        assert "RWC_TEST_WEKA_PASSWORD" in error.value.message
        monkeypatch.setenv("RWC_TEST_WEKA_PASSWORD", PASSWORD)
        assert await client.filesystem_groups()
    finally:
        await client.aclose()


def test_urls_default_to_port_14000_and_api_v2() -> None:
    assert weka_api_url("https://weka01.example.com") == "https://weka01.example.com:14000/api/v2"
    assert weka_api_url("https://weka01.example.com:14000") == "https://weka01.example.com:14000/api/v2"
    assert weka_api_url("weka01.example.com") == "https://weka01.example.com:14000/api/v2"
    assert weka_api_url("http://127.0.0.1:5123/api/v2/") == "http://127.0.0.1:5123/api/v2"
    assert weka_api_url("https://gw.example.com:8443/weka") == "https://gw.example.com:8443/weka/api/v2"
    with pytest.raises(ValueError):
        weka_api_url("https://")


def test_tls_follows_the_profile(tmp_path: Path) -> None:
    import ssl

    assert tls_verify(None, insecure=False) is True
    assert tls_verify(None, insecure=True) is False
    bundle = tmp_path / "ca.pem"
    bundle.write_text(_a_ca_certificate())
    assert isinstance(tls_verify(bundle, insecure=False), ssl.SSLContext)


def _a_ca_certificate() -> str:
    """Any valid PEM certificate will do for loading a context: take one from the system store."""
    import ssl

    context = ssl.create_default_context()
    certificates = context.get_ca_certs(binary_form=True)
    if not certificates:
        pytest.skip("no system CA certificates to build a bundle from")
    return ssl.DER_cert_to_PEM_cert(certificates[0])


def test_users_never_show_their_password() -> None:
    assert PASSWORD not in repr(USERS["admin"])
