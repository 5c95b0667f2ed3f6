"""The menu entry and the AppStream metadata name the same app, command and icon."""

import configparser
import xml.etree.ElementTree as ET
from pathlib import Path

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
APP_ID = "org.hedgeplanner.HedgePlanner"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive in desktop files
    parser.read(PACKAGING / f"{APP_ID}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_desktop_entry_starts_the_bundled_window_with_the_app_icon():
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Hedge Planner"
    assert entry["Exec"] == "hedge-planner gui"
    assert entry["TryExec"] == "hedge-planner"
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    assert "Finance" in entry["Categories"].split(";")


def test_the_metainfo_names_the_same_id_desktop_file_and_command():
    root = ET.parse(PACKAGING / f"{APP_ID}.metainfo.xml").getroot()
    assert root.tag == "component"
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == desktop_entry()["Name"]
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == f"{APP_ID}.desktop"
    assert root.findtext("provides/binary") == "hedge-planner"
    assert root.findtext("project_license") == "MIT"


def test_the_newest_release_in_the_metainfo_is_the_package_version():
    from planner import __version__

    root = ET.parse(PACKAGING / f"{APP_ID}.metainfo.xml").getroot()
    assert root.find("releases/release").get("version") == __version__


def test_the_bundle_spec_builds_the_command_the_entry_runs():
    spec = (PACKAGING / "hedge-planner.spec").read_text(encoding="utf-8")
    assert 'APP = "hedge-planner"' in spec
    assert '(str(ROOT / "resources"), "resources")' in spec  # where planner.resources looks in a bundle
