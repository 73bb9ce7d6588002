"""Run the Node Telegram Bot API emulator (tests/support/telegram_api) for end-to-end tests.

with TelegramEmulator() as emulator:
    bot = telegram.Bot(token, base_url=emulator.base_url, base_file_url=emulator.base_file_url)
    emulator.send_text(token, chat_id=42, text="halo")
    ...
    emulator.wait_for_sent(token, chat_id=42, count=1)
"""

from __future__ import annotations

import base64
import contextlib
import os
import selectors
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self
from urllib.parse import quote

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
EMULATOR_DIR = REPO_ROOT / "tests" / "support" / "telegram_api"
INSTALL_HINT = "run `npm ci --prefix tests/support/telegram_api` from the repository root"
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class TelegramEmulator:
    """One emulator process (its own process group) on a free loopback port."""

    def __init__(self, start_timeout: float = 20.0) -> None:
        self.start_timeout = start_timeout
        self._port: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._http: httpx.Client | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> Self:
        if self._proc is not None:
            raise RuntimeError("the Telegram emulator is already running")
        node = shutil.which("node")
        if node is None:
            raise RuntimeError(
                f"node is not installed: the Telegram emulator needs it; {INSTALL_HINT}"
            )
        for package in ("telegram-test-api", "busboy"):
            if not (EMULATOR_DIR / "node_modules" / package).is_dir():
                raise RuntimeError(
                    f"tests/support/telegram_api/node_modules/{package} is missing: {INSTALL_HINT}"
                )
        error = ""
        for _attempt in range(3):  # another process may take the free port before node binds it
            error = self._spawn(node, _free_port())
            if not error:
                self._http = httpx.Client(base_url=f"http://{HOST}:{self.port}", timeout=10.0)
                return self
        raise RuntimeError(f"the Telegram emulator did not start: {error}")

    def _spawn(self, node: str, port: int) -> str:
        """Start node on `port`; return "" once it is READY, or why it is not."""
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115  (closed by stop())
        self._proc = subprocess.Popen(
            [node, str(EMULATOR_DIR / "emulator.js"), str(port), "--watch-stdin"],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,  # held open: node exits when it closes (we are gone)
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            start_new_session=True,
        )
        assert self._proc.stdout is not None
        output = b""
        deadline = time.monotonic() + self.start_timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self._proc.stdout, selectors.EVENT_READ)
            while b"\n" not in output:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    break
                chunk = os.read(self._proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                output += chunk
        if output.split(b"\n", 1)[0].strip() == f"READY {port}".encode():
            self._port = port
            return ""
        self._stderr.seek(0)
        why = self._stderr.read().decode(errors="replace").strip()
        why = why or output.decode(errors="replace").strip()
        self.stop()
        return why or f"no READY line within {self.start_timeout} s"

    def stop(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None
        proc, self._proc = self._proc, None
        if proc is not None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, sig)
                try:
                    proc.wait(timeout=5)
                    break
                except subprocess.TimeoutExpired:
                    continue
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    stream.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        self._port = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ addresses

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the Telegram emulator is not running")
        return self._port

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{HOST}:{self.port}/file/bot"

    # ------------------------------------------------------------------ test routes

    def _call(self, method: str, token: str, route: str, **kwargs: Any) -> Any:
        if self._http is None:
            raise RuntimeError("the Telegram emulator is not running")
        response = self._http.request(method, f"/_test/{quote(token, safe=':')}/{route}", **kwargs)
        body = response.json()
        if response.status_code != 200 or not body.get("ok"):
            raise RuntimeError(f"emulator {route}: {response.status_code} {body}")
        return body["result"]

    def send_update(self, token: str, update: dict[str, Any]) -> int:
        """Queue any Update for the bot (update_id is assigned); return its update_id."""
        return int(self._call("POST", token, "update", json={"update": update})["update_id"])

    def send_text(
        self,
        token: str,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        first_name: str = "Tester",
    ) -> int:
        """A user's text message (a leading /command gets its bot_command entity)."""
        user_id = chat_id if user_id is None else user_id
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        chat: dict[str, Any] = {"id": chat_id, "type": "private", "first_name": first_name}
        if chat_id < 0:
            chat = {"id": chat_id, "type": "group", "title": "Test group"}
        message: dict[str, Any] = {"from": user, "chat": chat, "text": text}
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.send_update(token, {"message": message})

    def add_file(self, token: str, file_id: str, data: bytes, file_path: str) -> None:
        """Make `file_id` known to getFile and its bytes downloadable at `file_path`."""
        payload = {
            "file_id": file_id,
            "file_path": file_path,
            "bytes_b64": base64.b64encode(data).decode(),
        }
        self._call("POST", token, "file", json=payload)

    def sent(self, token: str, chat_id: int) -> list[dict[str, Any]]:
        """Every call the bot made for the chat, in order: {method, payload, result}."""
        return list(self._call("GET", token, "sent", params={"chat_id": chat_id}))

    def calls(self, token: str) -> list[dict[str, Any]]:
        """Every recorded bot call for the token, whatever its chat."""
        return list(self._call("GET", token, "calls"))

    def wait_for_sent(
        self, token: str, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """Poll sent() until it holds at least `count` entries; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            entries = self.sent(token, chat_id)
            if len(entries) >= count:
                return entries
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"chat {chat_id}: {len(entries)} bot call(s) after {timeout} s, wanted {count}:"
                    f" {[entry['method'] for entry in entries]}"
                )
            time.sleep(0.05)
