"""The skeleton answers: health names every service, OpenAPI is served, unknown
paths answer in the API's error shape."""
from tests.client import expect


def test_health_names_every_service(api):
    body = expect(api.get("/health"), 200)
    assert body["status"] == "ok"
    assert set(body["services"]) == {"accounts", "applications", "review", "documents", "payments"}
    assert all(state == "ok" for state in body["services"].values())


def test_openapi_lists_the_health_endpoint(api):
    body = expect(api.get("/openapi.json"), 200)
    assert body["openapi"].startswith("3.")
    assert "/api/v1/health" in body["paths"]


def test_unknown_api_path_is_404_in_error_shape(api):
    expect(api.get("/no/such/thing"), 404, "not_found")
