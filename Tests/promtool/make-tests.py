#!/usr/bin/env python3
"""Turns real-kernel captures into `promtool test rules` tests of `rulewatch alerts`.

For each scenario directory (capture.txt and truth.txt, made by
Samples/incident/make-capture.sh), this runs `rulewatch export` on the first snapshot, the
first two, ... the whole capture, as a node's cron loop would after each snapshot, and turns
the exported series into promtool's input_series notation, one value a minute (one export,
one scrape). The expectations come from truth.txt, not from the alerts themselves:

- incident: silent at every minute before the REDIRECT rules went in; at the last minute
  RuleWatchCriticalFinding fires for the REDIRECT rules (the analyzer rates both critical)
  and RuleWatchRuleClimbsAsEgressFails for those whose port the probes used.
- healthy (a burst through a service DNAT and a kube-proxy rewrite, egress unmoved): both
  alerts silent at every minute.

Usage: make-tests.py --rulewatch BIN [--out DIR] [SCENARIO_DIR ...]
Writes DIR/rulewatch-alerts.yml (`rulewatch alerts`) and DIR/rulewatch-alerts.test.yml;
then `promtool test rules DIR/rulewatch-alerts.test.yml`. Standard library only.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ALERTS = ("RuleWatchCriticalFinding", "RuleWatchRuleClimbsAsEgressFails")


def die(message):
    sys.stderr.write("make-tests.py: error: %s\n" % message)
    sys.exit(1)


def snapshots(text):
    """The capture cut into snapshots: make-capture.sh writes a timestamp line, then
    `# egress ok=N total=N`, then the dump."""
    lines = text.splitlines(keepends=True)
    starts = [i - 1 for i, line in enumerate(lines) if line.startswith("# egress ") and i > 0]
    if not starts or starts[0] != 0:
        die("capture does not start with a timestamp and an `# egress` line")
    return ["".join(lines[a:b]) for a, b in zip(starts, starts[1:] + [len(lines)])]


def truth(path):
    values = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                values[key] = value
    return values


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_exposition(text):
    """{(name, labels text): value} of an exposition; labels text is `{...}` verbatim, whose
    escaping (\\\\, \\", \\n) is PromQL's too."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            die("unreadable exposition line: %r" % line)
        out[(m.group(1), m.group(2) or "{}")] = m.group(3)
    return out


def labels_of(labels_text):
    return {k: unescape(v) for k, v in LABEL.findall(labels_text)}


def unescape(value):
    return re.sub(r'\\(.)', lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), value)


def export_series(rulewatch, capture_path):
    """Per series, its value after each snapshot (None where the export had none)."""
    with open(capture_path) as f:
        parts = snapshots(f.read())
    series = {}
    with tempfile.TemporaryDirectory(prefix="rulewatch-promtool-") as tmp:
        prefix = os.path.join(tmp, "capture.txt")
        for k in range(len(parts)):
            with open(prefix, "w") as f:
                f.write("".join(parts[:k + 1]))
            run = subprocess.run([rulewatch, "export", prefix], capture_output=True, text=True)
            if run.returncode != 0:
                die("rulewatch export failed (%d) after snapshot %d: %s" % (run.returncode, k + 1, run.stderr))
            for key, value in parse_exposition(run.stdout).items():
                series.setdefault(key, [None] * len(parts))[k] = value
    return series, len(parts)


def notation(values):
    """A value per minute: `_` before the series' first export, `stale` once an export no
    longer has it (as Prometheus marks a series gone from a scrape)."""
    out = []
    for v in values:
        out.append(v if v is not None else ("stale" if any(o not in ("_", "stale") for o in out) else "_"))
    return out


def yaml_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def annotations(rules_text):
    """Per alert, its annotation templates, read back from the rules file."""
    out = {}
    current = None
    for line in rules_text.splitlines():
        m = re.match(r'\s*- alert: (\S+)', line)
        if m:
            current = m.group(1)
            out[current] = {}
            continue
        m = re.match(r'\s*(summary|description): "(.*)"$', line)
        if m and current:
            out[current][m.group(1)] = m.group(2).replace('\\"', '"').replace("\\\\", "\\")
    return out


def render(template, labels):
    return re.sub(r'\{\{ \$labels\.(\w+) \}\}', lambda m: labels.get(m.group(1), ""), template)


