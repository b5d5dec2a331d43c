"""A throwaway certificate authority and server certificate for the simulator's Kubernetes face.

Why: client-go (kubectl, and every Go client) refuses to send a bearer token to a plain `http://` server, so
a Kubernetes face without TLS can only be reached by rwc's own client. Each `rwc sim serve` run makes a fresh
CA and a certificate for 127.0.0.1 and localhost (`trustme`, made for exactly this), serves TLS with it, and
writes the CA into the kubeconfig (`certificate-authority-data`), so clients verify the server as they would a
real one. Nothing is written to disk but the kubeconfig; the keys live in memory for the run.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass

import trustme

SERVER_NAMES = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class ServerTls:
    """The server side (an SSL context holding the certificate and key) and the CA clients should trust."""

    context: ssl.SSLContext
    ca_pem: bytes


def make_server_tls(names: tuple[str, ...] = SERVER_NAMES) -> ServerTls:
    """A new CA, a server certificate for `names` signed by it, and a TLS 1.2+ server context.

    ALPN offers only HTTP/1.1: the server speaks nothing else, and Go clients would otherwise try HTTP/2.
    """
    authority = trustme.CA()
    certificate = authority.issue_cert(*names)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    certificate.configure_cert(context)
    context.set_alpn_protocols(["http/1.1"])
    return ServerTls(context=context, ca_pem=authority.cert_pem.bytes())
