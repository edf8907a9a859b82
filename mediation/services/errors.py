"""Typed errors of the services, each with a stable code, an HTTP status and messages in zh and en."""
from __future__ import annotations


class ServiceError(Exception):
    code = "error"
    status = 400

    def __init__(self, message_en: str, message_zh: str, fields: dict | None = None):
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh
        #: path → FieldError (mediation.validation) for 422 answers
        self.fields = fields or {}

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang.startswith("en") else self.message_zh

    def field_messages(self, lang: str = "zh") -> dict[str, str]:
        return {path: err.message(lang) for path, err in self.fields.items()}


class BadRequest(ServiceError):
    """The request body is not what the endpoint takes at all (not a JSON object)."""
    code, status = "bad_request", 400


class UnknownTrigger(ServiceError):
    code, status = "unknown_trigger", 422


class NotAllowed(ServiceError):
    """The trigger exists but not from the case's state, or a condition refuses it."""
    code, status = "not_allowed", 409


class Stale(ServiceError):
    """Someone changed the case since the caller read it (optimistic lock)."""
    code, status = "stale", 409


class Forbidden(ServiceError):
    code, status = "forbidden", 403


class NotFound(ServiceError):
    code, status = "not_found", 404


class InvalidData(ServiceError):
    code, status = "invalid", 422


class Conflict(ServiceError):
    code, status = "conflict", 409
