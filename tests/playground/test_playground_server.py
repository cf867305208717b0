"""The playground's HTTP/JSON API, without a browser; the command line's start and Ctrl-C."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

import glassnet as gn
from glassnet.playground.server import MAX_JSON_BYTES, PlaygroundServer, is_loopback
from glassnet.playground.upload import MAX_BYTES

SRC = os.path.join(os.path.dirname(__file__), "..", "..", "src")


def test_the_page_and_its_files_are_served(client):
    for path, kind in (("/", b"<!DOCTYPE html>"), ("/playground.js", b'"use strict"'),
                       ("/style.css", b"body")):
        status, body = client.get(path)
        assert status == 200 and kind in body
    status, body = client.get("/")
    for testid in ("play", "pause", "step", "reset", "dataset", "optimizer", "learning-rate",
                   "activation", "add-layer", "remove-layer", "upload", "export-model",
                   "export-code", "epoch", "train-loss", "test-loss", "boundary", "math",
                   "error"):
        assert f'data-testid="{testid}"'.encode() in body, testid
    assert b"http://" not in body and b"https://" not in body       # nothing from the internet


@pytest.mark.parametrize("path", ["/../pyproject.toml", "/static/index.html", "/etc/passwd",
                                  "/playground.py", "/%2e%2e/setup.py"])
def test_no_file_path_from_the_request(client, path):
    status, body = client.get(path)
    assert status == 404 and "no such page" in body["error"]


def test_bad_control_values_are_refused_and_the_settings_kept(client):
    sid = client.new_session()
    status, body = client.post("/api/settings", {"sid": sid, "settings": {"learning_rate": 0.1,
                                                                          "hidden": [3]}})
    assert status == 200 and body["settings"]["learning_rate"] == 0.1
    for bad, match in (({"learning_rate": "abc"}, "learning_rate must be a number, got 'abc'"),
                       ({"hidden": [10_000]}, "must be between 1 and 8, got 10000"),
                       ({"batch_size": -5}, "batch_size must be between 1 and 2000, got -5"),
                       ({"learning_rate": 1, "nope": 2}, "unknown setting(s) 'nope'")):
        status, body = client.post("/api/settings", {"sid": sid, "settings": bad})
        assert status == 400 and match in body["error"], body
    state = client.state(sid)
    assert state["structure"]["settings"]["learning_rate"] == 0.1
    assert state["structure"]["hidden"] == [3]


@pytest.mark.parametrize("body, status, match", [
    ({"sid": "nope", "action": "play"}, 404, "unknown or expired session"),
    ({"action": "play"}, 404, "unknown or expired session"),
])
def test_unknown_sessions_are_refused(client, body, status, match):
    got, reply = client.post("/api/control", body)
    assert got == status and match in reply["error"]


def test_controls_play_pause_step_reset(client):
    sid = client.new_session({"speed": 5})
    assert client.post("/api/control", {"sid": sid, "action": "step"})[0] == 200
    deadline = time.monotonic() + 10
    while client.state(sid)["frame"]["epoch"] < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert client.state(sid)["frame"]["epoch"] == 1
    client.post("/api/control", {"sid": sid, "action": "play"})
    while client.state(sid)["frame"]["epoch"] < 10 and time.monotonic() < deadline:
        time.sleep(0.02)
    client.post("/api/control", {"sid": sid, "action": "pause"})
    client.post("/api/control", {"sid": sid, "action": "reset"})
    status, body = client.post("/api/control", {"sid": sid, "action": "explode"})
    assert status == 400 and "action must be one of play, pause" in body["error"]
    run = client.state(sid)["structure"]["run"]
    while client.state(sid)["frame"]["run"] != run and time.monotonic() < deadline:
        time.sleep(0.02)
    frame = client.state(sid)["frame"]
    assert frame["playing"] is False and frame["epoch"] == 0


def test_requests_are_capped_and_typed(client):
    sid = client.new_session()
    status, body = client.request("/api/settings", raw=b"{" + b" " * MAX_JSON_BYTES + b"}",
                                  ctype="application/json")
    assert status == 413 and "at most 65536 are accepted" in body["error"]
    status, body = client.request("/api/settings", raw=b"{}", ctype="text/plain")
    assert status == 415 and "must be application/json" in body["error"]
    status, body = client.request("/api/settings", raw=b"{not json", ctype="application/json")
    assert status == 400 and "not valid JSON" in body["error"]
    status, body = client.request(f"/api/upload?sid={sid}", raw=b"1,2,0\n" * (MAX_BYTES // 6 + 1))
    assert status == 413 and "at most 5 MB is accepted" in body["error"]
    status, body = client.request(f"/api/upload?sid={sid}", raw=b"1,2,0\n" * 100_002)
    assert status == 400 and "at most 100000 rows" in body["error"]
    status, body = client.request(f"/api/upload?sid={sid}", raw=b"a,b\n1,2\n")
    assert status == 400 and "3 columns" in body["error"]
    assert client.state(sid)["structure"]["settings"]["dataset"] == "circle"


def test_a_foreign_host_header_is_refused(client):
    status, body = client.request("/", headers={"Host": "evil.example:8765"})
    assert status == 403 and "is not this playground" in body["error"]


def test_an_uploaded_three_class_csv_trains_and_exports(client, tmp_path):
    rng = np.random.default_rng(0)
    rows = [f"{rng.normal(3 * c):.4f},{rng.normal(-2 * c):.4f},{c}" for c in range(3)
            for _ in range(40)]
    sid = client.new_session()
    status, body = client.request(f"/api/upload?sid={sid}&name=mine.csv",
                                  raw=("x,y,cls\n" + "\n".join(rows)).encode())
    assert status == 200 and (body["task"], body["n_classes"], body["rows"]) == (
        "multiclass", 3, 120)
    structure = client.state(sid)["structure"]
    assert structure["task"] == "multiclass" and structure["upload"] == "mine.csv"
    client.post("/api/settings", {"sid": sid, "settings": {"learning_rate": 0.1, "speed": 5}})
    first = client.state(sid)["frame"]["train_loss"]
    client.post("/api/control", {"sid": sid, "action": "play"})
    deadline = time.monotonic() + 15
    while client.state(sid)["frame"]["epoch"] < 30 and time.monotonic() < deadline:
        time.sleep(0.05)
    client.post("/api/control", {"sid": sid, "action": "pause"})
    time.sleep(0.1)
    frame = client.state(sid)["frame"]
    assert frame["train_loss"] < 0.7 * first
    status, data = client.get(f"/api/export/model?sid={sid}")
    assert status == 200
    (tmp_path / "m.glassnet").write_bytes(data)
    model = gn.load_model(tmp_path / "m.glassnet")
    assert model.layers[-1].units == 3
    status, code = client.get(f"/api/export/code?sid={sid}")
    assert status == 200 and b"np.loadtxt('mine.csv'" in code and b"gn.Sequential" in code


def test_events_stream_structure_then_frames(server, client):
    sid = client.new_session()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", f"/api/events?sid={sid}")
    res = conn.getresponse()
    assert res.headers["Content-Type"] == "text/event-stream"
    events = []
    client.post("/api/control", {"sid": sid, "action": "play"})
    while len(events) < 4:
        line = res.fp.readline()
        if line.startswith(b"event: "):
            name = line[7:].strip().decode()
            data = json.loads(res.fp.readline()[6:])
            events.append((name, data))
    conn.close()
    client.post("/api/control", {"sid": sid, "action": "pause"})
    assert events[0][0] == "structure" and events[0][1]["features"] == ["x1", "x2"]
    assert events[1][0] == "frame"
    frame = events[-1][1]
    assert [len(u) for u in frame["neurons"]] == [4, 2]
    assert frame["output"]["size"] == 100 and frame["math"]["layers"]


def test_binds_loopback_by_default_and_stops_cleanly():
    srv = PlaygroundServer(port=0)
    assert srv.host == "127.0.0.1" and is_loopback(srv.host)
    serving = srv.start()
    port = srv.port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("POST", "/api/session", "{}", {"Content-Type": "application/json"})
    sid = json.loads(conn.getresponse().read())["sid"]
    conn.request("POST", "/api/control", json.dumps({"sid": sid, "action": "play"}),
                 {"Content-Type": "application/json"})
    conn.getresponse().read()
    trainer = srv.sessions[sid]._thread
    stream = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    stream.request("GET", f"/api/events?sid={sid}")
    events = stream.getresponse()
    assert events.fp.readline().startswith(b"event: ")
    srv.stop()
    assert not serving.is_alive() and not trainer.is_alive() and not srv.sessions
    deadline = time.monotonic() + 5
    while events.fp.readline() and time.monotonic() < deadline:   # the stream ends
        pass
    assert time.monotonic() < deadline
    stream.close()
    conn.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_is_loopback(host):
    assert is_loopback(host)
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")


def _start_cli(*args):
    env = dict(os.environ, PYTHONPATH=os.path.abspath(SRC), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "glassnet", "playground", "--port", "0",
                             "--no-browser", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    line = proc.stdout.readline()
    return proc, line


def test_the_command_serves_and_stops_on_ctrl_c():
    proc, line = _start_cli()
    try:
        assert line.startswith("glassnet playground at http://127.0.0.1:"), line
        url = line.split()[3]
        host, port = url[len("http://"):].rstrip("/").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("POST", "/api/session", "{}", {"Content-Type": "application/json"})
        sid = json.loads(conn.getresponse().read())["sid"]
        conn.request("POST", "/api/control", json.dumps({"sid": sid, "action": "play"}),
                     {"Content-Type": "application/json"})
        assert conn.getresponse().status == 200
        conn.close()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped" in err and "Traceback" not in err


def test_a_host_other_than_loopback_prints_a_warning():
    proc, line = _start_cli("--host", "0.0.0.0")
    try:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "warning: listening on 0.0.0.0, not on loopback" in err
    assert proc.returncode == 0
