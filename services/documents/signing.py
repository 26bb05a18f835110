"""The platform's certificate signature (issue #15): every certificate PDF is
signed (PAdES baseline B-B, with pyHanko) at issue time, and its QR code carries
the certificate's fields with an ECDSA signature that anyone holding the public
key verifies offline.

One key pair does both: ECDSA P-256. The key and its X.509 certificate come from
configuration — ``ZC_SIGNING_KEY`` and ``ZC_SIGNING_CERT`` (PEM file paths) —
and, when neither is set, from a development pair generated on first start under
``ZC_DATA_DIR/signing/`` (created exclusively, so replicas sharing the data dir
agree on one). Production configures its own (docs/certificates.md).

QR payload: ``base64url(JSON fields) "." base64url(r‖s)`` — r‖s is the IEEE P1363
form WebCrypto's ``ECDSA``/``SHA-256`` verify takes, so the public check page
verifies it in the browser without asking the server."""
import base64
import datetime
import hashlib
import io
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import eventlet.tpool
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.x509.oid import NameOID
from nameko.extensions import DependencyProvider

from zc_common.config import data_dir

QR_FIELDS = ("no", "name", "title", "level", "committee", "approved_on", "document_no")
SIGNER_NAME = "zhicheng 职称评审平台 证书签名"


@dataclass(frozen=True)
class Keys:
    key_pem: bytes
    cert_pem: bytes

    @property
    def private_key(self):
        return serialization.load_pem_private_key(self.key_pem, password=None)

    @property
    def certificate(self):
        return x509.load_pem_x509_certificate(self.cert_pem)

    def public_key_pem(self):
        return self.certificate.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def fingerprint(self):
        """SHA-256 of the certificate (DER), as PDF readers show it."""
        return self.certificate.fingerprint(hashes.SHA256()).hex()

    def public_jwk(self):
        numbers = self.certificate.public_key().public_numbers()
        return {"kty": "EC", "crv": "P-256", "x": _b64(numbers.x.to_bytes(32, "big")),
                "y": _b64(numbers.y.to_bytes(32, "big")), "alg": "ES256", "use": "sig"}


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate(common_name=SIGNER_NAME, days=3650):
    """A fresh key and a self-signed certificate fit for signing documents."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "zhicheng"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + datetime.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return Keys(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()),
                cert.public_bytes(serialization.Encoding.PEM))


def _write_exclusive(path, data):
    """Write ``data`` to ``path`` unless it exists (then another process won)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return True


def _development_keys():
    folder = data_dir() / "signing"
    folder.mkdir(parents=True, exist_ok=True)
    pair = folder / "certificate-signing.pem"   # key and certificate in one file: written at once
    if not pair.exists():
        fresh = generate(SIGNER_NAME + "（开发用）")
        tmp = folder / f".pair-{os.getpid()}.pem"
        tmp.write_bytes(fresh.key_pem + fresh.cert_pem)
        tmp.chmod(0o600)
        try:
            os.link(tmp, pair)   # atomic and never overwrites: the first replica's pair wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return _split(pair.read_bytes())


def _split(pem):
    marker = b"-----BEGIN CERTIFICATE-----"
    at = pem.index(marker)
    return Keys(pem[:at], pem[at:])


@lru_cache(maxsize=1)
def platform_keys():
    key_path, cert_path = os.environ.get("ZC_SIGNING_KEY"), os.environ.get("ZC_SIGNING_CERT")
    if key_path or cert_path:
        if not (key_path and cert_path):
            raise RuntimeError("ZC_SIGNING_KEY and ZC_SIGNING_CERT must be set together")
        keys = Keys(Path(key_path).read_bytes(), Path(cert_path).read_bytes())
    else:
        keys = _development_keys()
    keys.private_key, keys.certificate  # noqa: B018 — a broken file stops start-up, not an issue
    return keys


# -- the QR payload -------------------------------------------------------------------

def qr_fields(public):
    """The signed fields, from a certificate's public view."""
    return {k: str(public.get(k) or "") for k in QR_FIELDS}


