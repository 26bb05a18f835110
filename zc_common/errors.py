"""Domain errors that cross RPC, and the one table that maps them to HTTP.

A service raises one of the categories below with a snake_case ``code`` and a
Chinese ``message``; nameko serialises it as ``exc_type`` = the category's class
name and ``exc_args`` = (code, message, extra). The gateway turns it back into
API.md's error shape with the status from ``HTTP_STATUS``.
"""


class DomainError(Exception):
    status = 400

    def __init__(self, code, message, **extra):
        # An absent value is left out rather than sent as None: nameko's serialiser
        # turns None into the string "None", which reached clients as field: "None".
        extra = {k: v for k, v in extra.items() if v is not None}
        super().__init__(code, message, extra)
        self.code = code
        self.message = message
        self.extra = extra

    def __str__(self):
        return f"{self.code}: {self.message}"


class BadRequest(DomainError):
    status = 400


class Unauthorized(DomainError):
    status = 401


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class RequestTimeout(DomainError):
    """The client sent its request body too slowly (the gateway's edge)."""

    status = 408


class Conflict(DomainError):
    status = 409


class TooLarge(DomainError):
    status = 413


class UnsupportedType(DomainError):
    status = 415


class Invalid(DomainError):
    """A field breaks a rule: 422 with ``field`` in the error body."""

    status = 422

    def __init__(self, code, message, field=None, **extra):
        super().__init__(code, message, field=field, **extra)
        self.field = field


class TooManyAttempts(DomainError):
    status = 429


class Unavailable(DomainError):
    status = 503


class TimedOut(DomainError):
    """A service-to-service call got no answer before its deadline."""

    status = 504


CATEGORIES = (
    BadRequest, Unauthorized, Forbidden, NotFound, RequestTimeout, Conflict, TooLarge,
    UnsupportedType, Invalid, TooManyAttempts, Unavailable, TimedOut,
)

# exc_type as nameko sends it -> HTTP status. The one table.
HTTP_STATUS = {cls.__name__: cls.status for cls in CATEGORIES}


def error_body(code, message, **extra):
    """API.md's error shape."""
    body = {"code": code, "message": message}
    body.update({k: v for k, v in extra.items() if v is not None})
    return {"error": body}


def from_remote(exc_type, exc_args):
    """Rebuild (status, body) from a nameko remote error, or None if it is not ours."""
    status = HTTP_STATUS.get(exc_type)
    if status is None or not isinstance(exc_args, (list, tuple)) or len(exc_args) < 2:
        return None
    code, message = exc_args[0], exc_args[1]
    extra = exc_args[2] if len(exc_args) > 2 and isinstance(exc_args[2], dict) else {}
    return status, error_body(code, message, **extra)
