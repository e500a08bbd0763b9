"""deploy/haproxy.cfg guards the replicas (issue 13), checked against a stub replica.

The repository's own config (only the addresses rewritten) runs in front of a tiny HTTP server
that answers everything: the tests see what a browser or an attacker would get from the proxy.
Needs the `haproxy` command; without it the tests skip, unless ADAPTLAB_REQUIRE_DEPLOY_TESTS=1.
"""

from __future__ import annotations

import contextlib
import http.client
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.browser.conftest import ROOT, free_port, unavailable, wait_healthy

REQUIRED = "ADAPTLAB_REQUIRE_DEPLOY_TESTS"
MB = 1_000_000


class Replica(BaseHTTPRequestHandler):
    """Answers "ok" to everything, after reading the whole body (as Streamlit would)."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        while length > 0:
            length -= len(self.rfile.read(min(length, 1 << 20)))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_PUT = do_DELETE = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def proxy(tmp_path_factory) -> Iterator[tuple[str, int]]:
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        unavailable("no haproxy command (apt-get install haproxy)", REQUIRED)
    replica = ThreadingHTTPServer(("127.0.0.1", 0), Replica)
    threading.Thread(target=replica.serve_forever, daemon=True).start()
    backend = f"127.0.0.1:{replica.server_address[1]}"
    port = free_port()
    config = (ROOT / "deploy" / "haproxy.cfg").read_text()
    config = config.replace("replica1:8501", backend).replace("replica2:8501", backend)
    config = config.replace("bind :8080", f"bind 127.0.0.1:{port}")
    path = tmp_path_factory.mktemp("haproxy") / "haproxy.cfg"
    path.write_text(config)
    proc = subprocess.Popen([haproxy, "-f", str(path)])
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, timeout=30, server="haproxy")
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        replica.shutdown()


def request(proxy, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection(*proxy, timeout=30)
    # Refused on its headers, the proxy answers and closes while the body is still being sent.
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def test_every_answer_forbids_framing_and_outside_content(proxy):
    response = request(proxy, "GET", "/")
    assert response.status == 200
    assert response.getheader("X-Frame-Options") == "DENY"
    policy = response.getheader("Content-Security-Policy")
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert "img-src 'self' data: blob:" in policy  # no image from another site
    assert "'unsafe-eval'" not in policy and "connect-src 'self';" in policy
    assert response.getheader("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize("path", ["/_stcore/metrics", "/_STCORE/METRICS", "//_stcore/metrics",
                                  "/_stcore//metrics", "/_stcore/%6detrics", "/_stcore/metrics?x=1"])
def test_metrics_are_closed_to_outsiders(proxy, path):
    assert request(proxy, "GET", path).status == 403


def test_health_still_answers(proxy):
    assert request(proxy, "GET", "/_stcore/health").status == 200


def upload(proxy, session: str, size: int) -> int:
    return request(proxy, "PUT", f"/_stcore/upload_file/{session}/f{size}", body=bytes(size),
                   headers={"Content-Type": "application/octet-stream"}).status


def test_an_upload_bigger_than_the_app_allows_is_refused_at_the_door(proxy):
    assert upload(proxy, "size-session", 6 * MB) == 413
    assert upload(proxy, "size-session", 1 * MB) == 200


def test_a_flood_of_uploads_from_one_session_is_cut_off(proxy):
    statuses = [upload(proxy, "flood-session", 1000) for _ in range(15)]
    assert statuses[:10] == [200] * 10 and set(statuses[10:]) == {429}
    assert upload(proxy, "another-session", 1000) == 200  # other learners are not affected


def test_one_session_cannot_upload_more_than_its_byte_budget(proxy):
    # 10 x 5 MB = 50 MB > the ~30 MB an hour (10 uploads stay within the 10 per 10 s limit).
    # HAProxy counts a body once it has passed, so one upload may slip past the line.
    statuses = [upload(proxy, "budget-session", 5 * MB) for _ in range(10)]
    assert statuses[:6] == [200] * 6 and statuses[-1] == 429
    assert statuses.count(200) * 5 * MB <= 40 * MB


def test_every_service_in_the_compose_file_has_a_memory_limit():
    import yaml

    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    for name, service in compose["services"].items():
        assert service.get("mem_limit"), f"{name} has no mem_limit"
        assert service.get("memswap_limit", service["mem_limit"]) == service["mem_limit"]
