"""`python -m rasa_sdk --actions actions` serves the same actions over HTTP."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from core.db import transaction
from core.settings import ROOT_DIR
from dialogue.action_runner import action_call
from dialogue.domain import get_domain
from dialogue.tracker import TrackerState
from tickets.service import list_tickets

ACTIONS = {
    "validate_laporan_form",
    "action_ask_kategori",
    "action_ask_deskripsi",
    "action_ask_konfirmasi",
    "action_buat_tiket",
    "action_cek_status",
    "action_batal",
    "action_tanya_balik",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def action_server(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real action server per backend, started the way a Rasa deployment would."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("action_server") / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
            cwd=ROOT_DIR,
            env={**os.environ, "DATABASE_URL": db_url},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Sanic forks workers: stop the whole group
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"action server did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    for sig in (signal.SIGINT, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


def _call(url: str, name: str, tracker: TrackerState) -> dict[str, Any]:
    response = httpx.post(
        f"{url}/webhook", json=action_call(name, tracker, get_domain()), timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()


def _tracker(slots: dict[str, Any], parse: dict[str, Any], loop: str | None = None) -> TrackerState:
    tracker = TrackerState(sender_id="console:server-test", slots=slots, active_loop=loop)
    tracker.user_uttered(parse, {})
    return tracker


def _parse(text: str, intent: str, full: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "full_retrieval_intent": full,
        "confidence": 0.99,
        "entities": [],
        "intent_ranking": [{"name": full or intent, "confidence": 0.99}],
        **extra,
    }


def test_every_action_is_served(db: str, action_server: str) -> None:
    listed = {a["name"] for a in httpx.get(f"{action_server}/actions").json()}
    assert listed >= ACTIONS


def test_form_validation_over_http(db: str, action_server: str) -> None:
    text = "jalan berlubang besar di depan sdn 2 rajabasa"
    tracker = _tracker({}, _parse(text, "lapor", "lapor/jalan_rusak"), loop="laporan_form")
    result = _call(action_server, "validate_laporan_form", tracker)
    slots = {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}
    assert slots["kategori"] == "jalan_rusak"
    assert slots["deskripsi"] == text


def test_location_outside_lampung_is_rejected_over_http(db: str, action_server: str) -> None:
    parse = _parse("/kirim_lokasi", "kirim_lokasi")
    parse["entities"] = [
        {"entity": "latitude", "value": -6.2088},
        {"entity": "longitude", "value": 106.8456},
    ]
    tracker = _tracker({"requested_slot": "lokasi"}, parse, loop="laporan_form")
    result = _call(action_server, "validate_laporan_form", tracker)
    slots = {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}
    assert slots["lokasi"] is None
    assert [r["response"] for r in result["responses"]] == ["utter_lokasi_provinsi_lain"]
    assert result["responses"][0]["provinsi"] == "Daerah Khusus Ibukota Jakarta"


def test_ask_actions_over_http(db: str, action_server: str) -> None:
    tracker = _tracker({}, _parse("mau lapor", "lapor_umum"), loop="laporan_form")
    result = _call(action_server, "action_ask_kategori", tracker)
    (message,) = result["responses"]
    assert message["response"] == "utter_ask_kategori"
    assert len(message["buttons"]) == 15  # 14 categories and "Lainnya"

    tracker = _tracker({"kategori": "sampah"}, _parse("x", "lapor_umum"), loop="laporan_form")
    (message,) = _call(action_server, "action_ask_deskripsi", tracker)["responses"]
    assert message["kategori_label"] == "sampah"


def test_ticket_filed_and_status_over_http(db: str, action_server: str) -> None:
    slots = {
        "kategori": "sampah",
        "deskripsi": "sampah menumpuk di pasar",
        "lokasi": {"latitude": -5.42, "longitude": 105.26, "region_code": None},
        "foto": [],
        "konfirmasi": True,
    }
    result = _call(action_server, "action_buat_tiket", _tracker(slots, _parse("ya", "affirm")))
    assert result["responses"][0]["response"] == "utter_tiket_dibuat"
    number = result["responses"][0]["nomor"]
    with transaction() as session:
        assert [t.number for t in list_tickets(session=session)] == [number]

    result = _call(action_server, "action_cek_status", _tracker({}, _parse("status", "cek_status")))
    # One ticket: shown in full (several get utter_status_daftar_judul and a card each).
    assert [r["response"] for r in result["responses"]] == ["utter_status_rinci"]
    assert result["responses"][0]["nomor"] == number
    assert "Laporan diterima" in result["responses"][0]["riwayat"]


def test_cancel_over_http(db: str, action_server: str) -> None:
    tracker = _tracker({"kategori": "sampah"}, _parse("batal", "batal"), loop="laporan_form")
    result = _call(action_server, "action_batal", tracker)
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in result["events"]
    ]
    assert result["responses"][0]["response"] == "utter_batal"
