"""The playground's web server: the Python standard library only.

A :class:`http.server.ThreadingHTTPServer` serves the page's three files (a fixed list read
from the package; no path from the request ever reaches the file system), JSON POSTs for the
controls and a Server-Sent Events stream of frames per session.

Routes
------
``GET /``, ``/playground.js``, ``/style.css``
    The page.
``POST /api/session``
    A new session; returns ``{"sid", "settings"}``.
``POST /api/settings``  ``{"sid", "settings": {...}}``
    Apply control values; a refusal is ``400 {"error": message}`` and changes nothing.
``POST /api/control``  ``{"sid", "action": "play"|"pause"|"step"|"reset"|"regenerate"}``
``POST /api/math``  ``{"sid", "point": index or null}``
``POST /api/upload?sid=...&name=...``  (the file's bytes, ``application/octet-stream``)
``GET /api/events?sid=...``
    ``event: structure`` (settings, points, loss history) when the run changes, then
    ``event: frame`` (heatmaps, weights, losses, math, diagnostics).
``GET /api/state?sid=...``
    The latest frame and structure as one JSON object (for scripts and tests).
``GET /api/export/model?sid=...``, ``GET /api/export/code?sid=...``
    The ``.glassnet`` file and the Python script.

Safety: bound to 127.0.0.1 unless told otherwise; the ``Host`` header must name the server
(against DNS rebinding) on loopback; POST bodies must carry a ``Content-Length`` within
``MAX_JSON_BYTES`` (JSON, ``application/json``) or ``MAX_UPLOAD_BYTES`` (uploads,
``application/octet-stream``), which also keeps other web sites' forms out; at most
``MAX_SESSIONS`` sessions (the least recently used is closed).
"""

from __future__ import annotations

import ipaddress
import json
import secrets
import threading
import time
from collections import OrderedDict
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qs, urlsplit

from glassnet.playground.session import Session
from glassnet.playground.settings import SettingsError
from glassnet.playground.upload import MAX_BYTES as MAX_UPLOAD_BYTES
from glassnet.playground.upload import UploadError

MAX_JSON_BYTES = 64 * 1024
MAX_SESSIONS = 8
KEEPALIVE_S = 10.0
STATIC = {"/": ("index.html", "text/html; charset=utf-8"),
          "/index.html": ("index.html", "text/html; charset=utf-8"),
          "/playground.js": ("playground.js", "text/javascript; charset=utf-8"),
          "/style.css": ("style.css", "text/css; charset=utf-8")}
_CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
        "script-src 'self'; connect-src 'self'")


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Refused(Exception):
    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


