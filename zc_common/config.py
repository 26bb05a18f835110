"""Settings from the environment (the ``ZC_*`` variables of DESIGN.md)."""
import os
from pathlib import Path

SERVICES = ("accounts", "applications", "review", "documents", "payments")

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"


def data_dir():
    path = Path(os.environ.get("ZC_DATA_DIR", "./var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(service):
    """``ZC_<SERVICE>_DB`` or a SQLite file under ``ZC_DATA_DIR``."""
    url = os.environ.get(f"ZC_{service.upper()}_DB")
    if url:
        return url
    return f"sqlite:///{data_dir() / (service + '.sqlite3')}"


def amqp_uri():
    return os.environ.get("ZC_AMQP_URI", DEFAULT_AMQP_URI)


def rpc_timeout():
    """Seconds the gateway waits for a service (``ZC_RPC_TIMEOUT``); its requests
    expire then too, so a late service never runs them."""
    return float(os.environ.get("ZC_RPC_TIMEOUT", "30"))


def secret_key():
    """Signs login tokens and internal links; generated once per data dir if unset."""
    key = os.environ.get("ZC_SECRET_KEY")
    if key:
        return key
    path = data_dir() / "secret.key"
    if not path.exists():
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()


def s3_settings():
    return {
        "endpoint": os.environ.get("ZC_S3_ENDPOINT", "127.0.0.1:8333"),
        "access_key": os.environ.get("ZC_S3_ACCESS_KEY", "zhicheng"),
        "secret_key": os.environ.get("ZC_S3_SECRET_KEY", "zhicheng-secret"),
        "bucket": os.environ.get("ZC_S3_BUCKET", "zhicheng"),
        "secure": os.environ.get("ZC_S3_SECURE", "0") == "1",
    }


def public_url():
    """Where people reach the gateway (links in certificates, pay pages)."""
    return os.environ.get("ZC_PUBLIC_URL", f"http://127.0.0.1:{os.environ.get('ZC_PORT', '8080')}")
