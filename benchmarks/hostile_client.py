"""One hostile client for benchmarks/classroom.py --hostile: many tabs asking for the largest run
the settings allow, and a flood of uploads, against the deployment's own proxy.

The client is a script, not a browser: it speaks Streamlit's protocol (benchmarks/
streamlit_client.py), sets the widgets a browser would only reach by hand (batch size 64, max
length 256, 500 steps), and PUTs files to /_stcore/upload_file/<its session>/ with the XSRF
cookie it fetched like a browser (the XSRF check stops other sites, not a script).
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.streamlit_client import AppSession, element_text  # noqa: E402
from tests.browser.conftest import free_port, wait_healthy  # noqa: E402

MAX_RUN = {"steps": 500, "batch_size": 64, "max_length": 256}  # the bundled model's context: 256
UPLOAD_BYTES = 5_000_000  # server.maxUploadSize is 5 MB


def start_proxy(backend_url: str) -> tuple[subprocess.Popen, str]:
    """deploy/haproxy.cfg in front of one server (only its addresses rewritten)."""
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        raise SystemExit("--hostile needs the haproxy command (apt-get install haproxy)")
    backend, port = urlsplit(backend_url).netloc, free_port()
    config = (ROOT / "deploy" / "haproxy.cfg").read_text()
    config = config.replace("replica1:8501", backend).replace("replica2:8501", backend)
    config = config.replace("bind :8080", f"bind 127.0.0.1:{port}")
    path = Path(tempfile.mkdtemp(prefix="haproxy-")) / "haproxy.cfg"
    path.write_text(config)
    proc = subprocess.Popen([haproxy, "-f", str(path)])
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, proc, timeout=30, server="haproxy")
    return proc, url


def _connection(url: str) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)


def xsrf_cookie(url: str) -> str:
    """The `_streamlit_xsrf` cookie the health check sets, as the app's frontend receives it."""
    conn = _connection(url)
    conn.request("GET", "/_stcore/health")
    response = conn.getresponse()
    response.read()
    conn.close()
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith("_streamlit_xsrf="):
            return value.split(";", 1)[0].split("=", 1)[1]
    raise RuntimeError("the health check set no _streamlit_xsrf cookie")


def upload(url: str, session_id: str, cookie: str, size: int = UPLOAD_BYTES) -> int:
    """PUT one file of `size` bytes into the session's uploads; the HTTP status."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"x.jsonl\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
    body += b"x" * size + f"\r\n--{boundary}--\r\n".encode()
    conn = _connection(url)
    try:
        # Refused on its headers, the proxy answers and closes while the body is still sent.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.request("PUT", f"/_stcore/upload_file/{session_id}/{uuid.uuid4().hex}", body=body,
                          headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                   "X-Xsrftoken": cookie, "Cookie": f"_streamlit_xsrf={cookie}"})
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        conn.close()


def widget_id(tab: AppSession, kind: str, key: str) -> str:
    for element in tab.find(kind):
        widget = getattr(element, kind)
        if widget.id.endswith(key):
            return widget.id
    raise LookupError(f"no {kind} with key {key!r} on the page")


async def attack(url: str, tabs: int, method: str, task: str, uploads_per_tab: int,
                 timeout: float) -> tuple[list[AppSession], dict]:
    """Open `tabs` tabs, each pressing Train on the largest run, while each tab also PUTs
    `uploads_per_tab` files of 5 MB. Returns the open tabs (they keep polling like a browser)
    and what the server answered."""
    sessions = [AppSession(url) for _ in range(tabs)]
    await asyncio.gather(*(s.connect() for s in sessions))
    query = f"method={method}&task={task}&steps={MAX_RUN['steps']}&seed=0"
    await asyncio.gather(*(s.open("train", query, timeout) for s in sessions))
    for tab in sessions:
        for name in ("batch_size", "max_length"):
            tab.set_widget(widget_id(tab, "number_input", f"train.{name}"), int_value=MAX_RUN[name])
    cookie = await asyncio.to_thread(xsrf_cookie, url)

    async def flood(tab: AppSession) -> list[int]:
        return [await asyncio.to_thread(upload, url, tab.session_id, cookie)
                for _ in range(uploads_per_tab)]

    await asyncio.gather(*(tab.click(widget_id(tab, "button", "train.start")) for tab in sessions))
    floods = asyncio.gather(*(flood(tab) for tab in sessions))
    await asyncio.sleep(3)  # the runs were accepted or refused by now
    said = Counter()
    for tab in sessions:
        texts = [element_text(e) for e in tab.find("alert")] + [
            element_text(e) for e in tab.find("progress")]
        said["refused: queue for large runs full" if any("queue for large runs" in t for t in texts)
             else "accepted (running or waiting)" if any(t.startswith(("Running", "Waiting"))
                                                         for t in texts)
             else "other: " + (texts[0][:60] if texts else "nothing shown")] += 1
    statuses = Counter(status for tab_statuses in await floods for status in tab_statuses)
    return sessions, {"tabs": tabs, "run": MAX_RUN, "answers": dict(said),
                      "uploads": {str(k): v for k, v in sorted(statuses.items())},
                      "upload_bytes_each": UPLOAD_BYTES}
