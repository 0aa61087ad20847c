# Debian's chromium for the browser tests (AuditPortal.E2E). Playwright's own browser download
# cannot run here; its bundled driver drives the system chromium instead. Source it, then call
# chromium_require (exports AUDITPORTAL_CHROMIUM).

chromium_require() {
  local path=${AUDITPORTAL_CHROMIUM:-}
  [ -n "$path" ] && [ -x "$path" ] || path=$(command -v chromium || true)
  if [ -z "$path" ]; then
    echo "chromium not found; installing Debian's chromium package" >&2
    local sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
    path=$(command -v chromium) || { echo "cannot find or install chromium" >&2; return 1; }
  fi
  export AUDITPORTAL_CHROMIUM=$path
}