def _canonical(fields):
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign_fields(fields, keys=None):
    keys = keys or platform_keys()
    body = _canonical(fields)
    der = keys.private_key.sign(body, ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return f"{_b64(body)}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def open_payload(payload, keys=None):
    """The fields of a genuine payload, or None: anything malformed, altered or
    signed by another key is simply not genuine."""
    keys = keys or platform_keys()
    if not isinstance(payload, str) or payload.count(".") != 1 or len(payload) > 4096:
        return None
    body_text, sig_text = payload.split(".")
    try:
        body, raw = _unb64(body_text), _unb64(sig_text)
        if len(raw) != 64:
            return None
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        keys.certificate.public_key().verify(der, body, ec.ECDSA(hashes.SHA256()))
        fields = json.loads(body)
    except (ValueError, InvalidSignature, UnicodeDecodeError):
        return None
    if not isinstance(fields, dict) or set(fields) != set(QR_FIELDS):
        return None
    return fields


# -- the PDF signature ----------------------------------------------------------------

def _signer(keys):
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    cert = asn1_x509.Certificate.load(keys.certificate.public_bytes(serialization.Encoding.DER))
    key = asn1_keys.PrivateKeyInfo.load(keys.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return signers.SimpleSigner(signing_cert=cert, signing_key=key,
                                cert_registry=SimpleCertificateStore.from_certs([cert]))


def certificate_reason(no):
    return f"专业技术资格电子证书 {no}"


def sign_pdf(pdf, reason, keys=None):
    """``pdf`` signed by the platform (PAdES B-B, an invisible signature whose
    ``reason`` says what it is: ``certificate_reason(no)`` names a certificate).
    Blocking CPU work: run it off the loop."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    keys = keys or platform_keys()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name="PlatformSignature", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location="zhicheng", name=SIGNER_NAME)
    return signers.sign_pdf(writer, meta, signer=_signer(keys)).getvalue()


def check_pdf(data, keys=None):
    """What the public page reports about an uploaded file: ``{"signed", "intact",
    "valid", "trusted", "whole_file", "reason", "sha256", "problem"}``; ``problem``
    is None only for a file signed by the platform and unchanged since."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    keys = keys or platform_keys()
    answer = {"signed": False, "intact": False, "valid": False, "trusted": False, "whole_file": False,
              "reason": None, "sha256": hashlib.sha256(data).hexdigest(), "problem": None}
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return {**answer, "problem": "not_pdf"}
    if not signatures:
        return {**answer, "problem": "unsigned"}
    signature = signatures[-1]
    root = asn1_x509.Certificate.load(keys.certificate.public_bytes(serialization.Encoding.DER))
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    try:
        status = validate_pdf_signature(signature, context)
    except Exception:  # noqa: BLE001 — a mangled signature object is an invalid one
        return {**answer, "signed": True, "problem": "invalid_signature"}
    whole = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    # "由本平台签发" is a fact about the signer: pyHanko skips the chain check when the
    # digest no longer matches, so a byte-flipped certificate read as not the platform's
    platform_signed = status.signing_cert is not None and status.signing_cert.dump() == root.dump()
    answer.update(signed=True, intact=bool(status.intact), valid=bool(status.valid),
                  trusted=bool(status.trusted) or platform_signed, whole_file=whole,
                  reason=str(signature.sig_object.get("/Reason") or "") or None)
    if not (status.intact and status.valid):
        answer["problem"] = "invalid_signature"
    elif not status.trusted:
        answer["problem"] = "other_signer"
    elif not whole:
        answer["problem"] = "changed_after_signing"
    return answer


def sign_off_loop(pdf, reason):
    """``sign_pdf`` on eventlet's native thread pool: blocking crypto and pyHanko's
    own event loop stay off the service's green threads."""
    return eventlet.tpool.execute(sign_pdf, pdf, reason)


def check_off_loop(data):
    return eventlet.tpool.execute(check_pdf, data)


def public_info(keys=None):
    """What anyone needs to check a certificate offline: the public key (PEM and
    JWK for WebCrypto), the certificate PDF readers show, and its fingerprint."""
    keys = keys or platform_keys()
    cert = keys.certificate
    return {"algorithm": "ECDSA P-256 / SHA-256", "qr_format": "base64url(JSON) '.' base64url(r||s)",
            "qr_fields": list(QR_FIELDS), "public_key_pem": keys.public_key_pem().decode(),
            "jwk": keys.public_jwk(), "certificate_pem": keys.cert_pem.decode(),
            "subject": cert.subject.rfc4514_string(), "sha256_fingerprint": keys.fingerprint(),
            "not_after": cert.not_valid_after_utc.isoformat()}


class SigningKeys(DependencyProvider):
    """Loads (or, in development, first generates) the signing key when the service
    starts: a broken key file stops start-up instead of the first approval."""

    def setup(self):
        platform_keys()

    def get_dependency(self, worker_ctx):
        return platform_keys()
