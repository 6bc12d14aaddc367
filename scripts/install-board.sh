#!/usr/bin/env bash
# Installs (or upgrades) the scanpos terminal on its board as a systemd service.
#
#   npm run build                    (on any machine: writes the kit to dist/)
#   scp -r dist pi@board:scanpos-kit
#   ssh pi@board sudo scanpos-kit/install-board.sh [--dry-run]
#
# It can also run from a checkout on the board after `npm run build`.
# Safe to run again: it installs the new bundle, keeps the config and data.
#
#   /opt/scanpos                 the bundle and its native packages (root-owned)
#   /etc/scanpos/config.json     the terminal's config (never overwritten)
#   /var/lib/scanpos             its data (user scanpos)
#   /etc/systemd/system/scanpos.service
#   /usr/local/bin/scanpos       `scanpos hash-pin 123456` and the other commands
set -euo pipefail

PREFIX=/opt/scanpos
CONFIG_DIR=/etc/scanpos
DATA_DIR=/var/lib/scanpos
UNIT=/etc/systemd/system/scanpos.service
USER_NAME=scanpos
MIN_NODE_MAJOR=20
# Before 246, systemd-notify could exit before systemd read its message (the
# service would never be "ready"): see src/runtime/service-notify.ts.
MIN_SYSTEMD=246
# What node-gyp needs to compile epoll (and serialport where no prebuilt binary fits).
APT_PACKAGES=(build-essential python3)

DRY_RUN=0
ANY_ARCH=0
START=1

usage() {
  cat <<'EOF'
usage: install-board.sh [--dry-run] [--any-arch] [--no-start]
  --dry-run    print what would be done, change nothing (no root needed)
  --any-arch   install on a machine that is not armhf/arm64 (a test VM)
  --no-start   install and enable the service, but do not (re)start it
EOF
}

for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY_RUN=1 ;;
    --any-arch) ANY_ARCH=1 ;;
    --no-start) START=0 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install-board.sh: unknown option $arg" >&2; usage >&2; exit 2 ;;
  esac
done

say() { printf '==> %s\n' "$*"; }
warn() { printf 'install-board.sh: warning: %s\n' "$*" >&2; }
die() { printf 'install-board.sh: %s\n' "$*" >&2; exit 1; }

# Runs a command, or only prints it with --dry-run.
run() {
  if ((DRY_RUN)); then
    printf '    would run: %s\n' "$*"
  else
    "$@"
  fi
}

# --- where the kit is -------------------------------------------------------
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -f "$HERE/scanpos.cjs" ]]; then
  # The kit that `npm run build` wrote (dist/, copied to the board).
  KIT=$HERE
  UNIT_SRC=$HERE/scanpos.service
  EXAMPLE_CONFIG=$HERE/examples/board.json
elif [[ -f "$HERE/../dist/scanpos.cjs" ]]; then
  # A checkout: scripts/install-board.sh beside dist/.
  KIT=$(cd "$HERE/../dist" && pwd)
  UNIT_SRC=$HERE/board/scanpos.service
  EXAMPLE_CONFIG=$HERE/../config/examples/board.json
else
  die "no bundle found beside this script or in ../dist: run \`npm run build\` first"
fi
for f in "$KIT/package.json" "$KIT/package-lock.json" "$UNIT_SRC" "$EXAMPLE_CONFIG"; do
  [[ -f "$f" ]] || die "$f is missing: run \`npm run build\` again"
done

# --- checks -----------------------------------------------------------------
if ((!DRY_RUN)) && ((EUID != 0)); then
  die "run me as root (sudo $0), or with --dry-run to see what I would do"
fi

arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
case "$arch" in
  armhf | arm64 | aarch64 | armv7l) say "architecture $arch" ;;
  *)
    if ((ANY_ARCH)); then warn "architecture $arch is not a board's (armhf/arm64); going on (--any-arch)"
    else die "architecture $arch is not armhf or arm64 (use --any-arch to install anyway)"; fi
    ;;
esac

NODE=$(command -v node || true)
[[ -n "$NODE" ]] || die "node is not installed: install Node.js $MIN_NODE_MAJOR or later (Debian 13 / Raspberry Pi OS trixie: apt install nodejs npm; older releases: the NodeSource packages)"
NODE=$(readlink -f "$NODE")
node_major=$("$NODE" -p 'process.versions.node.split(".")[0]')
((node_major >= MIN_NODE_MAJOR)) || die "node $("$NODE" --version) is too old: scanpos needs Node.js $MIN_NODE_MAJOR or later"
command -v npm >/dev/null || die "npm is not installed (apt install npm, or it comes with the NodeSource nodejs package)"
say "node $("$NODE" --version) at $NODE"

command -v systemctl >/dev/null || die "systemd is required (systemctl not found)"
command -v systemd-notify >/dev/null || die "systemd-notify not found: the service tells systemd it is ready through it"
systemd_version=$(systemctl --version | awk 'NR == 1 { print $2 }')
if [[ "$systemd_version" =~ ^[0-9]+$ ]] && ((systemd_version < MIN_SYSTEMD)); then
  warn "systemd $systemd_version is older than $MIN_SYSTEMD: its systemd-notify may lose READY=1 (upgrade the OS)"
fi

# --- build tools for the native addons -------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  # shellcheck disable=SC2016 # a dpkg-query format, not shell
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]} (to compile the native addons)"
  run apt-get update
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  say "build tools present: ${APT_PACKAGES[*]}"
fi

# --- service user -----------------------------------------------------------
# Raspberry Pi OS has a gpio group (udev gives it /sys/class/gpio); plain Debian may not.
if ! getent group gpio >/dev/null; then
  say "creating the gpio group (give it /sys/class/gpio with a udev rule on a non-Raspberry Pi OS)"
  run groupadd --system gpio
