"""The API's OpenAPI schema and its Swagger UI page, served with no internet."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_docs_page_loads_everything_from_our_own_static_files(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/schema/" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    for source in sources:
        assert not source.startswith(("http:", "https:", "//")), source
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source


def test_the_schema_is_openapi_3(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/warranty/evaluate/" in schema["paths"]
    assert "/api/metrics/" in schema["paths"]