class PlaygroundServer(ThreadingHTTPServer):
    """The playground's HTTP server and its sessions.

    Parameters
    ----------
    host : str
        Address to bind; default loopback only.
    port : int
        0 picks a free port (see :attr:`port`).
    max_fps : float
        Most frames per second each session renders.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str = "127.0.0.1", port: int = 8765, max_fps: float = 30.0) -> None:
        super().__init__((host, port), _Handler)
        self.max_fps = max_fps
        self.sessions: OrderedDict[str, Session] = OrderedDict()
        self._sessions_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.stopping = threading.Event()
        folder = resources.files("glassnet.playground") / "static"
        self.files = {name: (folder / name).read_bytes() for name, _ in set(STATIC.values())}

    @property
    def host(self) -> str:
        return self.server_address[0]

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port}/"

    # ------------------------------------------------------------------ sessions
    def new_session(self) -> tuple[str, Session]:
        sid = secrets.token_hex(12)
        session = Session(max_fps=self.max_fps)
        with self._sessions_lock:
            self.sessions[sid] = session
            while len(self.sessions) > MAX_SESSIONS:
                _, old = self.sessions.popitem(last=False)
                old.close(timeout=0.5)
        return sid, session

    def session(self, sid) -> Session:
        with self._sessions_lock:
            session = self.sessions.get(sid) if isinstance(sid, str) else None
            if session is None:
                raise _Refused(HTTPStatus.NOT_FOUND,
                               "unknown or expired session; reload the page")
            self.sessions.move_to_end(sid)
        session.touch_seen()
        return session

    # ------------------------------------------------------------------ running
    def start(self) -> threading.Thread:
        """Serve in a background thread (for tests and notebooks); :meth:`stop` ends it."""
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1},
                                        daemon=True, name="glassnet-playground-server")
        self._thread.start()
        return self._thread

    def close_sessions(self) -> None:
        self.stopping.set()
        with self._sessions_lock:
            sessions = list(self.sessions.values())
            self.sessions.clear()
        for session in sessions:
            session.close()

    def stop(self) -> None:
        """Stop serving, close every session (their threads end) and the socket."""
        self.stopping.set()
        if self._thread is not None:
            self.shutdown()
            self._thread.join(5)
            self._thread = None
        self.close_sessions()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: PlaygroundServer
    server_version = "glassnet-playground"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):           # quiet: the terminal shows the URL only
        pass

    # ------------------------------------------------------------------ replies
    def _send(self, status: int, body: bytes, ctype: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", _CSP)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj) -> None:
        self._send(status, json.dumps(obj).encode(), "application/json")

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": message})

    def _check_host(self) -> None:
        if not is_loopback(self.server.host):
            return
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]")
        if host and not is_loopback(host):
            raise _Refused(HTTPStatus.FORBIDDEN, f"host {host!r} is not this playground")

    def _body(self, limit: int, ctype: str) -> bytes:
        got = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if got != ctype:
            raise _Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                           f"the request must be {ctype}, got {got or 'no content type'}")
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise _Refused(HTTPStatus.LENGTH_REQUIRED, "the request needs a Content-Length")
        n = int(length)
        if n > limit:
            self.close_connection = True
            if n <= 4 * limit:          # read it away so that the client gets the answer
                left = n
                while left > 0:
                    chunk = self.rfile.read(min(left, 1 << 16))
                    if not chunk:
                        break
                    left -= len(chunk)
            raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                           f"the request is {n / 2**20:.1f} MB; at most "
                           f"{limit / 2**20:.2g} MB is accepted"
                           if limit >= 2**20 else
                           f"the request is {n} bytes; at most {limit} are accepted")
        return self.rfile.read(n)

    def _json_body(self) -> dict:
        raw = self._body(MAX_JSON_BYTES, "application/json")
        try:
            obj = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _Refused(HTTPStatus.BAD_REQUEST, f"the request is not valid JSON: {exc}") \
                from None
        if not isinstance(obj, dict):
            raise _Refused(HTTPStatus.BAD_REQUEST, "the request must be a JSON object")
        return obj

    def _handle(self, method) -> None:
        try:
            self._check_host()
            method()
        except _Refused as exc:
            self._error(exc.status, str(exc))
        except (SettingsError, UploadError) as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    # ------------------------------------------------------------------ GET
    def do_GET(self) -> None:
        self._handle(self._get)

    def do_POST(self) -> None:
        self._handle(self._post)

    def _get(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path in STATIC:
            name, ctype = STATIC[url.path]
            self._send(HTTPStatus.OK, self.server.files[name], ctype)
        elif url.path == "/favicon.ico":
            self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
        elif url.path == "/api/events":
            self._events(self.server.session(query.get("sid")))
        elif url.path == "/api/state":
            session = self.server.session(query.get("sid"))
            _, frame = session.frame_json()
            body = f'{{"frame": {frame}, "structure": {session.structure_json()}}}'
            self._send(HTTPStatus.OK, body.encode(), "application/json")
        elif url.path == "/api/export/model":
            data = self.server.session(query.get("sid")).export_model()
            self._send(HTTPStatus.OK, data, "application/octet-stream",
                       {"Content-Disposition": 'attachment; filename="playground.glassnet"'})
        elif url.path == "/api/export/code":
            code = self.server.session(query.get("sid")).export_code()
            self._send(HTTPStatus.OK, code.encode(), "text/x-python; charset=utf-8",
                       {"Content-Disposition": 'attachment; filename="playground_run.py"'})
        else:
            self._error(HTTPStatus.NOT_FOUND, f"no such page: {url.path}")

    def _events(self, session: Session) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        sent_structure = None
        last, frame = session.frame_json()
        quiet_since = time.monotonic()
        while not self.server.stopping.is_set() and not session.closed:
            if frame is not None:
                structure_id = session.structure_id
                if structure_id != sent_structure:
                    sent_structure = structure_id
                    self._event("structure", session.structure_json())
                self._event("frame", frame)
                session.touch_seen()
                quiet_since = time.monotonic()
            got = session.wait_frame(last, timeout=1.0)
            if got is None:
                frame = None
                if time.monotonic() - quiet_since > KEEPALIVE_S:
                    self.wfile.write(b": keepalive\n\n")
                    self.wfile.flush()
                    quiet_since = time.monotonic()
            else:
                last, frame = got

    def _event(self, name: str, data: str) -> None:
        self.wfile.write(f"event: {name}\ndata: {data}\n\n".encode())
        self.wfile.flush()

    # ------------------------------------------------------------------ POST
    def _post(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/api/upload":
            session = self.server.session(query.get("sid"))
            data = self._body(MAX_UPLOAD_BYTES, "application/octet-stream")
            parsed = session.load_upload(data, str(query.get("name", "upload.csv"))[:100])
            self._json(HTTPStatus.OK, {"ok": True, "task": parsed.task, "rows": len(parsed.X),
                                       "n_classes": parsed.n_classes,
                                       "settings": session.settings.to_dict()})
            return
        body = self._json_body()
        if url.path == "/api/session":
            sid, session = self.server.new_session()
            if body.get("settings"):
                try:
                    session.apply(body["settings"])
                except SettingsError as exc:
                    self._json(HTTPStatus.OK, {"sid": sid, "error": str(exc),
                                               "settings": session.settings.to_dict()})
                    return
            self._json(HTTPStatus.OK, {"sid": sid, "settings": session.settings.to_dict()})
            return
        session = self.server.session(body.get("sid"))
        if url.path == "/api/settings":
            settings = session.apply(body.get("settings", {}))
            self._json(HTTPStatus.OK, {"ok": True, "settings": settings.to_dict()})
        elif url.path == "/api/control":
            action = body.get("action")
            actions = {"play": session.play, "pause": session.pause, "step": session.step,
                       "reset": session.reset, "regenerate": session.regenerate}
            if action not in actions:
                raise _Refused(HTTPStatus.BAD_REQUEST, f"action must be one of "
                               f"{', '.join(actions)}; got {action!r}")
            actions[action]()
            self._json(HTTPStatus.OK, {"ok": True, "settings": session.settings.to_dict()})
        elif url.path == "/api/math":
            session.set_math_point(body.get("point"))
            self._json(HTTPStatus.OK, {"ok": True})
        else:
            raise _Refused(HTTPStatus.NOT_FOUND, f"no such action: {url.path}")
