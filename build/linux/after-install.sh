#!/bin/bash
# Run by dpkg after the .deb is unpacked (electron-builder fills in ${executable} and
# ${sanitizedProductName}). Replaces electron-builder's own script, so it also does that script's work:
# the /usr/bin link and Chromium's sandbox helper. Then it makes the kiosk start at login, for members
# of the isoloir-kiosk group only (docs/deploy.md: the technician's account is not one).
set -e
APP_DIR='/opt/${sanitizedProductName}'

ln -sf "$APP_DIR/${executable}" '/usr/bin/${executable}'

# Chromium's sandbox: user namespaces when the kernel allows them, else the setuid helper.
if [ -L /proc/self/ns/user ] && unshare --user true 2>/dev/null; then
  chmod 0755 "$APP_DIR/chrome-sandbox" || true
else
  chmod 4755 "$APP_DIR/chrome-sandbox" || true
fi

# Ubuntu 24.04 and later restrict unprivileged user namespaces through AppArmor: load the profile that
# electron-builder ships, when this AppArmor accepts it.
if [ -f "$APP_DIR/resources/apparmor-profile" ] && apparmor_status --enabled >/dev/null 2>&1 &&
  apparmor_parser --skip-kernel-load "$APP_DIR/resources/apparmor-profile" >/dev/null 2>&1; then
  cp -f "$APP_DIR/resources/apparmor-profile" '/etc/apparmor.d/${executable}'
  apparmor_parser --replace --write-cache --skip-read-cache '/etc/apparmor.d/${executable}' || true
fi

# Start at login: an XDG autostart entry for every desktop session, which starts the kiosk only for
# accounts in the isoloir-kiosk group.
getent group isoloir-kiosk >/dev/null || groupadd --system isoloir-kiosk
install -m 0755 "$APP_DIR/resources/kiosk/start-if-kiosk-account.sh" /usr/libexec/isoloir-kiosk-autostart
install -m 0644 "$APP_DIR/resources/kiosk/isoloir-kiosk.desktop" /etc/xdg/autostart/isoloir-kiosk.desktop

if hash update-desktop-database 2>/dev/null; then
  update-desktop-database /usr/share/applications || true
fi
