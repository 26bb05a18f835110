"""Every route module, imported for its ``@api.route`` declarations."""
from gateway.routes import accounts, applications, documents, notices, payments, review, system  # noqa: F401
