"""Small real files made on the fly for tests."""
import io

from PIL import Image


def jpeg(width=40, height=20, orientation=None, color=(200, 30, 30)):
    image = Image.new("RGB", (width, height), color)
    # A marker in the top-left corner, to see where "up" ended.
    for x in range(8):
        for y in range(4):
            image.putpixel((x, y), (0, 0, 255))
    out = io.BytesIO()
    if orientation is None:
        image.save(out, format="JPEG")
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png(width=16, height=16):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 200, 10)).save(out, format="PNG")
    return out.getvalue()


def pdf(text="证明材料"):
    """A minimal valid one-page PDF (no fonts needed)."""
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" \
           b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" \
           b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n" \
           b"trailer<</Root 1 0 R>>\n%%EOF\n"
    return body + b"%" + text.encode("utf-8") + b"\n"


def png_bomb(width=20000, height=20000):
    """A one-colour 1-bit PNG that claims width×height pixels in a few tens of KB.
    Its pixel stream is one compressed block of rows repeated (a full flush makes
    each copy stand alone), so making it neither holds nor compresses the image."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows_per_block = 500
    assert height % rows_per_block == 0
    block = (b"\x00" + b"\x00" * ((width + 7) // 8)) * rows_per_block  # filter byte + 1 bit a pixel
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = raw.compress(block) + raw.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(height // rows_per_block):
        adler = zlib.adler32(block, adler)
    stream = (b"\x78\xda" + segment * (height // rows_per_block) + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
              + struct.pack(">I", adler))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", stream) + chunk(b"IEND", b"")
