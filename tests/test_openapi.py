"""/api/v1/openapi.json: a valid OpenAPI 3.1 document describing every §8 endpoint, and a property-based
run of it (schemathesis) against the app that finds no server error."""
from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis.generation.modes import GenerationMode

from tests.conftest import walk

EXAMPLES = 25  # per operation; with the fixed seed the run stays well under a minute

SECTION_8 = {
    ("get", "/orgs"), ("post", "/complaints"), ("get", "/track/{case_no}"), ("post", "/tokens"),
    ("get", "/cases"), ("get", "/cases/{case_no}"), ("post", "/cases/{case_no}/events"),
    ("get", "/cases/{case_no}/documents"), ("get", "/documents/{id}.pdf"), ("get", "/verify/{number}"),
    ("get", "/reports/success-rate"),
}


def test_document_validates_and_covers_section_8(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    doc = resp.get_json()
    validate(doc)  # raises on an invalid document
    assert doc["openapi"].startswith("3.1")
    described = {(method, path) for path, item in doc["paths"].items() for method in item}
    assert SECTION_8 <= described
    assert doc["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer",
                                                              "description": "POST /api/v1/tokens"}
    assert set(doc["components"]["schemas"]["Error"]["properties"]) == {"error", "message", "fields"}
    # Public endpoints opt out of the bearer requirement; the rest inherit it.
    assert doc["paths"]["/orgs"]["get"]["security"] == []
    assert "security" not in doc["paths"]["/cases"]["get"]
    events = doc["paths"]["/cases/{case_no}/events"]["post"]["responses"]
    assert {"200", "403", "404", "409", "422"} <= set(events)


def test_every_route_of_the_api_blueprint_is_described(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    def shape(path: str) -> str:  # parameter names may differ: /documents/{id}.pdf ~ <int:doc_id>.pdf
        return re.sub(r"\{[^}]*\}|<[^>]*>", "{}", path)
    described = {(m, shape(p)) for p, item in doc["paths"].items() for m in item}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = shape(rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method.lower(), path) in described, f"{method} {rule.rule} is not in openapi.json"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # third-party deprecations inside hypothesis/schemathesis
def test_property_based_run_finds_no_server_error(app, db, orgs, make_case):
    """Every operation, EXAMPLES generated requests each (fixed seed), as the manager; never a 5xx."""
    case = make_case("E01", "accept", "fail", "hand_to_arbitration", escalation_consent=False)
    walk(case, "arbitration_receive", orgs)
    from mediation.services.auth import issue_token
    token, _ = issue_token(orgs.users["manager"])
    headers = {"Authorization": "Bearer " + token}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= len(SECTION_8)
    for operation in operations:
        has_case_no = any(p.name == "case_no" for p in operation.path_parameters)

        # Valid requests (positive) and requests that break the schema (negative): neither may be a 5xx.
        strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
        if operation.path_parameters or operation.query or operation.body:
            strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))

        @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        @given(generated=st.one_of(strategies), real_case=st.booleans())
        def run(generated, real_case):
            if has_case_no and real_case:  # half the time a case that exists, so the deep paths run
                generated.path_parameters = {**(generated.path_parameters or {}), "case_no": case.number}
            label = f"{generated.method} {generated.formatted_path} {generated.query or ''}"
            try:
                response = generated.call(headers={**(generated.headers or {}), **headers})
            except Exception as exc:  # TESTING propagates exceptions: that is a 500 in production
                db.session.rollback()
                failures.append(f"{label} raised {exc!r}"[:400])
                return
            if response.status_code >= 500:
                failures.append(f"{label} → {response.status_code}: {response.text[:300]}")

        run()
    assert failures == []
