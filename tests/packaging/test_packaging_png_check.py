"""packaging/check_bundle.py tells a real rendering from a blank or broken picture."""

import importlib.util
from pathlib import Path

import pytest

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"


@pytest.fixture(scope="module")
def check_bundle():
    spec = importlib.util.spec_from_file_location("check_bundle", PACKAGING / "check_bundle.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def save_png(path: Path, width: int, height: int, paint) -> Path:
    from PySide6.QtGui import QImage

    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFFFF)
    paint(image)
    assert image.save(str(path), "PNG")
    return path


def test_a_blank_window_is_not_a_rendering(check_bundle, tmp_path):
    blank = save_png(tmp_path / "blank.png", 320, 240, lambda image: None)
    with pytest.raises(check_bundle.CheckFailed, match="blank"):
        check_bundle.check_rendering(blank)


def test_a_picture_with_many_colours_passes(check_bundle, tmp_path):
    def gradient(image):
        for y in range(image.height()):
            for x in range(image.width()):
                image.setPixel(x, y, 0xFF000000 | (x % 256) << 16 | (y % 256) << 8)

    picture = save_png(tmp_path / "drawn.png", 320, 240, gradient)
    assert check_bundle.check_rendering(picture, (320, 240)) >= check_bundle.MIN_COLOURS


def test_a_wrong_size_or_a_non_png_fails(check_bundle, tmp_path):
    small = save_png(tmp_path / "small.png", 320, 240, lambda image: None)
    with pytest.raises(check_bundle.CheckFailed, match="expected 1400x900"):
        check_bundle.check_rendering(small, (1400, 900))
    text = tmp_path / "fake.png"
    text.write_text("not a picture")
    with pytest.raises(check_bundle.CheckFailed, match="not a PNG"):
        check_bundle.check_rendering(text)
