"""Every route module, imported for its ``@api.route`` declarations."""
from gateway.routes import accounts, applications, continuing_education, documents, notices, payments, review, system  # noqa: F401
