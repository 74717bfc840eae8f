#!/usr/bin/env python3
"""Writes an `iptables-restore --counters` file shaped like kube-proxy's iptables mode.

The node has N ClusterIP services, each with one to a few endpoints; some are NodePorts,
some have no endpoints and are rejected in the filter table. Counters follow a simple flow
model so the chains agree with each other (a service's packets split across its endpoints)
and spread as on a real node: most rules idle, some in the thousands and millions, a few in
the billions.

    gen-ruleset.py --services 3000 --seed 1 [--minute 0] [--stats FILE] [-o FILE]

`--minute K` writes the same ruleset K minutes later: every counter has grown (or stayed),
never shrunk, so a series of them makes a rolling capture. `--stats` writes the totals the
file holds (rule counters only, policy counters excluded), one `table rules=N pkts=N bytes=N`
line per table, then `total ...`: the reference a parser is checked against.
"""

import argparse
import base64
import hashlib
import random
import sys

# How long the node has been up at minute 0, in minutes: a counter at minute K is its
# minute-0 value scaled by (UPTIME + K) / UPTIME, so busy rules visibly move each minute.
UPTIME = 7 * 24 * 60

NAMESPACES = [
    "default", "kube-system", "monitoring", "ingress-nginx", "cert-manager", "payments",
    "checkout", "catalog", "search", "auth", "billing", "analytics", "logging", "media",
    "orders", "inventory", "shipping", "notifications", "reporting", "ml-serving",
]
WORDS = [
    "api", "web", "worker", "cache", "redis", "postgres", "mysql", "kafka", "zookeeper",
    "gateway", "frontend", "backend", "grpc", "metrics", "exporter", "collector", "proxy",
    "scheduler", "indexer", "queue", "store", "session", "user", "profile", "cart", "price",
    "image", "thumb", "feed", "event", "audit", "ledger", "token", "mailer", "sms", "push",
]
PORTS = [("http", 80, "tcp"), ("https", 443, "tcp"), ("grpc", 9090, "tcp"),
         ("metrics", 9100, "tcp"), ("http", 8080, "tcp"), ("db", 5432, "tcp"),
         ("redis", 6379, "tcp"), ("kafka", 9092, "tcp"), ("dns", 53, "udp"),
         ("dns-tcp", 53, "tcp"), ("syslog", 514, "udp"), ("web", 3000, "tcp")]


def chain_suffix(kind, key):
    """kube-proxy's chain name: a hash of the service port, base32, 16 characters."""
    digest = hashlib.sha256((kind + key).encode()).digest()
    return base64.b32encode(digest).decode()[:16]


class Flow:
    """A rule's share of some traffic: packets at minute K and bytes per packet."""

    def __init__(self, packets, size):
        self.packets = packets
        self.size = size

    def at(self, minute, fraction=1.0):
        p = int(self.packets * fraction * (UPTIME + minute) / UPTIME)
        return p, p * self.size


def draw_packets(rng):
    """Packets a service has seen since boot: heavy-tailed, mostly nothing."""
    r = rng.random()
    if r < 0.55:
        return 0
    if r < 0.80:
        return rng.randint(1, 9_999)
    if r < 0.93:
        return int(10 ** rng.uniform(4, 7))
    if r < 0.99:
        return int(10 ** rng.uniform(7, 9))
    return int(10 ** rng.uniform(9, 10.3))


def draw_size(rng):
    """Mean bytes per packet: small for DNS and acks, near MTU for bulk transfers."""
    return int(10 ** rng.uniform(1.78, 3.17))


