"""planner.resources finds the app's files from a source checkout and inside a bundle."""

import sys
from pathlib import Path

import pytest

from planner.resources import resource_path, resources_root

REPO = Path(__file__).resolve().parents[2]


def test_the_icon_is_found_from_source():
    icon = resource_path("icons", "planner.svg")
    assert icon == REPO / "resources" / "icons" / "planner.svg"
    assert icon.is_file()
    assert "<svg" in icon.read_text(encoding="utf-8")


def test_every_png_size_is_committed_beside_the_svg():
    for size in (16, 32, 48, 64, 128, 256, 512):
        png = resource_path("icons", f"planner-{size}.png")
        header = png.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(header[16:20], "big") == int.from_bytes(header[20:24], "big") == size


def test_inside_a_bundle_resources_come_from_the_bundle_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_root() == tmp_path / "resources"
    assert resource_path("icons", "planner.svg") == tmp_path / "resources" / "icons" / "planner.svg"


@pytest.mark.parametrize("parts", [("..", "pyproject.toml"), ("icons", "..", "..", "secret"), ("/etc", "passwd")])
def test_a_resource_name_cannot_leave_the_resources_folder(parts):
    with pytest.raises(ValueError, match="relative to the resources folder"):
        resource_path(*parts)
