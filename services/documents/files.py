"""What a file is, decided by its bytes: type sniffing, size limit, a pixel limit
for images, receipt hash, and the upright display copy of a rotated photo."""
import hashlib
import io
import logging
import os
import warnings

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError

from zc_common.errors import Invalid, TooLarge, UnsupportedType

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 2 * 1024 * 1024
ALLOWED_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
EXIF_ORIENTATION = 0x0112

# A 2 MB PNG can claim 20000×20000 pixels (1.2 GB decoded). A 600 dpi A4 scan is
# ~35 MP; above the limit an image is refused before anything decodes it. Pillow's
# own guard is set to the same number (it warns above it and raises above twice it).
MAX_IMAGE_PIXELS = int(os.environ.get("ZC_MAX_IMAGE_PIXELS", 50_000_000))
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


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
    if kind.mime in ("image/jpeg", "image/png"):
        refuse_decompression_bomb(content)
    return kind.mime


def image_too_large():
    return Invalid("image_too_large",
                   f"图片像素过多（超过 {MAX_IMAGE_PIXELS // 10_000} 万像素），请缩小或降低扫描分辨率后重新上传",
                   field="file")


def refuse_decompression_bomb(content):
    """Invalid when the image claims more than MAX_IMAGE_PIXELS. Only the header is
    read (Image.open is lazy), so the check itself costs nothing."""
    try:
        # Pillow's bomb warning counts as a refusal too. Changing the warning filters
        # is safe here: nothing inside yields to another green thread.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise image_too_large() from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return  # damaged, yet what its signature says: kept, as before (no display copy)
    if width * height > MAX_IMAGE_PIXELS:
        raise image_too_large()


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
