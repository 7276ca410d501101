#!/usr/bin/env bash
# Alertmanager and amtool from Debian (prometheus-alertmanager): `make lint` checks the
# configuration in monitoring/alertmanager/ with amtool, and the rollout notification test sends
# alerts through a real Alertmanager. Installs the package only when a binary is missing.
set -euo pipefail

if command -v amtool >/dev/null && command -v prometheus-alertmanager >/dev/null; then
  exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
  echo "alertmanager: install Debian's prometheus-alertmanager (as root: apt-get install prometheus-alertmanager)" >&2
  exit 1
fi
echo "alertmanager: installing Debian's prometheus-alertmanager"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-alertmanager >/dev/null
