"""Every route module, imported for its ``@api.route`` declarations."""
from gateway.routes import (  # noqa: F401
    accounts,
    applications,
    continuing_education,
    documents,
    experts,
    inbox,
    notices,
    payments,
    questions,
    review,
    statistics,
    system,
)
