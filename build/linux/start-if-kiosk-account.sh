#!/bin/sh
# XDG autostart runs this for every desktop session: only an account of the isoloir-kiosk group gets the
# kiosk (full screen, the shell's default), and it comes back if it ever stops. Any other account
# (the technician's) gets its ordinary desktop.
id -nG | tr ' ' '\n' | grep -qx isoloir-kiosk || exit 0
umask 077
while :; do
  /opt/isoloir/isoloir
  sleep 2
done
