#!/usr/bin/env bash
# Installs Postfix for its load tools only: smtp-source (a fast SMTP client) and smtp-sink (a
# fast SMTP server), which bench/send.ts uses as the yardstick for the SMTP relay's throughput.
# Idempotent: does nothing when smtp-source is already on the PATH or in /usr/sbin. The debconf
# preseed answers "No configuration", so the package leaves no main.cf behind, and policy-rc.d
# refuses every service start for the duration of the install: the postfix daemon never runs.
# Needs root (apt-get); prints the directory holding the tools.
set -euo pipefail

for dir in $(dirname "$(command -v smtp-source 2>/dev/null || echo /nonexistent/x)") /usr/sbin; do
  if [ -x "$dir/smtp-source" ] && [ -x "$dir/smtp-sink" ]; then
    echo "$dir"
    exit 0
  fi
done

if [ "$(id -u)" -ne 0 ]; then
  echo "install-postfix.sh: root is needed to apt-get install postfix (smtp-source/smtp-sink)" >&2
  exit 1
fi

echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections

# Keep the daemon from starting: invoke-rc.d consults policy-rc.d (101 = action forbidden).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends postfix >&2; then
  apt-get update >&2
  apt-get install -y --no-install-recommends postfix >&2
fi

dpkg -L postfix | grep -E '/smtp-(source|sink)$' >&2
echo /usr/sbin
