#!/usr/bin/env bash
# The Linux counter kiosk (docs/deploy.md): the kiosk core behind the browser harness, and Debian's
# Chromium full screen on it, each started again when it stops. Run by the systemd user unit
# isoloir-kiosk.service (which also restarts this script), or by hand in a desktop session.
#
# The harness's secret never appears on a command line (every account can read /proc/*/cmdline) nor in
# the journal: the harness writes its address with the secret to a 0600 file in this account's runtime
# folder, and Chromium is pointed at a 0600 start page beside it that forwards to that address.
#
# Settings (environment, e.g. from ~/.config/isoloir/kiosk.env through the unit):
#   ISOLOIR_APP_DIR          the built app: out/harness/cli.js, out/renderer (default /opt/isoloir-kiosk)
#   ISOLOIR_PORT             the harness's port on 127.0.0.1 (default 5180)
#   ISOLOIR_CHROMIUM         the browser (default /usr/bin/chromium)
#   ISOLOIR_NODE             Node.js 20.19+ (default: node on the PATH)
#   ISOLOIR_CHROMIUM_FLAGS   extra Chromium flags, split on spaces (tests only; empty in service)
#   ISOLOIR_IDLE_SECONDS, …: read by the harness itself (npm run harness -- --help)
# Folders: STATE_DIRECTORY / RUNTIME_DIRECTORY from systemd, else ~/.local/state/isoloir and
# $XDG_RUNTIME_DIR/isoloir-kiosk.
set -uo pipefail
umask 077

app_dir=${ISOLOIR_APP_DIR:-/opt/isoloir-kiosk}
state_dir=${STATE_DIRECTORY:-${XDG_STATE_HOME:-$HOME/.local/state}/isoloir}
run_dir=${RUNTIME_DIRECTORY:-${XDG_RUNTIME_DIR:?XDG_RUNTIME_DIR is not set: run inside a login session}/isoloir-kiosk}
chromium=${ISOLOIR_CHROMIUM:-/usr/bin/chromium}
node=${ISOLOIR_NODE:-node}
port=${ISOLOIR_PORT:-5180}
url_file=$run_dir/kiosk-url
start_page=$run_dir/start.html
profile=$state_dir/chromium

say() { echo "isoloir-kiosk: $*" >&2; }

mkdir -p "$state_dir" "$run_dir" "$profile"
chmod 0700 "$state_dir" "$run_dir" "$profile"

harness_pid=
chromium_pid=

start_harness() {
  rm -f "$url_file" "$start_page"
  "$node" "$app_dir/out/harness/cli.js" \
    --db "$state_dir/kiosk.sqlite" \
    --renderer "$app_dir/out/renderer" \
    --port "$port" \
    --url-file "$url_file" &
  harness_pid=$!
  # The address file appears once the harness listens; a harness that dies first is started again.
  for _ in $(seq 1 300); do
    [ -s "$url_file" ] && break
    kill -0 "$harness_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  [ -s "$url_file" ] || return 1
  local url
  url=$(head -n 1 "$url_file")
  # Written 0600 (umask) before Chromium is pointed at it; the address is HTML-escaped by construction
  # (http://127.0.0.1:<port>/?<digits>#token=<base64url>), so it is written as it is.
  printf '<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">\n<meta http-equiv="refresh" content="0; url=%s">\n<title>isoloir</title>\n' "$url" >"$start_page"
  say "harness started (pid $harness_pid, port $port)"
}

start_chromium() {
  # The profile's preferences, before each start: no offer to restore the session after a crash, and
  # no offer to translate the page (a French page on an English system, or the English screens).
  local prefs=$profile/Default/Preferences
  mkdir -p "$profile/Default"
  "$node" -e '
    const fs = require("node:fs");
    const file = process.argv[1];
    let p = {};
    try { p = JSON.parse(fs.readFileSync(file, "utf8")); } catch {}
    p.profile = { ...p.profile, exit_type: "Normal", exited_cleanly: true };
    p.translate = { ...p.translate, enabled: false };
    p.browser = { ...p.browser, enable_spellchecking: false };
    fs.writeFileSync(file, JSON.stringify(p), { mode: 0o600 });
  ' "$prefs" || say "could not update Chromium's preferences"
  # shellcheck disable=SC2086 # ISOLOIR_CHROMIUM_FLAGS is a list of flags on purpose
  "$chromium" \
    --kiosk \
    --user-data-dir="$profile" \
    --no-first-run \
    --no-default-browser-check \
    --noerrdialogs \
    --disable-infobars \
    --disable-session-crashed-bubble \
    --disable-features=Translate,TranslateUI,MediaRouter \
    --disable-pinch \
    --overscroll-history-navigation=0 \
    --password-store=basic \
    --disable-background-networking \
    --disable-component-update \
    --disable-sync \
    --disable-default-apps \
    --disable-extensions \
    --autoplay-policy=no-user-gesture-required \
    ${ISOLOIR_CHROMIUM_FLAGS:-} \
    "file://$start_page" &
  chromium_pid=$!
  say "chromium started (pid $chromium_pid)"
}

stop_all() {
  say "stopping"
  [ -n "$chromium_pid" ] && kill "$chromium_pid" 2>/dev/null
  [ -n "$harness_pid" ] && kill "$harness_pid" 2>/dev/null
  wait
  rm -f "$url_file" "$start_page"
  exit 0
}
trap stop_all TERM INT

until start_harness; do
  say "harness did not start; trying again in 2 s"
  wait "$harness_pid" 2>/dev/null
  sleep 2
done
start_chromium

while :; do
  finished=
  wait -n -p finished "$harness_pid" "$chromium_pid"
  status=$?
  if [ "$finished" = "$harness_pid" ]; then
    say "harness stopped (status $status): starting it again, then Chromium on its new address"
    until start_harness; do
      wait "$harness_pid" 2>/dev/null
      sleep 2
    done
    # The page holds the old secret: Chromium is started again on the new start page.
    kill "$chromium_pid" 2>/dev/null
    wait "$chromium_pid" 2>/dev/null
    start_chromium
  elif [ "$finished" = "$chromium_pid" ]; then
    say "chromium stopped (status $status): starting it again"
    sleep 1
    start_chromium
  fi
done
