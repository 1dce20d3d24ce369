#!/usr/bin/env bash
# Puts the real programs the tests use into .tools/bin (git-ignored), from Debian's packages, without touching the
# system's package sources: a side apt configuration for Debian trixie (which has nats-server 2.10, kustomize 5.6,
# age 1.2, docker-registry 2.8), `apt-get download`, then `dpkg -x`. kubectl is fetched only where none is on PATH.
# Idempotent: tools already present are skipped. Usage: hack/install-tools.sh [--force]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
bin="$tools/bin"
mkdir -p "$bin"

want=(nats-server docker-registry kustomize age)
declare -A package_of=([nats-server]=nats-server [docker-registry]=docker-registry [kustomize]=kustomize [age]=age [kubectl]=kubectl)
if { [ -n "${INSTALL_KUBECTL:-}" ] || ! command -v kubectl >/dev/null 2>&1; } && [ ! -x "$bin/kubectl" ]; then want+=(kubectl); fi

missing=()
for t in "${want[@]}"; do
  if [ "${1:-}" = "--force" ] || [ ! -x "$bin/$t" ]; then missing+=("$t"); fi
done
if [ ${#missing[@]} -eq 0 ]; then echo "install-tools: all tools present in $bin"; exit 0; fi
echo "install-tools: fetching ${missing[*]}"

# The Debian mirror is whatever this machine's own apt configuration uses; only the suite changes.
mirror=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
  | grep -E '^(URIs:|deb )' | grep -v security | head -n1 \
  | sed -E 's/^URIs:[[:space:]]*//; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//; s/[[:space:]].*$//' || true)
[ -n "$mirror" ] || { echo "install-tools: no Debian mirror found in /etc/apt" >&2; exit 1; }
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

work=$(mktemp -d "${TMPDIR:-/tmp}/flotilla-tools.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs" "$work/x"
echo "deb [signed-by=$keyring] $mirror trixie main" >"$work/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "Debug::NoLocking=1"
  -o "APT::Architecture=$(dpkg --print-architecture)" -o "Acquire::Languages=none" -o "APT::Sandbox::User=root")
apt-get "${apt_opts[@]}" -qq update
pkgs=()
for t in "${missing[@]}"; do pkgs+=("${package_of[$t]}/trixie"); done
(cd "$work/debs" && apt-get "${apt_opts[@]}" -qq download "${pkgs[@]}")
for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$work/x"; done
for t in "${missing[@]}"; do
  found=$(find "$work/x/usr" -type f -path "*bin/$t" -perm -u+x | head -n1)
  [ -n "$found" ] || { echo "install-tools: $t not found in its package" >&2; exit 1; }
  install -m 0755 "$found" "$bin/$t"
  [ "$t" = age ] && [ -f "$work/x/usr/bin/age-keygen" ] && install -m 0755 "$work/x/usr/bin/age-keygen" "$bin/age-keygen"
  echo "install-tools: $bin/$t"
done
