"""The Open311 GeoReport v2 routes, mounted by the ASGI app (bot/web.py) at /open311/v2."""

from __future__ import annotations

from starlette.routing import Mount, Route

from open311 import requests_api, services_api


def open311_mount() -> Mount:
    get, post = ["GET"], ["POST"]
    return Mount(
        "/open311/v2",
        routes=[
            Route("/discovery.{fmt}", services_api.discovery, methods=get),
            Route("/services.{fmt}", services_api.services, methods=get),
            Route("/services/{code}.{fmt}", services_api.service_definition, methods=get),
            Route("/requests.{fmt}", requests_api.requests_list, methods=get),
            Route("/requests.{fmt}", requests_api.requests_create, methods=post),
            Route("/requests/{number}.{fmt}", requests_api.request_one, methods=get),
            Route("/media/{photo_id:int}", requests_api.media, methods=get),
        ],
    )
