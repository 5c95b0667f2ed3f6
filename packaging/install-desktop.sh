#!/usr/bin/env bash
# Install the built bundle for the current user, like any desktop application:
#   bash packaging/install-desktop.sh [--bundle DIR]   # after `make package`
#   bash packaging/install-desktop.sh --uninstall
# The bundle goes to ~/.local/opt/hedge-planner, the `hedge-planner` command to
# ~/.local/bin, the menu entry, icons (hicolor theme) and AppStream metadata to
# ~/.local/share. The book is never touched: it stays in the user data folder.
set -euo pipefail
cd "$(dirname "$0")/.."
APP=hedge-planner
ID=org.hedgeplanner.HedgePlanner
SIZES="16 32 48 64 128 256 512"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
OPT="$HOME/.local/opt/$APP"
BIN="$HOME/.local/bin"
BUNDLE="dist/$APP"

refresh_caches() {
    if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$DATA/applications" || true; fi
    if command -v gtk-update-icon-cache >/dev/null; then gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true; fi
}

uninstall() {
    rm -rf "$OPT"
    rm -f "$BIN/$APP" "$DATA/applications/$ID.desktop" "$DATA/metainfo/$ID.metainfo.xml" \
        "$DATA/icons/hicolor/scalable/apps/$ID.svg"
    for size in $SIZES; do rm -f "$DATA/icons/hicolor/${size}x${size}/apps/$ID.png"; done
}

case "${1:-}" in
    --uninstall) uninstall; refresh_caches; echo "uninstalled (the book in the data folder is kept)"; exit 0 ;;
    --bundle) BUNDLE="$2" ;;
    "") ;;
    *) echo "usage: $0 [--bundle DIR] | --uninstall" >&2; exit 2 ;;
esac
if [ ! -x "$BUNDLE/$APP" ]; then
    echo "no bundle in $BUNDLE: run 'make package' first" >&2
    exit 1
fi

uninstall
mkdir -p "$(dirname "$OPT")" "$BIN" "$DATA/applications"
cp -a "$BUNDLE" "$OPT"
ln -s "$OPT/$APP" "$BIN/$APP"
for size in $SIZES; do
    install -D -m 644 "resources/icons/planner-$size.png" "$DATA/icons/hicolor/${size}x${size}/apps/$ID.png"
done
install -D -m 644 resources/icons/planner.svg "$DATA/icons/hicolor/scalable/apps/$ID.svg"
install -D -m 644 "packaging/$ID.metainfo.xml" "$DATA/metainfo/$ID.metainfo.xml"
# The menu does not read ~/.local/bin on every desktop: point the entry at the bundle itself.
sed -e "s|^Exec=$APP |Exec=\"$OPT/$APP\" |" -e "s|^TryExec=$APP\$|TryExec=$OPT/$APP|" \
    "packaging/$ID.desktop" > "$DATA/applications/$ID.desktop"
refresh_caches
echo "installed $OPT; menu entry $DATA/applications/$ID.desktop; command $BIN/$APP"
