"""exchange_calendars reads its own version through importlib.metadata on import,
and picks calendars by name from a registry, so ship its metadata and every
calendar module (they are small)."""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules, copy_metadata

datas = copy_metadata("exchange_calendars") + collect_data_files("exchange_calendars")
hiddenimports = collect_submodules("exchange_calendars", filter=lambda name: ".tests" not in name)
