"""A payments worker on a SQLite session with a sandbox provider of known secret."""
import json
import time

import pytest
from nameko.testing.services import worker_factory

from services.payments import signing
from services.payments.models import Base
from services.payments.providers.sandbox import SandboxProvider
from services.payments.service import PaymentsService
from tests.unit.dbutil import session_for

SECRET = b"unit-test-secret"


@pytest.fixture
def service():
    session = session_for(Base)
    worker = worker_factory(PaymentsService, db=session, callback_engine=session.get_bind())
    worker.providers = {"sandbox": SandboxProvider(secret=SECRET, base_url="http://sandbox.test",
                                                   notify_url="http://gw.test/api/v1/payments/callbacks/sandbox")}
    worker.applications.get_committee_settings.return_value = {"fee_fen": 30000}
    return worker


def passed_event(application_id="app-1", applicant_id="user-1", event_id=None):
    return {"event_id": event_id or f"ev-{application_id}", "application_id": application_id,
            "number": "RSSQ2026000001", "applicant_id": applicant_id, "unit_id": "unit-1",
            "committee_id": "com-1", "year": 2026, "status": "formal_review_passed"}


def signed_callback(notice, secret=SECRET, timestamp=None, nonce=None):
    """(body_b64, headers) as the gateway would pass them."""
    import base64
    body = json.dumps(notice).encode()
    headers = signing.signed_headers(secret, body, timestamp=timestamp or int(time.time()), nonce=nonce)
    return base64.b64encode(body).decode(), headers


def notice(order_no, amount_fen=30000, status="paid", txn_id="SBX1"):
    return {"txn_id": txn_id, "order_no": order_no, "amount_fen": amount_fen, "status": status,
            "at": "2026-11-25T10:00:00+08:00"}
