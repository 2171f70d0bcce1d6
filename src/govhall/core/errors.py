"""Domain errors. Services raise them; the API and the pages turn them into a 4xx with a Chinese message."""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses. ``field`` names the offending input, when there is one."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class AuthenticationFailed(DomainError):
    status = 401
    code = "unauthenticated"


class Locked(DomainError):
    status = 423
    code = "locked"


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"


class QuotaExceeded(DomainError):
    """A per-account allowance is used up (e.g. uploaded files not yet used in any application)."""

    status = 429
    code = "quota_exceeded"
