"""A GeoReport v2 client from PyPI (`georeport`, which reads services, service
definitions and requests, in JSON or XML) against our /open311/v2/ over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from georeport import GeoReport

from bot.web import create_app
from core.db import transaction
from tests import factories
from tests.support.whatsapp_harness import free_port, uvicorn_thread


@pytest.fixture
def served(db: str) -> Iterator[str]:
    port = free_port()
    with uvicorn_thread(create_app(), port):
        yield f"http://127.0.0.1:{port}/open311/v2"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_client_reads_services_definitions_and_requests(served: str, fmt: str) -> None:
    with transaction() as session:
        road = factories.ticket(session=session, category="jalan_rusak", region="metro").number
        factories.ticket(session=session, category="pungli", region="metro")
    client = GeoReport(served, output_format=fmt)
    services = client.get_service_list()
    assert "jalan_rusak" in {s["service_code"] for s in services}
    definition = client.get_service_definition("jalan_rusak")
    assert definition["service_code"] == "jalan_rusak"
    listed = client.get_service_requests()
    rows = listed if isinstance(listed, list) else [listed]  # xmltodict: one item is a dict
    assert [r["service_request_id"] for r in rows] == [road]  # the pungli report is not listed
    one = client.get_service_request(road)
    assert one["service_request_id"] == road and one["status"] == "open"
    assert one["service_code"] == "jalan_rusak"
