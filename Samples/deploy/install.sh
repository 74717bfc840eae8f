#!/bin/sh
# Installs rulewatch and runs `rulewatch collect` every minute: with a systemd timer where
# systemd runs, else with /etc/cron.d/rulewatch. Run from the repository as root:
#
#   swift build -c release --static-swift-stdlib && sudo Samples/deploy/install.sh
#
# The static build needs no Swift runtime on the node: copy the binary to nodes that have none.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${RULEWATCH_BIN:-$here/../../.build/release/rulewatch}
[ -x "$bin" ] || { echo "install.sh: $bin not found: run 'swift build -c release --static-swift-stdlib' first" >&2; exit 66; }
install -m 0755 "$bin" /usr/local/bin/rulewatch
install -d -m 0750 /var/lib/rulewatch
if [ -d /run/systemd/system ]; then
    install -m 0644 "$here/rulewatch-collect.service" "$here/rulewatch-collect.timer" /etc/systemd/system/
    systemctl daemon-reload
    systemctl enable --now rulewatch-collect.timer
    echo "installed: rulewatch-collect.timer (systemctl list-timers rulewatch-collect.timer)"
else
    install -m 0644 "$here/rulewatch.cron" /etc/cron.d/rulewatch
    echo "installed: /etc/cron.d/rulewatch"
fi
