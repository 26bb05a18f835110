"""What a file is, decided by its bytes: type sniffing, size limit, receipt hash,
and the upright display copy of a rotated photo."""
import hashlib
import io
import logging

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError

from zc_common.errors import Invalid, TooLarge, UnsupportedType

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 2 * 1024 * 1024
ALLOWED_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
EXIF_ORIENTATION = 0x0112


def checked_content(content):
    """The bytes' real type (JPEG, PNG or PDF), whatever the name or declared type
    says; refuses anything else, an empty file and anything over 2 MB."""
    if not content:
        raise Invalid("empty_file", "上传的文件是空的", field="file")
    if len(content) > MAX_FILE_BYTES:
        raise TooLarge("file_too_large", "文件不能超过 2 MB")
    kind = filetype.guess(content)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise UnsupportedType("unsupported_file_type", "只能上传 JPEG、PNG 或 PDF 文件（按文件内容判断）")
    return kind.mime


def sha256(content):
    return hashlib.sha256(content).hexdigest()


def clean_name(filename, content_type):
    """A display name without any path, never empty."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())[:200]
    return name or "附件" + ALLOWED_TYPES[content_type]


def upright_copy(content, content_type):
    """JPEG bytes turned upright when the photo has an EXIF rotation; None when it
    needs none (or is not a photo). The original is kept untouched elsewhere."""
    if content_type not in ("image/jpeg", "image/png"):
        return None
    try:
        with Image.open(io.BytesIO(content)) as image:
            orientation = image.getexif().get(EXIF_ORIENTATION, 1)
            if orientation in (None, 1):
                return None
            upright = ImageOps.exif_transpose(image)
            if upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            upright.save(out, format="JPEG", quality=90)
            return out.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        # A damaged image still is what its signature says; show the original.
        log.info("no upright copy: image could not be decoded", exc_info=True)
        return None
