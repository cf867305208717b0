"""Frames per second of the glassnet playground (issue 15 asks for at least 20).

A frame is what the page draws: ``speed`` epochs of training, then the output heatmap and
every neuron's heatmap on the 100×100 grid, the weights, both losses and the math panel's
numbers, encoded as JSON. The workload is the issue's: a 2-8-8-2 network (two inputs, two
tanh layers of 8, a 2-class softmax head) trained on 500 points (k-class spirals, k = 2,
1000 points with a 50 % training split), batch 10, one epoch per frame.

Two measurements:

``session``
    ``Session.advance()`` in a loop, unthrottled: the frames the training thread can make.
``server``
    A real :class:`PlaygroundServer` on loopback with the frame cap lifted, a client reading
    its Server-Sent Events stream: the frames a page receives (training keeps going while the
    frames travel).

Usage::

    python benchmarks/bench_playground.py              # ~15 s
    python benchmarks/bench_playground.py --seconds 2  # quick
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import time

from glassnet.playground.server import PlaygroundServer
from glassnet.playground.session import Session

WORKLOAD = {"dataset": "spirals", "classes": 2, "n_points": 1000, "train_ratio": 50,
            "hidden": [8, 8], "features": ["x1", "x2"], "batch_size": 10, "speed": 1,
            "learning_rate": 0.03}


def bench_session(seconds: float) -> dict:
    session = Session(start=False, max_fps=None)
    session.apply(WORKLOAD)
    assert len(session.F_train) == 500 and session.model.layers[-1].units == 2
    session.play()
    for _ in range(10):                                # warm-up (numba, caches)
        session.advance()
    times, sizes = [], []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t = time.perf_counter()
        sizes.append(len(session.advance()))
        times.append(time.perf_counter() - t)
    session.close()
    return {"frames": len(times), "fps": len(times) / sum(times),
            "median_ms": 1e3 * statistics.median(times), "frame_kb": statistics.mean(sizes) / 1e3}


def _post(conn, path, body):
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    res = conn.getresponse()
    return json.loads(res.read())


def bench_server(seconds: float) -> dict:
    server = PlaygroundServer(port=0, max_fps=1000.0)
    server.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        sid = _post(conn, "/api/session", {"settings": WORKLOAD})["sid"]
        _post(conn, "/api/control", {"sid": sid, "action": "play"})
        stream = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        stream.request("GET", f"/api/events?sid={sid}")
        res = stream.getresponse()
        frames, start, epoch0 = 0, None, None
        while True:
            line = res.fp.readline()
            if not line:
                break
            if line.startswith(b"event: frame"):
                data = json.loads(res.fp.readline()[len(b"data: "):])
                if start is None and data["epoch"] >= 10:
                    start, epoch0 = time.perf_counter(), data["epoch"]
                elif start is not None:
                    frames += 1
                    if time.perf_counter() - start >= seconds:
                        epochs = data["epoch"] - epoch0
                        break
        elapsed = time.perf_counter() - start
        stream.close()
        _post(conn, "/api/control", {"sid": sid, "action": "pause"})
        conn.close()
    finally:
        server.stop()
    return {"frames": frames, "fps": frames / elapsed, "epochs_per_s": epochs / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="per measurement")
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args()
    s = bench_session(args.seconds)
    print(f"session: {s['fps']:6.1f} frames/s  (median {s['median_ms']:.1f} ms a frame, "
          f"{s['frame_kb']:.0f} kB of JSON, {s['frames']} frames)")
    v = bench_server(args.seconds)
    print(f"server:  {v['fps']:6.1f} frames/s received over SSE "
          f"({v['epochs_per_s']:.0f} epochs/s trained, {v['frames']} frames)")
    ok = min(s["fps"], v["fps"]) >= 20
    print(f"target >= 20 frames/s on a 2-8-8-2 net with 500 points: {'met' if ok else 'MISSED'}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"session": s, "server": v, "workload": WORKLOAD}, fh, indent=2)


if __name__ == "__main__":
    main()