fi
if ! id "$USER_NAME" >/dev/null 2>&1; then
  say "creating the system user $USER_NAME"
  run useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
fi
say "$USER_NAME in groups dialout, gpio, tty"
run usermod --append --groups dialout,gpio,tty "$USER_NAME"

# --- the bundle -------------------------------------------------------------
# Built in a staging folder and swapped in whole at the end, just before the
# restart: a failed compile leaves the running install as it was, and a
# running terminal (which loads some chunks only when first needed) never
# sees a half-replaced folder for long.
STAGE=$PREFIX.new
say "installing the bundle from $KIT to $PREFIX"
run rm -rf "$STAGE"
run mkdir -p "$STAGE"
run cp -R "$KIT/." "$STAGE/"
run rm -rf "$STAGE/node_modules"
abi=$("$NODE" -p 'process.versions.modules + "-" + process.arch')
if [[ -d "$PREFIX/node_modules" ]] && cmp -s "$PREFIX/package-lock.json" "$KIT/package-lock.json" &&
  [[ "$(cat "$PREFIX/.node-abi" 2>/dev/null || true)" == "$abi" ]]; then
  say "native packages unchanged (same lock, same Node ABI): reusing them"
  run cp -a "$PREFIX/node_modules" "$STAGE/node_modules"
else
  natives=$("$NODE" -p 'Object.entries(require(process.argv[1]).dependencies).map(([n, v]) => n + "@" + v).join(", ")' "$KIT/package.json")
  say "installing and building the native packages: $natives"
  # npm ci: exactly the locked versions; epoll compiles here with node-gyp.
  if ((DRY_RUN)); then
    printf '    would run: (cd %s && npm ci --omit=dev --no-audit --no-fund)\n' "$STAGE"
  else
    (cd "$STAGE" && npm ci --omit=dev --no-audit --no-fund)
  fi
fi
if ((DRY_RUN)); then
  printf '    would write %s/.node-abi (%s)\n' "$STAGE" "$abi"
else
  printf '%s\n' "$abi" >"$STAGE/.node-abi"
fi
run chown -R root:root "$STAGE"
run chmod -R u=rwX,go=rX "$STAGE"

say "command /usr/local/bin/scanpos"
if ((DRY_RUN)); then
  # shellcheck disable=SC2016 # "$@" is for the wrapper
  printf '    would write /usr/local/bin/scanpos (exec %s %s/scanpos.cjs "$@")\n' "$NODE" "$PREFIX"
else
  # shellcheck disable=SC2016 # "$@" is for the wrapper
  printf '#!/bin/sh\nexec %s %s/scanpos.cjs "$@"\n' "$NODE" "$PREFIX" >/usr/local/bin/scanpos
  chmod 0755 /usr/local/bin/scanpos
fi

# --- config and data --------------------------------------------------------
run install -d -o root -g "$USER_NAME" -m 0750 "$CONFIG_DIR"
fresh_config=0
if [[ -e "$CONFIG_DIR/config.json" ]]; then
  say "keeping $CONFIG_DIR/config.json"
else
  say "no $CONFIG_DIR/config.json: installing the example from $EXAMPLE_CONFIG (edit it)"
  # Readable by the service only: it holds the broker password and PIN hashes.
  run install -o root -g "$USER_NAME" -m 0640 "$EXAMPLE_CONFIG" "$CONFIG_DIR/config.json"
  fresh_config=1
fi
run install -d -o "$USER_NAME" -g "$USER_NAME" -m 0750 "$DATA_DIR"

# --- the console the display draws on ---------------------------------------
# A login prompt on the display's console would draw over the terminal.
config=$CONFIG_DIR/config.json
# (with --dry-run the example has not been installed yet)
[[ -f "$config" ]] || config=$EXAMPLE_CONFIG
# shellcheck disable=SC2016 # JavaScript, not shell
console=$("$NODE" -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const p = (c.display && c.display.path) || ""; if (/^\/dev\/tty[0-9]+$/.test(p)) console.log(p.slice(5))' "$config" || true)
if [[ -n "$console" ]]; then
  say "the display is $console: no login prompt there"
  run systemctl disable --now "getty@$console.service"
  if [[ "$console" != tty1 ]]; then warn "the unit's Conflicts=/After= name getty@tty1: change them to getty@$console"; fi
fi

# --- the service ------------------------------------------------------------
say "service unit $UNIT"
if ((DRY_RUN)); then
  printf '    would write %s from %s (ExecStart with %s)\n' "$UNIT" "$UNIT_SRC" "$NODE"
else
  sed "s#^ExecStart=/usr/bin/node #ExecStart=$NODE #" "$UNIT_SRC" >"$UNIT.tmp"
  chmod 0644 "$UNIT.tmp"
  mv "$UNIT.tmp" "$UNIT"
fi
run systemctl daemon-reload
run systemctl enable scanpos.service

say "switching $PREFIX to the new bundle"
run rm -rf "$PREFIX.old"
if [[ -e "$PREFIX" ]]; then run mv "$PREFIX" "$PREFIX.old"; fi
run mv "$STAGE" "$PREFIX"
run rm -rf "$PREFIX.old"

if ((!START)); then
  say "installed; (re)start it with: systemctl restart scanpos (a running terminal keeps the old bundle until then)"
elif ((fresh_config)); then
  say "installed and enabled. Now edit $CONFIG_DIR/config.json (terminal id, broker, PIN hashes:"
  say "  scanpos hash-pin <PIN>), then: systemctl start scanpos && journalctl -fu scanpos"
else
  say "(re)starting scanpos"
  run systemctl restart scanpos.service
  say "done: systemctl status scanpos; journalctl -fu scanpos"
fi
