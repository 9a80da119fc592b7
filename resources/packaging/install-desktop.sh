#!/bin/sh
# Clinic Log's launcher and icon in the current user's menus (Linux, XDG): the .desktop file and the SVG icon under
# $XDG_DATA_HOME (default ~/.local/share). `make dist` copies this script into dist/clinic-log/: run there, after the
# folder has been copied where it stays (e.g. /opt/clinic-log), it needs no argument. `make install-desktop` runs it
# for a source checkout with the checkout's executable and resources:
#     install-desktop.sh [EXECUTABLE [RESOURCES_FOLDER]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exe=${1:-$here/clinic-log}
resources=${2:-$here/_internal/clinic_log/resources}
data=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$data/applications" "$data/icons/hicolor/scalable/apps"
install -m 644 "$resources/icons/clinic-log.svg" "$data/icons/hicolor/scalable/apps/clinic-log.svg"
sed "s|@EXEC@|$exe|g" "$resources/clinic-log.desktop.in" > "$data/applications/clinic-log.desktop"
chmod 644 "$data/applications/clinic-log.desktop"
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$data/applications" || true
fi
echo "Clinic Log is in the applications menu (launcher: $data/applications/clinic-log.desktop, starts $exe)"
