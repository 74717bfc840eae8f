import Testing
@testable import RuleWatchCore

/// A chain's policy switched to DROP as egress fell is what broke it; a DROP policy that was
/// there all along and counts a little more is not.
@Suite struct PolicySwitchTests {
    func snapshot(_ minute: Int, egress: String, policy: String, packets: Int) -> String {
        """
        2026-11-24T10:0\(minute):00Z
        # egress \(egress)
        Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
         pkts bytes target     prot opt in     out     source               destination
          100  6000 ACCEPT     all  --  lo     *       0.0.0.0/0            0.0.0.0/0

        Chain FORWARD (policy \(policy) \(packets) packets, \(packets * 60) bytes)
         pkts bytes target     prot opt in     out     source               destination
          \(minute * 10) \(minute * 600) ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0            ctstate RELATED,ESTABLISHED

        Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)
         pkts bytes target     prot opt in     out     source               destination


        """
    }

    @Test func forwardPolicySwitchedToDropIsCritical() throws {
        let capture = snapshot(0, egress: "ok=10 total=10", policy: "ACCEPT", packets: 100)
            + snapshot(1, egress: "ok=10 total=10", policy: "ACCEPT", packets: 200)
            + snapshot(2, egress: "ok=10 total=10", policy: "ACCEPT", packets: 300)
            + snapshot(3, egress: "ok=0 total=10", policy: "DROP", packets: 340)
            + snapshot(4, egress: "ok=0 total=10", policy: "DROP", packets: 380)
        let (history, warnings) = try parseCapture(capture, into: CaptureHistory())
        #expect(warnings.isEmpty, "\(warnings)")
        let result = Analyzer().analyze(history)
        let critical = result.findings.filter { $0.severity == .critical }
        #expect(critical.count == 1, "\(result.text())")
        #expect(critical.first?.chain == "FORWARD" && critical.first?.target == "DROP")
        #expect(critical.first?.explanation.contains("policy became DROP") == true)
    }

    @Test func dropPolicyThatWasAlwaysThereIsNoCulprit() throws {
        let capture = snapshot(0, egress: "ok=10 total=10", policy: "DROP", packets: 0)
            + snapshot(1, egress: "ok=10 total=10", policy: "DROP", packets: 0)
            + snapshot(2, egress: "ok=10 total=10", policy: "DROP", packets: 0)
            + snapshot(3, egress: "ok=0 total=10", policy: "DROP", packets: 40)
            + snapshot(4, egress: "ok=0 total=10", policy: "DROP", packets: 80)
        let (history, _) = try parseCapture(capture, into: CaptureHistory())
        #expect(!Analyzer().analyze(history).findings.contains { $0.severity == .critical })
    }
}
