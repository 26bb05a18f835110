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
