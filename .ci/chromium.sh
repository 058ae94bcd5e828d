# Sourced by .ci/run: the console's browser tests drive Debian's chromium (playwright-core, no
# browser download). Installed from apt when missing; run after the OpenStack script, which also
# uses apt, so the two never wait on dpkg's lock.
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium from Debian for the console's browser tests"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >/dev/null; then
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >/dev/null
  fi
fi
echo "$(chromium --version 2>/dev/null || echo 'chromium: missing')"
