"""Reading a multipart upload without ever buffering an unbounded body.

The file part is read chunk by chunk; as soon as it passes ``max_bytes`` reading
stops and the caller gets TooLarge (413 ``file_too_large``). The chunks go to
memory (``Upload.content``, for callers that pass the bytes on over RPC) or, with
``spool=True``, to an anonymous temporary file (``Upload.spool``), so fifty 2 MB
uploads in flight cost the gateway fifty chunks, not 100 MB. Text fields are small
and capped too, and must be storable text (422 ``invalid_text``). The
Content-Length header, when present, refuses early. A body that is not well-formed
multipart is 400 ``malformed_multipart``, whatever part of it is broken.
How fast the body must arrive is ``gateway.upload_limits``' concern.
"""
import base64
import tempfile
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.multipart import MultipartReader

from gateway.input_checks import check_form_fields
from zc_common.errors import BadRequest, Invalid, TooLarge

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FIELD_BYTES = 8 * 1024
CHUNK = 64 * 1024
MULTIPART_SLACK = 16 * 1024  # part headers and text fields around the file


class FileSpool:
    """A file part on disk as it arrives (unlinked at once: nothing is left behind
    even if the process dies)."""

    def __init__(self):
        self.file = tempfile.TemporaryFile(prefix="zc-upload-")
        self.size = 0

    def restart(self):
        self.file.seek(0)
        self.file.truncate()
        self.size = 0

    def write(self, chunk):
        self.file.write(chunk)
        self.size += len(chunk)

    async def chunks(self, size):
        """The file again from its start, ``size`` bytes at a time. Plain reads: the
        bytes were just written and sit in the page cache."""
        self.file.seek(0)
        while chunk := self.file.read(size):
            yield chunk

    def close(self):
        self.file.close()


@dataclass
class Upload:
    fields: dict = field(default_factory=dict)
    filename: str | None = None
    declared_type: str | None = None
    content: bytes = b""
    spool: FileSpool | None = None
    size: int = 0

    def content_b64(self):
        return base64.b64encode(self.content).decode()

    def close(self):
        if self.spool is not None:
            self.spool.close()


def too_large(max_bytes):
    return TooLarge("file_too_large", f"文件不能超过 {max_bytes // (1024 * 1024)} MB")


def malformed_multipart():
    return BadRequest("malformed_multipart", "上传内容格式不正确")


# What aiohttp's multipart reader raises on a broken body: a missing or bad boundary,
# data after the end, a bad part header, an unknown charset or transfer encoding.
_MALFORMED = (ValueError, AssertionError, LookupError, HttpProcessingError)


async def read_upload(request: web.Request, file_field="file", max_bytes=MAX_FILE_BYTES, spool=False,
                      file_required=True) -> Upload:
    """The request's form; the caller closes it (``Upload.close``) when done. Without
    ``file_required`` a form with no file part is fine (``filename`` stays None)."""
    if request.content_length is not None and request.content_length > max_bytes + MULTIPART_SLACK:
        raise too_large(max_bytes)
    if not request.content_type.startswith("multipart/form-data"):
        raise BadRequest("multipart_required", "请以 multipart/form-data 方式上传文件")
    upload = Upload(spool=FileSpool() if spool else None)
    try:
        try:
            await _read_parts(await request.multipart(), upload, file_field, max_bytes)
        except _MALFORMED as exc:
            raise malformed_multipart() from exc
        check_form_fields(upload.fields)
        if upload.filename is None:
            if not file_required:
                return upload
            raise Invalid("file_required", "请选择要上传的文件", field=file_field)
        if not upload.size:
            raise Invalid("empty_file", "上传的文件是空的", field=file_field)
    except BaseException:
        upload.close()
        raise
    return upload


async def _read_parts(reader, upload, file_field, max_bytes):
    while True:
        part = await reader.next()
        if part is None:
            return upload
        if isinstance(part, MultipartReader):  # a nested multipart/mixed: not a form
            raise malformed_multipart()
        if part.name == file_field and part.filename is not None:
            upload.filename = part.filename
            upload.declared_type = part.headers.get("Content-Type")
            if upload.spool is not None:
                upload.spool.restart()  # a second file part replaces the first, as in memory
            chunks, size = [], 0
            while True:
                chunk = await part.read_chunk(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise too_large(max_bytes)
                if upload.spool is not None:
                    upload.spool.write(chunk)
                else:
                    chunks.append(chunk)
            upload.size = size
            upload.content = b"".join(chunks)
        else:
            value = await part.read(decode=True)
            if len(value) > MAX_FIELD_BYTES:
                raise Invalid("field_too_long", "字段内容过长", field=part.name)
            upload.fields[part.name] = value.decode("utf-8", errors="replace")
