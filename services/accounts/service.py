"""The accounts service: identity, organisations, sessions, recovery and appeals.
A thin door: every rule lives in the modules it calls.

Changes to sessions and actors are broadcast to every gateway after their commit
(events.py, through the outbox): ``_published`` right after the call, and a timer
for what a broker outage held back."""
import logging

from nameko.timer import timer

from services.accounts import (
    appeals,
    audit,
    credit_code_appeals,
    devices,
    experts,
    notifications,
    organizations,
    profile,
    recovery,
    registration,
    sessions,
    staff,
    throttling,
)
from services.accounts.dependencies import BootstrapAdmin, NotificationSender
from services.accounts.models import (  # noqa: F401  (Base: the tables this service owns)
    Base,
    OutboxEvent,
)
from services.accounts.regions import regions as region_list
from services.accounts.remote import Documents
from services.accounts.schemas import require_role
from zc_common.db import Database
from zc_common.errors import DomainError
from zc_common.health import Health
from zc_common.logs import WorkerLog
from zc_common.metrics import Metrics
from zc_common.outbox import ProcessRelay
from zc_common.rpc import EventDispatcher, RpcProxy, event_handler, rpc

log = logging.getLogger(__name__)

_outbox = ProcessRelay(OutboxEvent)


class AccountsService(Health):
    name = "accounts"

    db = Database("accounts")
    worker_log = WorkerLog()   # one line per RPC/event, with its request id (zc_common.logs)
    metrics = Metrics(outbox=OutboxEvent)
    bootstrap = BootstrapAdmin()
    sender = NotificationSender()
    documents_rpc = RpcProxy("documents")
    dispatch = EventDispatcher()

    def _published(self, result):
        """Send what the just-committed transaction queued, before the caller hears
        back (so a gateway has usually dropped a revoked session by then). The change
        is committed already: a failure here must not fail the call; the timer retries."""
        _outbox.after_commit(self.db, self.dispatch)
        return result

    @rpc
    def ping(self):
        return "ok"

    @rpc
    def echo(self, text):
        """The bare RPC the benchmarks compare against."""
        return {"echo": text}

    # -- sessions ------------------------------------------------------------------
    @rpc(expected_exceptions=DomainError)
    def authenticate(self, token):
        return sessions.authenticate(self.db, token)

    @rpc(expected_exceptions=DomainError)
    def login(self, username, password, region_code=None, address=None, device=None):
        return sessions.login(self.db, username, password, region_code, address, device)

    @rpc(expected_exceptions=DomainError)
    def logout(self, token, address=None):
        return self._published(sessions.logout(self.db, token, address))

    @rpc(expected_exceptions=DomainError)
    def switch_region(self, token, region_code):
        return self._published(sessions.switch_region(self.db, token, region_code))

    @rpc(expected_exceptions=DomainError)
    def impersonate(self, actor, username, address=None):
        require_role(actor, "platform_admin")
        return sessions.impersonate(self.db, actor, username, address)

    # -- registration and organisations ------------------------------------------------
    @rpc(expected_exceptions=DomainError)
    def register_applicant(self, data, address=None):
        return registration.register_applicant(self.db, data, address)

    @rpc(expected_exceptions=DomainError)
    def register_unit(self, data, address=None):
        return self._published(registration.register_unit(self.db, data, address))

    @rpc(expected_exceptions=DomainError)
    def create_organization(self, actor, data):
        require_role(actor, "platform_admin")
        return self._published(organizations.create_organization(self.db, actor, data))

    @rpc(expected_exceptions=DomainError)
    def add_staff(self, actor, org_id, data):
        require_role(actor, "platform_admin")
        return organizations.add_staff(self.db, actor, org_id, data)

    @rpc(expected_exceptions=DomainError)
    def list_staff(self, actor, org_id):
        require_role(actor, "platform_admin")
        return staff.list_staff(self.db, org_id)

    @rpc(expected_exceptions=DomainError)
    def set_staff_disabled(self, actor, org_id, user_id, disabled):
        require_role(actor, "platform_admin")
        return self._published(staff.set_disabled(self.db, actor, org_id, user_id, disabled))

    @rpc(expected_exceptions=DomainError)
    def create_expert_account(self, actor, data):
        """Asked by review when a committee secretary adds an expert to the pool."""
        require_role(actor, "committee_staff")
        return experts.create_account(self.db, actor, data)

    @rpc(expected_exceptions=DomainError)
    def screening_facts(self, applicant_ids=(), unit_ids=(), id_numbers=()):
        """What review's draw screens by (services/accounts/experts.py)."""
        return experts.screening_facts(self.db, applicant_ids, unit_ids, id_numbers)

    @rpc(expected_exceptions=DomainError)
    def list_organizations(self, kind=None, region_code=None):
        return organizations.list_organizations(self.db, kind, region_code)

    @rpc(expected_exceptions=DomainError)
    def get_unit(self, actor, unit_id):
        return organizations.get_unit(self.db, actor, unit_id)

    @rpc(expected_exceptions=DomainError)
    def update_unit(self, actor, unit_id, data):
        return self._published(organizations.update_unit(self.db, actor, unit_id, data))

    @rpc(expected_exceptions=DomainError)
    def submit_credit_code_appeal(self, actor, unit_id, data, filename=None, content_b64=None):
        """变更统一社会信用代码: the unit's administrator asks; a platform admin decides
        through ``decide_appeal``."""
        return credit_code_appeals.submit(self.db, Documents(self.documents_rpc), actor, unit_id, data,
                                          filename, content_b64)

    @rpc(expected_exceptions=DomainError)
    def search_units(self, region_code=None, q=None):
        return organizations.search_units(self.db, region_code, q)

    @rpc(expected_exceptions=DomainError)
    def departments(self, region_code=None):
        return organizations.departments(self.db, region_code)

    @rpc(expected_exceptions=DomainError)
    def committees(self, region_code=None):
        return organizations.committees(self.db, region_code)

    # -- for other services ------------------------------------------------------------
    @rpc(expected_exceptions=DomainError)
    def get_organizations(self, ids):
        return organizations.get_organizations(self.db, ids)

    @rpc(expected_exceptions=DomainError)
    def get_users(self, ids):
        return organizations.get_users(self.db, ids)

    @event_handler("applications", "notice_requested")
    def on_applications_notice(self, payload):
        """Applications' notices (在线问答: a question asked, an answer given), from
        its outbox."""
        return self.on_notice_requested(payload)

    @event_handler("review", "notice_requested")
    def on_notice_requested(self, payload):
        """Review's notices (a task arrived, a status changed, a task overdue) come as
        events: nobody waits for them (services/review/remote.py). One event may carry
        several (``messages``: a submit's notice to the applicant and to the unit),
        queued in one transaction. Returns how many messages were queued."""
        return notifications.notify_all(self.db, payload.get("messages") or [payload])

    @event_handler("documents", "notice_requested")
    def on_documents_notice_requested(self, payload):
        """Documents' notices (the nightly evidence check's findings) go to every
        account of the named roles — the platform admins."""
        return notifications.notify_all(self.db, payload.get("messages") or [payload])

    # -- 站内信 (the inbox) and which notices also go by SMS/email -------------------------
    @rpc(expected_exceptions=DomainError)
    def inbox(self, actor, unread_only=False, page=1, page_size=20):
        return notifications.inbox(self.db, actor, unread_only, page, page_size)

    @rpc(expected_exceptions=DomainError)
    def inbox_unread(self, actor):
        return notifications.unread_count(self.db, actor)

    @rpc(expected_exceptions=DomainError)
    def inbox_mark_read(self, actor, message_id=None):
        return notifications.mark_read(self.db, actor, message_id)

    @rpc(expected_exceptions=DomainError)
    def notification_preferences(self, actor):
        return notifications.preferences(self.db, actor)

    @rpc(expected_exceptions=DomainError)
    def set_notification_preferences(self, actor, choices):
        return notifications.set_preferences(self.db, actor, choices)

    @rpc
    def regions(self):
        return list(region_list())

    # -- one's own account ----------------------------------------------------------------
    @rpc(expected_exceptions=DomainError)
    def update_profile(self, actor, data, address=None):
        return self._published(profile.update_profile(self.db, actor, data, address))

    @rpc(expected_exceptions=DomainError)
    def change_password(self, token, old_password, new_password, address=None):
        return self._published(profile.change_password(self.db, token, old_password, new_password, address))

    # -- recovery and appeals -------------------------------------------------------------
    @rpc(expected_exceptions=DomainError)
    def recover_by_sms(self, data, address=None):
        return recovery.start_by_sms(self.db, data, address)

    @rpc(expected_exceptions=DomainError)
    def recover_by_email(self, email, address=None):
        return recovery.start_by_email(self.db, email, address)

    @rpc(expected_exceptions=DomainError)
    def reset_password(self, recovery_id, code, new_password, address=None):
        return self._published(recovery.reset_password(self.db, recovery_id, code, new_password, address))

    @rpc(expected_exceptions=DomainError)
    def recover_username(self, data, address=None):
        return recovery.recover_username(self.db, data, address)

    @rpc(expected_exceptions=DomainError)
    def submit_appeal(self, data, filename, content_b64, address=None):
        return appeals.submit(self.db, Documents(self.documents_rpc), data, filename, content_b64, address)

    @rpc(expected_exceptions=DomainError)
    def list_appeals(self, actor, status=None):
        require_role(actor, "platform_admin")
        return appeals.list_appeals(self.db, status)

    @rpc(expected_exceptions=DomainError)
    def appeal_scan(self, actor, appeal_id):
        require_role(actor, "platform_admin")
        return appeals.scan(self.db, Documents(self.documents_rpc), appeal_id)

    @rpc(expected_exceptions=DomainError)
    def decide_appeal(self, actor, appeal_id, approve, note=None, new_password=None, confirm_name_mismatch=False):
        require_role(actor, "platform_admin")
        return self._published(
            appeals.decide(self.db, actor, appeal_id, approve, note, new_password, confirm_name_mismatch))

    # -- audit -------------------------------------------------------------------------
    @rpc(expected_exceptions=DomainError)
    def audit_log(self, actor, user=None, kind=None, page=1, page_size=50):
        require_role(actor, "platform_admin")
        return audit.page(self.db, user, kind, page, page_size)

    @timer(interval=2)
    def send_notifications(self):
        notifications.send_all_pending(self.db, self.sender)

    @timer(interval=1)
    def relay_outbox(self):
        """Retry what could not be published right after its commit (broker down, crash)."""
        _outbox.run(self.db, self.dispatch)

    @timer(interval=3600)
    def purge_attempts(self):
        throttling.purge_attempts(self.db)
        devices.purge(self.db)
