"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of every endpoint of DESIGN.md §8.

Written by hand from the contract (not generated from the views) so that it states the promise the
views must keep; tests validate it (openapi-spec-validator) and fuzz the app with it (schemathesis).
"""
from __future__ import annotations

from flask import jsonify

from mediation.models.cases import CATEGORIES
from mediation.web.api import bp
from workflows.lifecycle import ARBITRATION_OUTCOMES, STATE_NAMES, TRIGGER_NAMES

_REF = "#/components/schemas/"


def _ref(name: str) -> dict:
    return {"$ref": _REF + name}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return {"$ref": "#/components/responses/" + description}


def _q(name: str, schema: dict, description: str, required: bool = False, where: str = "query") -> dict:
    return {"name": name, "in": where, "required": required, "schema": schema, "description": description}


_CASE_NO = _q("case_no", {"type": "string", "maxLength": 40}, "Case number, e.g. JK-S02-2026-00017", True, "path")
_DATE = {"type": "string", "format": "date"}
_DATETIME = {"type": "string", "format": "date-time"}
_AMOUNT = {"type": "string", "pattern": r"^[0-9]{1,10}(\.[0-9]{1,2})?$", "description": "Yuan, decimal string"}
_NULLABLE_STR = {"type": ["string", "null"]}

_SCHEMAS = {
    "Error": {"type": "object", "required": ["error", "message"], "properties": {
        "error": {"type": "string", "description": "stable code: bad_request, unauthorized, forbidden, not_found, "
                  "not_allowed, stale, unknown_trigger, invalid, too_large, rate_limited, ..."},
        "message": {"type": "string", "description": "in the language of Accept-Language (zh-CN default, en)"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "422 only: path (e.g. applicants[0].id_number) → message"}}},
    "Deadline": {"type": "object", "required": ["kind", "due", "provisional", "basis"], "properties": {
        "kind": {"type": "string"}, "label": {"type": "string"}, "due": _DATE, "provisional": {"type": "boolean"},
        "basis": {"type": "string", "description": "the rule in words with its article"},
        "status": {"type": "string"}}},
    "Org": {"type": "object", "required": ["code", "name", "kind", "parent"], "properties": {
        "code": {"type": "string"}, "name": {"type": "string"},
        "kind": {"enum": ["federation", "station", "enterprise"]}, "parent": _NULLABLE_STR}},
    "Applicant": {"type": "object", "required": ["name", "id_number", "phone", "address"], "properties": {
        "name": {"type": "string", "maxLength": 100}, "id_number": {"type": "string", "maxLength": 18},
        "phone": {"type": "string", "maxLength": 20}, "address": {"type": "string", "maxLength": 300},
        "email": {"type": "string", "maxLength": 200}, "representative": {"type": "boolean"}}},
    "Complaint": {"type": "object", "required": ["applicants", "respondent", "categories", "claims", "facts",
                                                 "dispute_date", "pipl_consent"], "properties": {
        "applicants": {"type": "array", "minItems": 1, "maxItems": 1000, "items": _ref("Applicant")},
        "respondent": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string", "maxLength": 200}, "uscc": {"type": "string", "maxLength": 18},
            "address": {"type": "string", "maxLength": 300}, "contact": {"type": "string", "maxLength": 300}}},
        "org": {"type": "string", "description": "an enterprise committee's code; absent → the station"},
        "categories": {"type": "array", "minItems": 1, "items": {"enum": list(CATEGORIES)}},
        "claims": {"type": "array", "minItems": 1, "maxItems": 100, "items": {
            "type": "object", "required": ["item", "amount"],
            "properties": {"item": {"type": "string", "maxLength": 300}, "amount": _AMOUNT}}},
        "facts": {"type": "string", "maxLength": 10000}, "dispute_date": _DATE,
        "escalation_consent": {"type": "boolean"}, "pipl_consent": {"const": True}}},
    "Filed": {"type": "object", "required": ["case_no", "query_code", "state", "org", "deadlines"], "properties": {
        "case_no": {"type": "string"}, "query_code": {"type": "string"}, "state": {"enum": list(STATE_NAMES)},
        "org": {"type": "string"}, "deadlines": {"type": "array", "items": _ref("Deadline")}}},
    "Tracking": {"type": "object", "required": ["case_no", "state", "state_label", "org", "timeline",
                                                "next_deadline", "documents"], "properties": {
        "case_no": {"type": "string"}, "state": {"enum": list(STATE_NAMES)}, "state_label": {"type": "string"},
        "org": {"type": "object", "properties": {"name": {"type": "string"}, "contact": {"type": "string"}}},
        "timeline": {"type": "array", "items": {"type": "object", "properties": {
            "at": _DATETIME, "label": {"type": "string"}}}},
        "next_deadline": {"oneOf": [{"type": "null"}, _ref("Deadline")]},
        "documents": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"}, "url": {"type": "string"}}}}}},
    "CaseSummary": {"type": "object", "required": ["case_no", "state", "tier", "org", "categories", "filed_at",
                                                   "next_due"], "properties": {
        "case_no": {"type": "string"}, "state": {"enum": list(STATE_NAMES)}, "tier": {"type": "integer"},
        "org": {"type": "string"}, "categories": {"type": "array", "items": {"enum": list(CATEGORIES)}},
        "filed_at": _DATETIME, "next_due": {"type": ["string", "null"], "format": "date-time"}}},
    "CaseList": {"type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
        "items": {"type": "array", "items": _ref("CaseSummary")}, "page": {"type": "integer"},
        "per_page": {"type": "integer"}, "total": {"type": "integer"}}},
    "Case": {"type": "object", "required": ["case_no", "version", "state", "tier", "org", "parties", "claims",
                                            "rounds", "deadlines", "triggers"], "properties": {
        "case_no": {"type": "string"}, "version": {"type": "integer"}, "state": {"enum": list(STATE_NAMES)},
        "state_label": {"type": "string"}, "tier": {"type": "integer", "minimum": 1, "maximum": 3},
        "org": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                                                 "kind": {"type": "string"}}},
        "categories": {"type": "array", "items": {"enum": list(CATEGORIES)}},
        "parties": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"},
            "id_number": {"type": "string", "description": "masked: first 6 and last 4 characters only"},
            "phone": {"type": "string"}, "representative": {"type": "boolean"}}}},
        "claims": {"type": "array", "items": {"type": "object", "properties": {
            "item": {"type": "string"}, "amount": _AMOUNT}}},
        "rounds": {"type": "array", "items": {"type": "object", "properties": {
            "seq": {"type": "integer"}, "org": {"type": "string"}, "tier": {"type": "integer"},
            "received_at": _DATETIME, "ended_at": {"type": ["string", "null"]},
            "outcome": _NULLABLE_STR}}},
        "deadlines": {"type": "array", "items": _ref("Deadline")},
        "worker_options": {"type": "array", "description": "when an agreement is not performed: arbitration "
                           "(art. 15), arbitral confirmation, payment order (art. 16)", "items": {"type": "object"}},
        "triggers": {"type": "array", "items": {"enum": list(TRIGGER_NAMES)},
                     "description": "the triggers the caller may fire now"}}},
    "Event": {"type": "object", "required": ["trigger", "version"], "properties": {
        "trigger": {"type": "string", "enum": list(TRIGGER_NAMES)},
        "version": {"type": "integer", "description": "the case's version as read (optimistic lock)"},
        "reason": {"type": "string", "description": "reject, fail, withdraw"},
        "terms": {"type": "string", "description": "agree"}, "performance_date": _DATE,
        "amount_agreed": _AMOUNT, "days": {"type": "integer", "minimum": 1, "description": "extend"},
        "consent_note": {"type": "string", "description": "extend"},
        "note": {"type": "string", "description": "report_non_performance"},
        "worker_choice": {"type": "boolean", "description": "hand_to_arbitration below tier 3"},
        "arbitration_case_no": {"type": "string", "description": "arbitration_receive"},
        "instructions": {"type": "string", "description": "arbitration_return (委派调解)"},
        "due": {**_DATE, "description": "arbitration_return"},
        "outcome": {"enum": list(ARBITRATION_OUTCOMES), "description": "arbitration_close"}},
        "additionalProperties": True},
    "Fired": {"type": "object", "required": ["state", "version"], "properties": {
        "state": {"enum": list(STATE_NAMES)}, "version": {"type": "integer"}}},
    "Document": {"type": "object", "required": ["id", "number", "kind", "title", "sha256", "url"], "properties": {
        "id": {"type": "integer"}, "number": _NULLABLE_STR, "kind": {"type": "string"}, "title": {"type": "string"},
        "sha256": _NULLABLE_STR, "url": {"type": "string"}}},
    "Verification": {"type": "object", "required": ["status"], "properties": {
        "status": {"enum": ["genuine", "superseded", "altered", "unknown"]}}},
    "SuccessRate": {"type": "object", "required": ["from", "to", "overall", "groups"], "properties": {
        "from": _DATE, "to": _DATE,
        "overall": _ref("Rate"), "groups": {"type": "array", "items": {"allOf": [_ref("Rate"), {
            "type": "object", "properties": {"key": {"type": ["string", "integer", "null"]},
                                             "label": {"type": "string"}}}]}}}},
    "Rate": {"type": "object", "required": ["concluded", "agreed", "rate"], "properties": {
        "concluded": {"type": "integer"}, "agreed": {"type": "integer"},
        "rate": {"type": ["string", "null"], "description": "four decimal places, null when nothing concluded"}}},
}

_RESPONSES = {
    "BadRequest": _json(_ref("Error"), "The body is not a JSON object"),
    "Unauthorized": _json(_ref("Error"), "No valid bearer token (or wrong username or password)"),
    "Forbidden": _json(_ref("Error"), "The caller may see the case but not do this"),
    "NotFound": _json(_ref("Error"), "Unknown, or not visible to the caller (the same answer)"),
    "Conflict": _json(_ref("Error"), "not_allowed (not from this state) or stale (version changed)"),
    "Invalid": _json(_ref("Error"), "Field errors in `fields`; an unknown trigger is unknown_trigger"),
    "RateLimited": _json(_ref("Error"), "Too many requests from this address"),
}

_AUTH = [{"bearer": []}]
_PUBLIC: list = []


def _op(summary: str, responses: dict, *, tag: str, security=None, params=None, body=None, op_id: str) -> dict:
    op = {"summary": summary, "operationId": op_id, "tags": [tag], "responses": responses}
    if security is not None:
        op["security"] = security
    if params:
        op["parameters"] = params
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


_LIST_PARAMS = [
    _q("state", {"type": "string"}, "state, or several separated by commas: " + ", ".join(STATE_NAMES)),
    _q("tier", {"type": "integer", "minimum": 1, "maximum": 3}, "1 enterprise, 2 station, 3 federation"),
    _q("org", {"type": "string"}, "handling organisation's code"),
    _q("category", {"enum": list(CATEGORIES)}, "dispute category"),
    _q("from", _DATE, "filed on or after"), _q("to", _DATE, "filed on or before"),
    _q("q", {"type": "string", "maxLength": 100}, "case number, employer or applicant name contains"),
    _q("page", {"type": "integer", "minimum": 1, "default": 1}, "page number"),
    _q("per_page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "items per page"),
]

_PATHS = {
    "/orgs": {"get": _op("The organisation tree a filing form chooses from", {
        "200": _json({"type": "array", "items": _ref("Org")}, "Organisations")},
        tag="public", security=_PUBLIC, op_id="listOrgs")},
    "/complaints": {"post": _op("File a complaint (a worker's mediation application)", {
        "201": _json(_ref("Filed"), "Filed: keep the query code"), "400": _error("BadRequest"),
        "413": _json(_ref("Error"), "Body over 1 MiB"), "422": _error("Invalid"), "429": _error("RateLimited")},
        tag="public", security=_PUBLIC, body=_ref("Complaint"), op_id="fileComplaint")},
    "/track/{case_no}": {"get": _op("Track a case with its query code", {
        "200": _json(_ref("Tracking"), "The worker's view"), "404": _error("NotFound"),
        "429": _error("RateLimited")}, tag="public", security=_PUBLIC, op_id="trackCase",
        params=[_CASE_NO, _q("code", {"type": "string"}, "the query code given at filing", True)])},
    "/tokens": {"post": _op("Get a bearer token", {
        "201": _json({"type": "object", "required": ["token", "expires_at"], "properties": {
            "token": {"type": "string"}, "expires_at": _DATETIME}}, "Token"),
        "400": _error("BadRequest"), "401": _error("Unauthorized"), "429": _error("RateLimited")},
        tag="auth", security=_PUBLIC, op_id="createToken", body={
            "type": "object", "required": ["username", "password"],
            "properties": {"username": {"type": "string"}, "password": {"type": "string"}}})},
    "/cases": {"get": _op("Cases visible to the caller", {
        "200": _json(_ref("CaseList"), "A page of cases"), "401": _error("Unauthorized"),
        "422": _error("Invalid")}, tag="cases", params=_LIST_PARAMS, op_id="listCases")},
    "/cases/{case_no}": {"get": _op("One case, with the triggers the caller may fire now", {
        "200": _json(_ref("Case"), "The case"), "401": _error("Unauthorized"), "404": _error("NotFound")},
        tag="cases", params=[_CASE_NO], op_id="getCase")},
    "/cases/{case_no}/events": {"post": _op("Fire a trigger (accept, agree, hand_to_arbitration, ...)", {
        "200": _json(_ref("Fired"), "Done"), "400": _error("BadRequest"), "401": _error("Unauthorized"),
        "403": _error("Forbidden"), "404": _error("NotFound"), "409": _error("Conflict"), "422": _error("Invalid")},
        tag="cases", params=[_CASE_NO], body=_ref("Event"), op_id="fireEvent")},
    "/cases/{case_no}/documents": {"get": _op("The case's documents", {
        "200": _json({"type": "array", "items": _ref("Document")}, "Documents"), "401": _error("Unauthorized"),
        "404": _error("NotFound")}, tag="documents", params=[_CASE_NO], op_id="listDocuments")},
    "/documents/{id}.pdf": {"get": _op("A document's PDF", {
        "200": {"description": "The PDF", "content": {"application/pdf": {"schema": {
            "type": "string", "contentMediaType": "application/pdf"}}}},
        "401": _error("Unauthorized"), "404": _error("NotFound")}, tag="documents", op_id="getDocumentPdf",
        params=[_q("id", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, "document id", True, "path")])},
    "/verify/{number}": {"get": _op("Check a presented document's number and hash", {
        "200": _json(_ref("Verification"), "genuine, superseded, altered or unknown"),
        "429": _error("RateLimited")}, tag="documents", security=_PUBLIC, op_id="verifyDocument",
        params=[_q("number", {"type": "string", "maxLength": 60}, "document number", True, "path"),
                _q("sha256", {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"}, "the file's SHA-256")])},
    "/reports/success-rate": {"get": _op("Mediation success rate (DOMAIN.md §5)", {
        "200": {"description": "Figures as JSON, or as a file with format=pdf|xlsx|csv", "content": {
            "application/json": {"schema": _ref("SuccessRate")},
            "application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}},
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {
                "type": "string", "contentMediaType":
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}}}},
        "401": _error("Unauthorized"), "403": _error("Forbidden"), "422": _error("Invalid")},
        tag="reports", op_id="successRate", params=[
            _q("from", _DATE, "concluded on or after"), _q("to", _DATE, "concluded on or before"),
            _q("group_by", {"enum": ["tier", "org", "mediator", "category", "channel"]}, "grouping"),
            _q("format", {"enum": ["json", "pdf", "xlsx", "csv"]}, "output format")])},
    "/openapi.json": {"get": _op("This document", {"200": _json({"type": "object"}, "OpenAPI 3.1")},
                                 tag="meta", security=_PUBLIC, op_id="openapi")},
}


def document() -> dict:
    """The OpenAPI 3.1 document (a fresh dict each call)."""
    import copy
    lang_param = {"name": "Accept-Language", "in": "header", "required": False,
                  "schema": {"type": "string", "enum": ["zh-CN", "en"]},
                  "description": "language of messages (zh-CN default)"}
    paths = copy.deepcopy(_PATHS)
    for item in paths.values():
        for op in item.values():
            op.setdefault("parameters", []).append(lang_param)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Labour-dispute mediation API (三级调解 · 工会+仲裁)", "version": "1.0.0",
                 "description": "DESIGN.md §8. Errors: {error, message, fields?}; messages follow Accept-Language."},
        "servers": [{"url": "/api/v1"}],
        "security": _AUTH,
        "tags": [{"name": t} for t in ("public", "auth", "cases", "documents", "reports", "meta")],
        "paths": paths,
        "components": {"schemas": copy.deepcopy(_SCHEMAS), "responses": copy.deepcopy(_RESPONSES),
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "POST /api/v1/tokens"}}},
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document())
