"""Payment providers by name (the ``{provider}`` of the callback URL)."""
from services.payments.providers.sandbox import SandboxProvider

PROVIDERS = {"sandbox": SandboxProvider}

DEFAULT_PROVIDER = "sandbox"


def make_providers():
    return {name: cls() for name, cls in PROVIDERS.items()}
