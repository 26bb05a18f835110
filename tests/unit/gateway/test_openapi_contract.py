"""The OpenAPI document declares every status a route can answer and a schema for
every answer (the contract fuzz test checks the running system against it; these
check the document itself, without a stack)."""
from gateway import routes  # noqa: F401  (importing registers every route)
from gateway.api import Api, api, openapi_document

DOCUMENT = openapi_document(api.operations)


def operations():
    for path, methods in DOCUMENT["paths"].items():
        for method, entry in methods.items():
            yield f"{method.upper()} {path}", entry


def test_every_success_has_a_schema():
    missing = []
    for name, entry in operations():
        for status, response in entry["responses"].items():
            if status.startswith("2") and status != "204":
                schemas = [media.get("schema") for media in response.get("content", {}).values()]
                if not schemas or not all(schemas):
                    missing.append(f"{name} {status}")
    assert not missing, missing


def test_every_error_has_the_error_shape():
    odd = []
    for name, entry in operations():
        for status, response in entry["responses"].items():
            if status.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]
                if schema != {"$ref": "#/components/schemas/Error"} and name != "GET /api/v1/health":
                    odd.append(f"{name} {status}")
    assert not odd, odd
    assert DOCUMENT["paths"]["/api/v1/health"]["get"]["responses"]["503"]["content"]["application/json"][
        "schema"] == {"$ref": "#/components/schemas/HealthOut"}


def test_what_the_gateway_answers_for_any_route_is_declared_from_its_shape():
    local = Api()
    from pydantic import BaseModel

    class Body(BaseModel):
        name: str

    @local.route("POST", "/things/{id}", summary="s", tag="t", body=Body, roles=("applicant",),
                 responses={409: "已存在"})
    async def change_thing(request, call):
        return {}

    @local.route("GET", "/open", summary="s", tag="t", calls_services=False)
    async def open_thing(request, call):
        return {}

    @local.route("POST", "/files", summary="s", tag="t", body=Body, raw_body=True, roles=())
    async def upload_thing(request, call):
        return {}

    paths = openapi_document(local.operations)["paths"]
    assert sorted(paths["/api/v1/things/{id}"]["post"]["responses"]) == [
        "200", "400", "401", "403", "404", "408", "409", "413", "422", "503", "504"]
    assert sorted(paths["/api/v1/open"]["get"]["responses"]) == ["200"]
    assert sorted(paths["/api/v1/files"]["post"]["responses"]) == [
        "200", "400", "401", "403", "408", "413", "415", "422", "429", "503", "504"]


def test_roles_are_machine_readable_and_query_parameters_typed():
    tasks = DOCUMENT["paths"]["/api/v1/review/tasks"]["get"]
    assert tasks["x-roles"] == ["unit_admin", "department_staff", "committee_staff"]
    page = next(p for p in tasks["parameters"] if p["name"] == "page")
    assert page["schema"]["type"] == "integer" and page["schema"]["maximum"] == 100000
