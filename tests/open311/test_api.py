"""Open311 GeoReport v2 at /open311/v2/, every endpoint in JSON and XML, against the
specification's shapes: discovery, services, a service definition, filing with an
API key (through the same service as the chat: routing, deadlines, the operators'
alert), the public list with its filters and one request; errors in the spec's
format; confidential reports never listed."""

from __future__ import annotations

import json
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.cli import main
from bot.web import create_app
from core.db import transaction
from core.timestamps import utcnow
from tests import factories
from tickets.api_keys import create_key, revoke_key
from tickets.models import Notification, Ticket
from tickets.staff_alerts import OPERATOR_RESPONSE

BASE = "/open311/v2"
METRO = {"lat": "-5.1133", "long": "105.3067"}  # Kota Metro


@pytest.fixture
def api(db: str) -> TestClient:
    return TestClient(create_app())


@pytest.fixture
def key(db: str) -> str:
    with transaction() as session:
        return create_key(session=session, name="Aplikasi Kota Metro")[1]


def _xml(body: bytes) -> ElementTree.Element:
    assert body.startswith(b"<?xml")
    return ElementTree.fromstring(body)


def test_discovery_names_the_v2_endpoint_in_both_formats(api: TestClient) -> None:
    found = api.get(f"{BASE}/discovery.json").json()
    [endpoint] = found["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = _xml(api.get(f"{BASE}/discovery.xml").content)
    assert root.tag == "discovery"
    assert root.findtext("endpoints/endpoint/specification") == endpoint["specification"]
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == endpoint[
        "formats"
    ]


def test_one_service_per_complaint_category(api: TestClient) -> None:
    services = api.get(f"{BASE}/services.json")
    assert services.headers["content-type"].startswith("application/json")
    codes = {s["service_code"] for s in services.json()}
    assert {"jalan_rusak", "sampah", "pungli", "penerangan_jalan"} <= codes
    road = next(s for s in services.json() if s["service_code"] == "jalan_rusak")
    assert road == {
        "service_code": "jalan_rusak",
        "service_name": "Jalan rusak",
        "description": "Jalan rusak",
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "pengaduan",
    }
    root = _xml(api.get(f"{BASE}/services.xml").content)
    assert root.tag == "services"
    assert {s.findtext("service_code") for s in root.findall("service")} == codes
    assert root.find("service/metadata").text == "false"  # type: ignore[union-attr]


def test_a_service_definition_and_an_unknown_service(api: TestClient) -> None:
    assert api.get(f"{BASE}/services/sampah.json").json() == {
        "service_code": "sampah",
        "attributes": [],
    }
    root = _xml(api.get(f"{BASE}/services/sampah.xml").content)
    assert root.tag == "service_definition" and root.findtext("service_code") == "sampah"
    missing = api.get(f"{BASE}/services/tidak_ada.xml")
    assert missing.status_code == 404
    assert _xml(missing.content).findtext("error/code") == "404"


def test_a_report_is_filed_like_a_chat_report(api: TestClient, key: str) -> None:
    with transaction() as session:
        factories.staff_chat(session=session, region="metro", chat_key="-100777")
    answer = api.post(
        f"{BASE}/requests.json",
        data={
            "api_key": key,
            "service_code": "jalan_rusak",
            **METRO,
            "first_name": "Budi",
            "last_name": "Santoso",
            "description": "Jalan berlubang depan pasar, hub 081234567890",
        },
    )
    assert answer.status_code == 200, answer.text
    [created] = answer.json()
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    number = created["service_request_id"]
    with transaction() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        assert (ticket.region_code, ticket.category, ticket.status) == (
            "metro",
            "jalan_rusak",
            "new",
        )
        assert ticket.suggested_agency_code is not None and ticket.forward_due_at is not None
        assert ticket.citizen.display_name == "Budi Santoso" and ticket.citizen.contacts == []
        assert ticket.events[0].data["via"] == "Aplikasi Kota Metro"
        alerts = session.scalars(select(Notification).where(Notification.ticket_id == ticket.id))
        assert [(n.response, n.user_key) for n in alerts] == [(OPERATOR_RESPONSE, "-100777")]
    xml = api.post(
        f"{BASE}/requests.xml",
        data={
            "api_key": key,
            "service_code": "sampah",
            "address_string": "kel yosodadi metro timur",
            "description": "sampah menumpuk",
        },
    )
    root = _xml(xml.content)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id", "").startswith("LPG-")


@pytest.mark.parametrize(
    ("form", "status", "says"),
    [
        ({"service_code": "sampah", **METRO}, 400, "description wajib"),
        ({"service_code": "tidak_ada", "description": "x", **METRO}, 400, "tidak dikenal"),
        ({"service_code": "sampah", "description": "x"}, 400, "Lokasi wajib"),
        (
            {"service_code": "sampah", "description": "x", "lat": "-6.2", "long": "106.8"},
            400,
            "luar Provinsi Lampung",
        ),
        (
            {"service_code": "sampah", "description": "x", "lat": "utara", "long": "1"},
            400,
            "harus berupa angka",
        ),
        (
            {"service_code": "sampah", "description": "x", "address_string": "zzqx qqzz"},
            400,
            "tidak ditemukan",
        ),
        (
            {
                "service_code": "sampah",
                "description": "x",
                "jurisdiction_id": "jakarta.go.id",
                **METRO,
            },
            404,
            "jurisdiction_id",
        ),
    ],
    ids=[
        "no-description",
        "service",
        "no-location",
        "outside",
        "not-a-number",
        "place",
        "jurisdiction",
    ],
)
def test_a_refused_report_says_why_in_the_spec_format(
    api: TestClient, key: str, form: dict[str, str], status: int, says: str
) -> None:
    for fmt in ("json", "xml"):
        answer = api.post(f"{BASE}/requests.{fmt}", data={"api_key": key, **form})
        assert answer.status_code == status
        if fmt == "json":
            [problem] = answer.json()
            assert problem["code"] == status and says in problem["description"]
        else:
            root = _xml(answer.content)
            assert root.tag == "errors" and says in root.findtext("error/description", "")
    with transaction() as session:
        assert session.scalars(select(Ticket)).all() == []


def test_a_report_needs_a_live_key_and_keys_are_rate_limited(
    api: TestClient, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    form = {"service_code": "sampah", "description": "sampah", **METRO}
    assert api.post(f"{BASE}/requests.json", data=form).status_code == 403
    assert (
        api.post(f"{BASE}/requests.json", data={**form, "api_key": "lpg_tebak"}).status_code == 403
    )
    monkeypatch.setenv("OPEN311_REPORTS_PER_KEY_PER_HOUR", "2")
    from core.settings import get_settings

    get_settings.cache_clear()
    for _ in range(2):
        assert api.post(f"{BASE}/requests.json", data={**form, "api_key": key}).status_code == 200
    assert api.post(f"{BASE}/requests.json", data={**form, "api_key": key}).status_code == 429
    with transaction() as session:
        revoke_key(session=session, name="Aplikasi Kota Metro")
    monkeypatch.setenv("OPEN311_REPORTS_PER_KEY_PER_HOUR", "100")
    get_settings.cache_clear()
    assert api.post(f"{BASE}/requests.json", data={**form, "api_key": key}).status_code == 403


def _reports() -> dict[str, str]:
    now = utcnow()
    with transaction() as session:
        road = factories.ticket(
            session=session,
            category="jalan_rusak",
            region="metro",
            description="jalan rusak, wa 081298765432",
            now=now - timedelta(days=2),
        )
        done = factories.ticket(
            session=session,
            category="sampah",
            region="metro",
            status="resolved",
            agency="dlh",
            now=now - timedelta(days=1),
        )
        old = factories.ticket(
            session=session, category="sampah", region="metro", now=now - timedelta(days=120)
        )
        secret = factories.ticket(
            session=session,
            category="pungli",
            region="metro",
            status="forwarded",
            agency="inspektorat",
        )
        return {
            "road": road.number,
            "done": done.number,
            "old": old.number,
            "secret": secret.number,
        }


def test_the_public_list_and_its_filters(api: TestClient) -> None:
    made = _reports()

    def listed(**params: str) -> list[str]:
        answer = api.get(f"{BASE}/requests.json", params=params)
        assert answer.status_code == 200, answer.text
        return [r["service_request_id"] for r in answer.json()]

    assert listed() == [made["done"], made["road"]]  # the last 90 days, newest first
    assert listed(status="closed") == [made["done"]]
    assert listed(status="open") == [made["road"]]
    assert listed(service_code="jalan_rusak") == [made["road"]]
    start = (utcnow() - timedelta(days=130)).isoformat()
    end = (utcnow() - timedelta(days=100)).isoformat()
    assert listed(start_date=start, end_date=end) == [made["old"]]
    assert listed(service_request_id=f"{made['old']},{made['road']},{made['secret']}") == [
        made["old"],
        made["road"],
    ]
    too_long = api.get(
        f"{BASE}/requests.json",
        params={
            "start_date": (utcnow() - timedelta(days=200)).isoformat(),
            "end_date": utcnow().isoformat(),
        },
    )
    assert too_long.status_code == 400 and "90 hari" in too_long.json()[0]["description"]
    assert api.get(f"{BASE}/requests.json", params={"start_date": "kemarin"}).status_code == 400
    assert api.get(f"{BASE}/requests.json", params={"status": "pending"}).status_code == 400


def test_a_request_shows_what_the_spec_asks_and_nothing_personal(api: TestClient) -> None:
    made = _reports()
    [road] = api.get(f"{BASE}/requests/{made['road']}.json").json()
    assert road["status"] == "open" and road["service_code"] == "jalan_rusak"
    assert road["description"] == "jalan rusak, wa 0812******32"  # masked
    assert road["lat"] == -5.43 and road["long"] == 105.26  # rounded to 3 decimals
    assert road["expected_datetime"].endswith("+07:00") and road["address"] == "Kota Metro"
    [done] = api.get(f"{BASE}/requests/{made['done']}.json").json()
    assert done["status"] == "closed" and done["agency_responsible"].startswith("Dinas Lingkungan")
    assert done["status_notes"] == factories.NOTE and done["expected_datetime"] is None
    root = _xml(api.get(f"{BASE}/requests/{made['done']}.xml").content)
    assert root.tag == "service_requests"
    assert root.findtext("request/status") == "closed"
    assert root.findtext("request/agency_responsible") == done["agency_responsible"]
    # A confidential report does not exist here, in either format.
    for fmt in ("json", "xml"):
        assert api.get(f"{BASE}/requests/{made['secret']}.{fmt}").status_code == 404
    everything = json.dumps(api.get(f"{BASE}/requests.json").json())
    assert made["secret"] not in everything and "pungli" not in everything


def test_photos_of_public_reports_only(
    api: TestClient, make_image: object, tmp_path: object
) -> None:
    from pathlib import Path

    from tickets.media import store_photo

    source = make_image(Path(str(tmp_path)) / "foto.png")  # type: ignore[operator]
    with transaction() as session:
        shown = store_photo(session=session, source_path=source)
        factories.ticket(session=session, region="metro", attachment_ids=[shown.id])
        hidden = store_photo(
            session=session,
            source_path=make_image(  # type: ignore[operator]
                Path(str(tmp_path)) / "rahasia.png", color=(1, 2, 3)
            ),
        )
        factories.ticket(
            session=session, category="pungli", region="metro", attachment_ids=[hidden.id]
        )
        shown_id, hidden_id = shown.id, hidden.id
    [row] = api.get(f"{BASE}/requests.json").json()
    assert row["media_url"].endswith(f"/open311/v2/media/{shown_id}")
    assert api.get(f"{BASE}/media/{shown_id}").status_code == 200
    assert api.get(f"{BASE}/media/{hidden_id}").status_code == 404


def test_an_unknown_format_is_refused(api: TestClient) -> None:
    answer = api.get(f"{BASE}/services.csv")
    assert answer.status_code == 400 and "json" in answer.json()[0]["description"]


def test_create_key_prints_the_key_on_its_last_line(
    db: str, api: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["open311", "create-key", "--name", "SP4N uji"]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("lpg_") and len(key) > 40
    form = {"api_key": key, "service_code": "sampah", "description": "sampah", **METRO}
    assert api.post(f"{BASE}/requests.json", data=form).status_code == 200
    assert main(["open311", "create-key", "--name", "SP4N uji"]) == 1  # one key per name
    capsys.readouterr()
    assert main(["open311", "keys", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["name"] == "SP4N uji" and listed["prefix"] == key[:12]
    assert key not in json.dumps(listed) and listed["revoked"] is False
    assert main(["open311", "revoke-key", "--name", "SP4N uji"]) == 0
    assert api.post(f"{BASE}/requests.json", data=form).status_code == 403


def test_staff_see_which_system_filed_a_report_and_cannot_chat_to_it(
    api: TestClient, key: str
) -> None:
    from tests.support.workspace_client import PASSWORD, Account, logged_in, post_form
    from tickets.accounts import Profile, add_user

    form = {"api_key": key, "service_code": "sampah", "description": "sampah", **METRO}
    [created] = api.post(f"{BASE}/requests.json", data=form).json()
    number = created["service_request_id"]
    with transaction() as session:
        user = add_user(
            session=session,
            password=PASSWORD,
            profile=Profile(
                name="Rina", role="operator", email="rina@lampungprov.go.id", region_code="metro"
            ),
        )
        account = Account(user.id, "rina@lampungprov.go.id")
    browser = logged_in(account)
    page = f"/petugas/tiket/{number}"
    assert "Dikirim lewat Open311 oleh: Aplikasi Kota Metro" in browser.get(page).text
    refused = post_form(browser, page, f"{page}/pesan", {"message": "Halo"})
    assert refused.status_code == 400 and "tidak bisa dihubungi lewat chat" in refused.text