def test_group(name, directory, rulewatch, templates):
    facts = truth(os.path.join(directory, "truth.txt"))
    series, count = export_series(rulewatch, os.path.join(directory, "capture.txt"))
    instance = "%s-node" % name
    extra = 'instance="%s",job="node"' % instance
    lines = ["  # %s: %s snapshots of %s (seed %s, format %s), exported after each one"
             % (name, count, directory_name(directory), facts.get("seed"), facts.get("format")),
             "  - interval: 1m", "    input_series:"]
    for (metric, labels_text), values in sorted(series.items()):
        inner = labels_text[1:-1]
        selector = "%s{%s%s}" % (metric, inner + "," if inner else "", extra)
        lines.append("      - series: '%s'" % selector.replace("'", "''"))
        lines.append("        values: '%s'" % " ".join(notation(values)))

    info = {labels_of(l)["rule_id"]: labels_of(l) for (m, l) in series if m == "rulewatch_rule_info"}
    packets = [labels_of(l) for (m, l) in series if m == "rulewatch_rule_packets_total"]
    lines.append("    alert_rule_test:")
    expected_at_end = {a: [] for a in ALERTS}
    if name == "incident":
        onset = int(facts["inject_interval"])
        quiet = range(onset)
        used = {p.split(":")[0]: int(p.split(":")[1]) for p in facts["probes_per_interval"].split(",")}
        redirects = []
        for rule in packets:
            text = info[rule["rule_id"]]["rule"]
            for port, to in (("443", "47443"), ("80", "47080")):
                if rule["target"] in ("REDIRECT", "redirect") and to in text:
                    redirects.append((port, rule, text))
        if sorted(p for p, _, _ in redirects) != ["443", "80"]:
            die("the incident's export does not show both REDIRECT rules: %r" % redirects)
        for port, rule, text in redirects:
            expected_at_end["RuleWatchCriticalFinding"].append(dict(
                kind="climb-with-egress-drop", severity="critical", family=rule["family"], table=rule["table"],
                chain=rule["chain"], rule_id=rule["rule_id"], rule=text))
            if used[port] > 0:
                expected_at_end["RuleWatchRuleClimbsAsEgressFails"].append(dict(
                    severity="critical", family=rule["family"], table=rule["table"], chain=rule["chain"],
                    target=rule["target"], rule_id=rule["rule_id"], rule=text))
    else:
        quiet = range(count)
    for minute in quiet:
        for alert in ALERTS:
            lines += ["      - eval_time: %dm" % minute, "        alertname: %s" % alert, "        exp_alerts: []"]
    if name == "incident":
        for alert in ALERTS:
            lines += ["      - eval_time: %dm" % (count - 1), "        alertname: %s" % alert, "        exp_alerts:"]
            for labels in sorted(expected_at_end[alert], key=lambda l: l["rule_id"]):
                labels = dict(labels, instance=instance, job="node")
                lines.append("          - exp_labels:")
                for key in sorted(labels):
                    lines.append("              %s: %s" % (key, yaml_string(labels[key])))
                lines.append("            exp_annotations:")
                for key in sorted(templates[alert]):
                    lines.append("              %s: %s" % (key, yaml_string(render(templates[alert][key], labels))))
    return lines


def directory_name(path):
    return os.path.relpath(os.path.abspath(path), HERE)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rulewatch", required=True, help="the built rulewatch")
    parser.add_argument("--out", default=HERE, help="where the rules and the test go (default: beside this script)")
    parser.add_argument("scenarios", nargs="*", help="scenario directories (default: incident and healthy beside this script)")
    args = parser.parse_args()
    scenarios = args.scenarios or [os.path.join(HERE, "incident"), os.path.join(HERE, "healthy")]

    run = subprocess.run([args.rulewatch, "alerts"], capture_output=True, text=True)
    if run.returncode != 0:
        die("rulewatch alerts failed (%d): %s" % (run.returncode, run.stderr))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "rulewatch-alerts.yml"), "w") as f:
        f.write(run.stdout)
    templates = annotations(run.stdout)
    if set(templates) != set(ALERTS):
        die("rulewatch alerts printed alerts %s, expected %s" % (sorted(templates), sorted(ALERTS)))

    out = ["# Made by Tests/promtool/make-tests.py from real-kernel captures; do not edit.",
           "# Check: promtool test rules rulewatch-alerts.test.yml",
           "rule_files:", "  - rulewatch-alerts.yml", "evaluation_interval: 1m", "tests:"]
    for directory in scenarios:
        name = os.path.basename(os.path.normpath(directory))
        if name not in ("incident", "healthy"):
            die("a scenario directory is named incident or healthy, not %r" % name)
        out += test_group(name, directory, args.rulewatch, templates)
    with open(os.path.join(args.out, "rulewatch-alerts.test.yml"), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
