"""What crosses RPC from the documents service."""
import base64
import binascii

from zc_common.clock import iso
from zc_common.errors import BadRequest


def receipt(attachment):
    """The upload receipt, also an item of ``list_attachments``."""
    return {"id": attachment.id, "section": attachment.section, "name": attachment.name,
            "size": attachment.size, "content_type": attachment.content_type,
            "sha256": attachment.sha256, "stored_at": iso(attachment.stored_at),
            "has_display_copy": attachment.display_key is not None}


def private_receipt(row):
    return {"id": row.id, "name": row.name, "size": row.size, "content_type": row.content_type,
            "sha256": row.sha256}


def decode_b64(content_b64):
    if not isinstance(content_b64, str):
        raise BadRequest("bad_content", "文件内容格式不正确")
    try:
        return base64.b64decode(content_b64, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest("bad_content", "文件内容格式不正确") from None


def encode_b64(content):
    return base64.b64encode(content).decode()


def file_body(name, content_type, content, **extra):
    return {"name": name, "content_type": content_type, "content_b64": encode_b64(content), **extra}


def object_source(key, name, content_type, **extra):
    """Which object the gateway streams to the client, and how to name it."""
    return {"key": key, "name": name, "content_type": content_type, **extra}