class Service:
    def __init__(self, rng, index, used_ips):
        self.ns = rng.choice(NAMESPACES)
        self.name = "-".join(rng.sample(WORDS, rng.choice([1, 2, 2, 3]))) + "-" + str(index)
        self.port_name, self.port, self.proto = rng.choice(PORTS)
        while True:
            ip = "10.96.%d.%d" % (rng.randint(0, 255), rng.randint(1, 254))
            if ip not in used_ips:
                used_ips.add(ip)
                break
        self.ip = ip
        self.key = "%s/%s:%s" % (self.ns, self.name, self.port_name)
        self.svc = "KUBE-SVC-" + chain_suffix(self.key, self.proto)
        self.ext = "KUBE-EXT-" + chain_suffix(self.key, self.proto)
        r = rng.random()
        count = 0 if r < 0.03 else 1 if r < 0.20 else 2 if r < 0.45 else 3 if r < 0.75 \
            else rng.randint(4, 7)
        self.endpoints = []
        for _ in range(count):
            ep = "10.244.%d.%d" % (rng.randint(0, 255), rng.randint(2, 254))
            target_port = self.port if rng.random() < 0.5 else rng.choice([8080, 8443, 3000, 5000, 9000])
            self.endpoints.append((ep, target_port, "KUBE-SEP-" + chain_suffix(self.key, ep + str(target_port))))
        self.node_port = rng.randint(30000, 32767) if count and rng.random() < 0.10 else None
        self.flow = Flow(draw_packets(rng), draw_size(rng))
        self.masq_share = rng.uniform(0.0, 0.1)
        weights = [rng.uniform(0.7, 1.3) for _ in range(count)]
        total = sum(weights) or 1.0
        self.shares = [w / total for w in weights]
        self.hairpin = rng.uniform(0.0, 0.002)
        self.node_flow = Flow(draw_packets(rng) // 10, draw_size(rng))

    def match(self):
        return "-p %s -m %s --dport %d" % (self.proto, self.proto, self.port)


class Table:
    def __init__(self, name, builtins):
        self.name = name
        self.builtins = builtins
        self.policy = {c: (0, 0) for c in builtins}
        self.chains = []
        self.rules = []

    def chain(self, name):
        if name not in self.chains:
            self.chains.append(name)

    def add(self, counters, text):
        self.rules.append((counters, text))

    def totals(self):
        p = sum(c[0] for c, _ in self.rules)
        b = sum(c[1] for c, _ in self.rules)
        return len(self.rules), p, b

    def write(self, out):
        out.write("*%s\n" % self.name)
        for c in self.builtins:
            out.write(":%s ACCEPT [%d:%d]\n" % ((c,) + self.policy[c]))
        for c in self.chains:
            out.write(":%s - [0:0]\n" % c)
        for (p, b), text in self.rules:
            out.write("[%d:%d] %s\n" % (p, b, text))
        out.write("COMMIT\n")


def comment(text):
    return '-m comment --comment "%s"' % text


def build(services, seed, minute):
    rng = random.Random(seed)
    used = set()
    svcs = [Service(rng, i, used) for i in range(services)]
    nat = Table("nat", ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"])
    flt = Table("filter", ["INPUT", "FORWARD", "OUTPUT"])

    for c in ["KUBE-KUBELET-CANARY", "KUBE-MARK-MASQ", "KUBE-NODEPORTS", "KUBE-POSTROUTING",
              "KUBE-PROXY-CANARY", "KUBE-SERVICES"]:
        nat.chain(c)
    for c in ["KUBE-EXTERNAL-SERVICES", "KUBE-FIREWALL", "KUBE-FORWARD", "KUBE-KUBELET-CANARY",
              "KUBE-NODEPORTS", "KUBE-PROXY-CANARY", "KUBE-PROXY-FIREWALL", "KUBE-SERVICES"]:
        flt.chain(c)

    # Totals for the jumps into kube-proxy's chains, filled in as the services are written.
    all_p = all_b = masq_p = masq_b = 0
    svc_rules, np_rules, body, reject = [], [], [], []
    for s in svcs:
        p, b = s.flow.at(minute)
        all_p += p
        all_b += b
        if not s.endpoints:
            reject.append((s.flow.at(minute, 0.001),
                           "-A KUBE-SERVICES -d %s/32 %s %s -j REJECT --reject-with icmp-port-unreachable"
                           % (s.ip, comment(s.key + " has no endpoints"), s.match())))
            continue
        for c in [s.svc] + [e[2] for e in s.endpoints]:
            nat.chain(c)
        svc_rules.append(((p, b), "-A KUBE-SERVICES -d %s/32 %s %s -j %s"
                          % (s.ip, comment(s.key + " cluster IP"), s.match(), s.svc)))
        mp, mb = s.flow.at(minute, s.masq_share)
        masq_p += mp
        masq_b += mb
        body.append(((mp, mb), "-A %s ! -s 10.244.0.0/16 -d %s/32 %s %s -j KUBE-MARK-MASQ"
                     % (s.svc, s.ip, comment(s.key + " cluster IP"), s.match())))
        left = len(s.endpoints)
        for (ep, tport, sep), share in zip(s.endpoints, s.shares):
            prob = "" if left == 1 else " -m statistic --mode random --probability %.11f" % (1.0 / left)
            left -= 1
            body.append((s.flow.at(minute, share), "-A %s %s%s -j %s" % (s.svc, comment(s.key), prob, sep)))
        for (ep, tport, sep), share in zip(s.endpoints, s.shares):
            hp, hb = s.flow.at(minute, share * s.hairpin)
            masq_p += hp
            masq_b += hb
            body.append(((hp, hb), "-A %s -s %s/32 %s -j KUBE-MARK-MASQ" % (sep, ep, comment(s.key))))
            body.append((s.flow.at(minute, share), "-A %s -p %s %s -m %s -j DNAT --to-destination %s:%d"
                         % (sep, s.proto, comment(s.key), s.proto, ep, tport)))
        if s.node_port:
            nat.chain(s.ext)
            np_p, np_b = s.node_flow.at(minute)
            masq_p += np_p
            masq_b += np_b
            np_rules.append(((np_p, np_b), "-A KUBE-NODEPORTS -p %s %s -m %s --dport %d -j %s"
                             % (s.proto, comment(s.key), s.proto, s.node_port, s.ext)))
            body.append(((np_p, np_b), "-A %s %s -j KUBE-MARK-MASQ"
                         % (s.ext, comment("masquerade traffic for %s external destinations" % s.key))))
            body.append(((np_p, np_b), "-A %s -j %s" % (s.ext, s.svc)))

    def grown(p, b):
        f = (UPTIME + minute) / UPTIME
        return int(p * f), int(b * f)

    # Traffic that is not for a service: the rest of what the node sees.
    other_p, other_b = grown(5_300_000_000, 4_100_000_000_000)
    pre = (all_p + other_p // 2, all_b + other_b // 2)
    out = (all_p // 3 + other_p // 2, all_b // 3 + other_b // 2)
    nat.policy["PREROUTING"] = grown(81_234_567, 9_876_543_210)
    nat.policy["INPUT"] = grown(2_345_678, 456_789_012)
    nat.policy["OUTPUT"] = grown(19_876_543, 2_109_876_543)
    nat.policy["POSTROUTING"] = grown(21_098_765, 2_345_678_901)
    nat.add(pre, "-A PREROUTING %s -j KUBE-SERVICES" % comment("kubernetes service portals"))
    nat.add(out, "-A OUTPUT %s -j KUBE-SERVICES" % comment("kubernetes service portals"))
    nat.add((pre[0] + out[0], pre[1] + out[1]),
            "-A POSTROUTING %s -j KUBE-POSTROUTING" % comment("kubernetes postrouting rules"))
    nat.add((masq_p, masq_b), "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000")
    nat.add((max(0, pre[0] + out[0] - masq_p), max(0, pre[1] + out[1] - masq_b)),
            "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN")
    nat.add((masq_p, masq_b), "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000")
    nat.add((masq_p, masq_b), "-A KUBE-POSTROUTING %s -j MASQUERADE --random-fully"
            % comment("kubernetes service traffic requiring SNAT"))
    nat.rules.extend(np_rules)
    nat.rules.extend(svc_rules)
    nat.add(grown(1_234_567, 74_074_020),
            "-A KUBE-SERVICES %s -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS"
            % comment("kubernetes service nodeports; NOTE: this must be the last rule in this chain"))
    nat.rules.extend(body)

    fwd = grown(3_456_789_012, 2_987_654_321_098)
    inp = grown(987_654_321, 345_678_901_234)
    flt.policy["INPUT"] = grown(12_345_678, 3_456_789_012)
    flt.policy["FORWARD"] = grown(0, 0)
    flt.policy["OUTPUT"] = grown(876_543_210, 234_567_890_123)
    flt.add(grown(4_567_890, 274_073_400), "-A INPUT -m conntrack --ctstate NEW %s -j KUBE-PROXY-FIREWALL"
            % comment("kubernetes load balancer firewall"))
    flt.add(inp, "-A INPUT %s -j KUBE-NODEPORTS" % comment("kubernetes health check service ports"))
    flt.add(grown(4_567_890, 274_073_400), "-A INPUT -m conntrack --ctstate NEW %s -j KUBE-EXTERNAL-SERVICES"
            % comment("kubernetes externally-visible service portals"))
    flt.add(inp, "-A INPUT -j KUBE-FIREWALL")
    flt.add(grown(2_345_678, 140_740_680), "-A FORWARD -m conntrack --ctstate NEW %s -j KUBE-PROXY-FIREWALL"
            % comment("kubernetes load balancer firewall"))
    flt.add(fwd, "-A FORWARD %s -j KUBE-FORWARD" % comment("kubernetes forwarding rules"))
    flt.add(grown(2_345_678, 140_740_680), "-A FORWARD -m conntrack --ctstate NEW %s -j KUBE-SERVICES"
            % comment("kubernetes service portals"))
    flt.add(grown(2_345_678, 140_740_680), "-A FORWARD -m conntrack --ctstate NEW %s -j KUBE-EXTERNAL-SERVICES"
            % comment("kubernetes externally-visible service portals"))
    flt.add(grown(8_765_432, 525_925_920), "-A OUTPUT -m conntrack --ctstate NEW %s -j KUBE-PROXY-FIREWALL"
            % comment("kubernetes load balancer firewall"))
    flt.add(grown(8_765_432, 525_925_920), "-A OUTPUT -m conntrack --ctstate NEW %s -j KUBE-SERVICES"
            % comment("kubernetes service portals"))
    flt.add(grown(876_543_210, 234_567_890_123), "-A OUTPUT -j KUBE-FIREWALL")
    flt.add(grown(0, 0), "-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 %s -m conntrack ! --ctstate "
            "RELATED,ESTABLISHED,DNAT -j DROP" % comment("block incoming localnet connections"))
    flt.add(grown(1_234, 98_720), "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP")
    flt.add(grown(12_345_678, 9_876_543_210), "-A KUBE-FORWARD %s -m mark --mark 0x4000/0x4000 -j ACCEPT"
            % comment("kubernetes forwarding rules"))
    flt.add(grown(3_444_443_334, 2_977_777_777_888), "-A KUBE-FORWARD %s -m conntrack --ctstate "
            "RELATED,ESTABLISHED -j ACCEPT" % comment("kubernetes forwarding conntrack rule"))
    flt.rules.extend(reject)
    return [nat, flt]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--services", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--minute", type=int, default=0, help="minutes after the first snapshot")
    ap.add_argument("--stats", help="write the totals here")
    ap.add_argument("-o", "--output", help="the restore file (default: standard output)")
    args = ap.parse_args()

    tables = build(args.services, args.seed, args.minute)
    out = open(args.output, "w") if args.output else sys.stdout
    out.write("# kube-proxy-shaped ruleset: %d services, seed %d, minute %d\n"
              % (args.services, args.seed, args.minute))
    for t in tables:
        t.write(out)
    if args.output:
        out.close()
    if args.stats:
        with open(args.stats, "w") as f:
            rules = pkts = byts = 0
            for t in tables:
                n, p, b = t.totals()
                f.write("%s rules=%d pkts=%d bytes=%d\n" % (t.name, n, p, b))
                rules, pkts, byts = rules + n, pkts + p, byts + b
            f.write("total rules=%d pkts=%d bytes=%d\n" % (rules, pkts, byts))


if __name__ == "__main__":
    main()
