"""Creating accounts: applicants (one per resident ID number), base units (one per
credit code and per normalised name, with a system-assigned numeric username), and
the bootstrap administrator."""
import logging
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.accounts import audit, events, passwords, terms, unit_numbers, validators
from services.accounts.models import Organization, User
from services.accounts.regions import DEFAULT_REGION, region_code
from zc_common.clock import now
from zc_common.errors import Conflict

log = logging.getLogger("accounts")

ADMIN_USERNAME = "admin"


def commit_or_conflict(db, code, message):
    """Commit; a unique constraint lost to a concurrent request becomes a 409."""
    try:
        db.commit()
    except IntegrityError as exc:
        db.rollback()
        raise Conflict(code, message) from exc


def username_taken(db, username):
    return db.scalar(select(User.id).where(User.username == username)) is not None


def email_taken(db, email, exclude_user_id=None):
    """An email recovers one account, so two accounts may not share it."""
    query = select(User.id).where(User.email == email)
    if exclude_user_id:
        query = query.where(User.id != exclude_user_id)
    return db.scalar(query) is not None


def register_applicant(db, data, address=None):
    terms_version = terms.accepted_version(data)
    id_number = validators.id_number(data.get("id_number"))
    name = validators.required_text(data.get("name"), "name", "姓名", 64)
    phone = validators.mobile(data.get("phone"))
    region = region_code(data.get("region_code"), default=DEFAULT_REGION)
    email = validators.email(data["email"]) if data.get("email") else None
    username = validators.username(data["username"]) if data.get("username") else id_number
    password = validators.password(data.get("password"), username, id_number)
    if db.scalar(select(User.id).where(User.id_number == id_number)) is not None:
        raise Conflict("id_number_taken", "该身份证号已注册账号（一个身份证号只能注册一个账号），可通过找回功能找回")
    if username_taken(db, username):
        raise Conflict("username_taken", "用户名已被使用")
    if email and email_taken(db, email):
        raise Conflict("email_taken", "该邮箱已绑定其他账号")
    user = User(username=username, password_hash=passwords.hash_password(password), name=name,
                role="applicant", id_number=id_number, phone=phone, email=email, region_code=region,
                password_changed_at=now(), terms_version=terms_version, terms_accepted_at=now())
    db.add(user)
    db.flush()
    audit.record(db, "applicant_registered", user=user, address=address, terms_version=terms_version)
    commit_or_conflict(db, "id_number_taken", "该身份证号已注册账号")
    return {"user_id": user.id, "username": user.username}


def unit_username(db):
    """An unused 8-digit number, as the real platform assigns (e.g. 26532254)."""
    while True:
        candidate = str(secrets.randbelow(90_000_000) + 10_000_000)
        if not username_taken(db, candidate):
            return candidate


def find_unit_by_name(db, name, exclude_id=None):
    query = select(Organization).where(Organization.unit_name_key == validators.name_key(name))
    if exclude_id:
        query = query.where(Organization.id != exclude_id)
    return db.scalar(query)


def register_unit(db, data, address=None):
    terms_version = terms.accepted_version(data)
    name = validators.required_text(data.get("name"), "name", "单位名称", 200)
    code = validators.credit_code(data.get("credit_code"))
    region = region_code(data.get("region_code"))
    contact_person = validators.required_text(data.get("contact_person"), "contact_person", "联系人", 64)
    contact_phone = validators.contact_phone(data.get("contact_phone"))
    unit_address = validators.required_text(data.get("address"), "address", "单位地址", 300)
    password = validators.password(data.get("password"), None, code)
    if db.scalar(select(Organization.id).where(Organization.credit_code == code)) is not None:
        raise Conflict("unit_exists", "该统一社会信用代码已注册单位（如忘记账号请使用“账号申诉”）")
    if find_unit_by_name(db, name) is not None:
        raise Conflict("unit_exists", "同名单位已注册（如忘记账号请使用“账号申诉”）")
    password_hash = passwords.hash_password(password)
    username = unit_username(db)
    # Last before the commit: the number's counter row stays locked until then.
    unit = Organization(kind="unit", name=name, unit_name_key=validators.name_key(name), credit_code=code,
                        code=unit_numbers.next_unit_code(db),
                        region_code=region, contact_person=contact_person, contact_phone=contact_phone,
                        address=unit_address, recommending_unit_ids=[])
    db.add(unit)
    db.flush()
    admin = User(username=username, password_hash=password_hash, name=name,
                 role="unit_admin", phone=contact_phone if validators.MOBILE.match(contact_phone) else None,
                 org_id=unit.id, region_code=region, password_changed_at=now(),
                 terms_version=terms_version, terms_accepted_at=now())
    db.add(admin)
    db.flush()
    audit.record(db, "unit_registered", user=admin, address=address, unit_id=unit.id, terms_version=terms_version)
    events.organization_changed(db, unit)
    commit_or_conflict(db, "unit_exists", "该单位已注册")
    return {"unit_id": unit.id, "username": username}


def ensure_admin(db, password):
    """The bootstrap platform administrator; an existing one is left as it is."""
    if username_taken(db, ADMIN_USERNAME):
        return False
    if not password:
        password = passwords.temporary_password()
        log.warning("ZC_ADMIN_PASSWORD is not set; the bootstrap admin's password is %s", password)
    db.add(User(username=ADMIN_USERNAME, password_hash=passwords.hash_password(password), name="平台管理员",
                role="platform_admin", region_code=DEFAULT_REGION, password_changed_at=now()))
    try:
        db.commit()
    except IntegrityError:  # another replica created it first
        db.rollback()
        return False
    return True
