#!/usr/bin/env bash
# Entry point of `make bench`: make sure nginx, wget and the peer link
# checkers are installed, then run the link benchmark.
#
#   bench/run.sh                      # the published workload: 5,000 pages
#   bench/run.sh --pages 300          # a quick smoke run
#   bench/run.sh --tools wget,lychee  # a subset; see run_links.py --help
#
# Arguments go to bench/run_links.py. Each tool has its own time limit
# (--timeout, default 600 s); the table says when a tool hit it.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH")"
PROJECT_PY="$REPO/.venv/bin/python"
PEERS="$BENCH/.venv-peers"
NGINX=/usr/sbin/nginx

log() { printf 'bench: %s\n' "$*" >&2; }

apt_install() {
    # Debian packages, only when missing; needs root (as on the project's machines and CI).
    if [ "$(id -u)" -ne 0 ]; then
        log "missing $*; install it with: sudo apt-get install -y $*"
        exit 2
    fi
    log "installing $* from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_system_tools() {
    [ -x "$NGINX" ] || apt_install nginx-light
    command -v wget >/dev/null || apt_install wget
}

ensure_peers() {
    # Reinstall only when the pinned requirements change (stamp = their hash).
    local stamp="$PEERS/.requirements.sha256"
    local want
    want="$(sha256sum "$BENCH/peers-requirements.txt" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
        && [ -x "$PEERS/bin/linkchecker" ] && [ -x "$PEERS/bin/lychee" ]; then
        return
    fi
    log "installing peer link checkers into $PEERS"
    python3 -m venv "$PEERS"
    "$PEERS/bin/pip" install -q --disable-pip-version-check -r "$BENCH/peers-requirements.txt"
    echo "$want" >"$stamp"
}

main() {
    if [ ! -x "$PROJECT_PY" ]; then
        log "$PROJECT_PY not found: create the project venv first (make setup)"
        exit 2
    fi
    ensure_system_tools
    ensure_peers
    exec "$PROJECT_PY" "$BENCH/run_links.py" "$@"
}

main "$@"
