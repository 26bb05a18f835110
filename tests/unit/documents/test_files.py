import io

import pytest
from PIL import Image

from services.documents import files
from tests.unit.documents import images
from zc_common.errors import Invalid, TooLarge, UnsupportedType


@pytest.mark.parametrize("content, expected", [
    (images.jpeg(), "image/jpeg"),
    (images.png(), "image/png"),
    (images.pdf(), "application/pdf"),
])
def test_allowed_types_are_decided_by_content(content, expected):
    assert files.checked_content(content) == expected


@pytest.mark.parametrize("content", [
    b"just some text pretending to be a PDF\n",
    b"GIF89a" + b"\x00" * 64,
    b"PK\x03\x04" + b"\x00" * 64,  # a zip / docx
])
def test_other_content_is_refused_whatever_its_name(content):
    with pytest.raises(UnsupportedType) as caught:
        files.checked_content(content)
    assert caught.value.code == "unsupported_file_type"


def test_over_two_megabytes_is_refused():
    big = images.pdf() + b"0" * (2 * 1024 * 1024)
    with pytest.raises(TooLarge) as caught:
        files.checked_content(big)
    assert caught.value.code == "file_too_large"


def test_exactly_two_megabytes_is_accepted():
    content = images.pdf()
    content += b"0" * (2 * 1024 * 1024 - len(content))
    assert files.checked_content(content) == "application/pdf"


def test_empty_file_is_refused():
    with pytest.raises(Invalid) as caught:
        files.checked_content(b"")
    assert caught.value.code == "empty_file"


def test_rotated_photo_gets_an_upright_copy():
    original = images.jpeg(width=40, height=20, orientation=6)
    upright = files.upright_copy(original, "image/jpeg")
    assert upright is not None
    with Image.open(io.BytesIO(upright)) as image:
        assert image.size == (20, 40)  # orientation 6: turned a quarter clockwise
        assert image.getexif().get(0x0112, 1) == 1
        # The blue marker, top-left before, is top-right after a clockwise turn.
        r, g, b = image.convert("RGB").getpixel((18, 2))
        assert b > 150 and r < 100
    with Image.open(io.BytesIO(original)) as image:
        assert image.size == (40, 20)


def test_upright_photo_and_pdf_need_no_copy():
    assert files.upright_copy(images.jpeg(orientation=1), "image/jpeg") is None
    assert files.upright_copy(images.jpeg(), "image/jpeg") is None
    assert files.upright_copy(images.pdf(), "application/pdf") is None


def test_names_lose_paths_and_are_never_empty():
    assert files.clean_name("C:\\scan\\毕业证.pdf", "application/pdf") == "毕业证.pdf"
    assert files.clean_name("../../etc/passwd", "image/png") == "passwd"
    assert files.clean_name("", "image/png") == "附件.png"


def test_sha256_is_the_receipt_hash():
    assert files.sha256(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.mark.parametrize("size", [(20000, 20000), (8000, 8000)])
def test_a_decompression_bomb_is_refused_before_it_is_decoded(size):
    """20000×20000 is past Pillow's hard limit (an error); 8000×8000 only past the
    configured limit (Pillow's warning): both are refused the same way."""
    bomb = images.png_bomb(*size)
    assert len(bomb) < files.MAX_FILE_BYTES
    with pytest.raises(Invalid) as caught:
        files.checked_content(bomb)
    assert (caught.value.code, caught.value.field) == ("image_too_large", "file")
    assert Image.MAX_IMAGE_PIXELS == files.MAX_IMAGE_PIXELS


def test_a_large_but_sane_scan_passes():
    assert files.checked_content(images.png_bomb(5000, 7000)) == "image/png"  # 35 MP: A4 at 600 dpi
