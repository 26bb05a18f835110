"""Who may do what with an application's files, as plain functions over the
application dict that applications hands out (``get_application_internal``)."""
import re

from zc_common.errors import Conflict, Invalid, NotFound


def not_found():
    return NotFound("not_found", "申请书或文件不存在")


def is_owner(actor, application):
    return bool(actor) and (application.get("applicant") or {}).get("id") == actor.get("id")


def may_read(actor, application, has_reached, expert_may_read=None):
    """The owner, an organisation the application has reached, and an expert drawn
    to judge it who signed the no-conflict declaration — nobody else.
    ``has_reached(org_id)`` and ``expert_may_read()`` ask review, which owns the
    route and the panels."""
    if is_owner(actor, application):
        return True
    if (actor or {}).get("role") == "expert":
        return bool(expert_may_read and expert_may_read())
    org_id = (actor or {}).get("org_id")
    if not org_id or actor.get("role") == "applicant":
        return False
    return bool(has_reached(org_id))


def ensure_may_read(actor, application, has_reached, expert_may_read=None):
    if not may_read(actor, application, has_reached, expert_may_read):
        raise not_found()


def ensure_may_change_files(actor, application):
    """Only the owner, and only while the application is a draft or returned."""
    if not is_owner(actor, application):
        raise not_found()
    if not application["status_info"]["editable"]:
        raise Conflict("not_editable", "申请书已提交或已进入评审，当前状态下不能修改附件；如需修改请等待退回")


def ensure_section(application, section):
    keys = [s.get("key") for s in (application.get("template") or {}).get("sections", [])]
    if not section or section not in keys:
        raise Invalid("unknown_section", "附件所属栏目不存在于本申请书的模板中", field="section")


def is_formal(application):
    """From formal review passing on, the 评审表 is the official form — the
    ``formal`` flag of the status applications sends with the application."""
    return application["status_info"]["formal"]


PRIVATE_KIND = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def ensure_private_kind(kind, owner_ref):
    if not isinstance(kind, str) or not PRIVATE_KIND.match(kind):
        raise Invalid("invalid_kind", "文件类别不正确", field="kind")
    if not isinstance(owner_ref, str) or not 0 < len(owner_ref) <= 128:
        raise Invalid("invalid_owner_ref", "文件归属标识不正确", field="owner_ref")
