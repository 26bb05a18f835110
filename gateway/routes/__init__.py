"""Every route module, imported for its ``@api.route`` declarations."""
from gateway.routes import system  # noqa: F401
