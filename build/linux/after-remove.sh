#!/bin/bash
# Run by dpkg after the .deb's files are removed: undoes build/linux/after-install.sh. The kiosk's data
# (~/.config/isoloir of the kiosk account: its database and keys) is left alone, on purpose: it may
# hold ballots not yet counted.
rm -f '/usr/bin/${executable}' /etc/xdg/autostart/isoloir-kiosk.desktop /usr/libexec/isoloir-kiosk-autostart
if [ -f '/etc/apparmor.d/${executable}' ]; then
  apparmor_parser --remove '/etc/apparmor.d/${executable}' 2>/dev/null || true
  rm -f '/etc/apparmor.d/${executable}'
fi
