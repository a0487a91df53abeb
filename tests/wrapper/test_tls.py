"""TLS certificates are verified unless the caller explicitly says otherwise."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tradovate_liquidate import ConnectionFailedError
from tradovate_liquidate.testing import FakeServer, FakeTradovate

from .conftest import ACCOUNT, CONTRACT, Harness


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to make a throwaway certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    command += ["-keyout", str(key), "-out", str(cert)]
    subprocess.run(command, check=True, capture_output=True)
    return cert, key


@pytest.fixture
def tls_server(fake: FakeTradovate, certificate: tuple[Path, Path]) -> Iterator[FakeServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    with fake.serve(ssl_context=context) as server:
        yield server


def test_an_untrusted_certificate_is_refused_by_default(
    harness: Harness, fake: FakeTradovate, token: str, tls_server: FakeServer
) -> None:
    assert tls_server.base_url.startswith("https://127.0.0.1:")
    with pytest.raises(ConnectionFailedError, match="nothing was sent"):
        harness.liquidate(
            {"token": token, "base_url": tls_server.base_url, "connect_backoff": 0},
            ACCOUNT,
            CONTRACT,
        )
    assert fake.requests == [], "the token never left"


def test_turning_verification_off_takes_an_explicit_argument(
    harness: Harness, fake: FakeTradovate, token: str, tls_server: FakeServer
) -> None:
    result = harness.liquidate(
        {"token": token, "base_url": tls_server.base_url, "verify": False}, ACCOUNT, CONTRACT
    )
    assert result.order_id is not None


def test_a_trusted_certificate_authority_can_be_given(
    harness: Harness,
    fake: FakeTradovate,
    token: str,
    tls_server: FakeServer,
    certificate: tuple[Path, Path],
) -> None:
    trusting = ssl.create_default_context(cafile=str(certificate[0]))
    result = harness.liquidate(
        {"token": token, "base_url": tls_server.base_url, "verify": trusting}, ACCOUNT, CONTRACT
    )
    assert result.order_id is not None


def test_a_missing_ca_file_fails_when_the_client_is_built_naming_it(
    harness: Harness, token: str, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-ca.pem"
    with pytest.raises(ValueError, match=r"verify: cannot load CA certificates from .*no-such-ca"):
        harness.client_class(token, environment="demo", verify=str(missing))


def test_a_ca_file_that_is_not_a_certificate_fails_when_the_client_is_built(
    harness: Harness, token: str, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    with pytest.raises(ValueError, match=r"junk\.pem"):
        harness.client_class(token, environment="demo", verify=str(junk))


def test_a_ca_file_path_is_trusted(
    harness: Harness,
    fake: FakeTradovate,
    token: str,
    tls_server: FakeServer,
    certificate: tuple[Path, Path],
) -> None:
    result = harness.liquidate(
        {"token": token, "base_url": tls_server.base_url, "verify": str(certificate[0])},
        ACCOUNT,
        CONTRACT,
    )
    assert result.order_id is not None
