import Testing
@testable import RuleWatchCore

/// A rewrite that swaps a service's endpoint while egress fails for another reason must not
/// blame the new endpoint's DNAT, which only carries the old one's traffic on.
@Suite struct TakeoverTests {
    func snapshot(_ time: String, egress: String, sep: String, to: String, packets: Int, redirect: Int?) -> String {
        var pre = """
        Chain PREROUTING (policy ACCEPT 0 packets, 0 bytes)
         pkts bytes target     prot opt in     out     source               destination
          900 54000 KUBE-SERVICES  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* kubernetes service portals */

        """
        if let redirect {
            pre += "  \(redirect) \(redirect * 60) REDIRECT   tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:443 redir ports 47443\n"
        }
        return "\(time)\n# egress \(egress)\n" + pre + """

        Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
         pkts bytes target     prot opt in     out     source               destination

        Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)
         pkts bytes target     prot opt in     out     source               destination

        Chain POSTROUTING (policy ACCEPT 0 packets, 0 bytes)
         pkts bytes target     prot opt in     out     source               destination

        Chain KUBE-SERVICES (1 references)
         pkts bytes target     prot opt in     out     source               destination
           40  2400 KUBE-SVC-NPX46M4PTMTKRN6Y  tcp  --  *      *       0.0.0.0/0            10.96.41.7           /* default/web:http cluster IP */ tcp dpt:80

        Chain KUBE-SVC-NPX46M4PTMTKRN6Y (1 references)
         pkts bytes target     prot opt in     out     source               destination
           40  2400 \(sep)  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* default/web:http */

        Chain \(sep) (1 references)
         pkts bytes target     prot opt in     out     source               destination
        \(packets) \(packets * 60) DNAT       tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            /* default/web:http */ tcp to:\(to):8080


        """
    }

    @Test func newEndpointDNATThatReplacesTheOldOneIsNotCritical() throws {
        let capture = snapshot("2026-11-24T10:00:00Z", egress: "ok=10 total=10", sep: "KUBE-SEP-7OQO4MFOJXK3FWGE", to: "10.244.1.20", packets: 10, redirect: nil)
            + snapshot("2026-11-24T10:01:00Z", egress: "ok=10 total=10", sep: "KUBE-SEP-7OQO4MFOJXK3FWGE", to: "10.244.1.20", packets: 20, redirect: nil)
            + snapshot("2026-11-24T10:02:00Z", egress: "ok=10 total=10", sep: "KUBE-SEP-7OQO4MFOJXK3FWGE", to: "10.244.1.20", packets: 30, redirect: nil)
            + snapshot("2026-11-24T10:03:00Z", egress: "ok=0 total=10", sep: "KUBE-SEP-ZX7GRIZKSNUQ3LAJ", to: "10.244.1.22", packets: 10, redirect: 10)
            + snapshot("2026-11-24T10:04:00Z", egress: "ok=0 total=10", sep: "KUBE-SEP-ZX7GRIZKSNUQ3LAJ", to: "10.244.1.22", packets: 20, redirect: 20)
        let (history, warnings) = try parseCapture(capture, into: CaptureHistory())
        #expect(warnings.isEmpty, "\(warnings)")
        let result = Analyzer().analyze(history)
        let critical = result.findings.filter { $0.severity == .critical }
        #expect(critical.map(\.target) == ["REDIRECT"], "\(result.text())")
        let dnat = result.findings.first { $0.target == "DNAT" && $0.kind == "climb-with-egress-drop" }
        if let dnat {
            #expect(dnat.severity == .warning)
            #expect(dnat.explanation.contains("replaced rule"))
        }
    }

    @Test func shapeReadsNumbersAndChainHashesAlike() {
        let a = ClimbWithEgressDropDetector.shape("-A KUBE-SEP-7OQO4MFOJXK3FWGE -p tcp -j DNAT --to-destination 10.244.1.20:8080")
        let b = ClimbWithEgressDropDetector.shape("-A KUBE-SEP-ZX7GRIZKSNUQ3LAJ -p tcp -j DNAT --to-destination 10.244.1.22:8080")
        #expect(a == b)
        #expect(ClimbWithEgressDropDetector.shape("tcp dpt:80 redir ports 47080") != ClimbWithEgressDropDetector.shape("udp dpt:80 redir ports 47080"))
    }
}
