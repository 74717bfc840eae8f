import Testing
@testable import RuleWatchCore

/// The static hazard follows jumps that let egress through whole, and only those.
@Suite struct HazardPathTests {
    let save = """
    *nat
    :PREROUTING ACCEPT [0:0]
    :INPUT ACCEPT [0:0]
    :OUTPUT ACCEPT [0:0]
    :POSTROUTING ACCEPT [0:0]
    :KUBE-SERVICES - [0:0]
    :KUBE-SVC-TCOU7JCQXEZGVUNU - [0:0]
    :KUBE-SEP-XW6PSK5RHTFGCCLO - [0:0]
    :STORAGE-PREROUTING - [0:0]
    [900:54000] -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
    [5:300] -A PREROUTING -j STORAGE-PREROUTING
    [40:2400] -A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment "kube-system/kube-dns:dns-tcp cluster IP" -m tcp --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU
    [40:2400] -A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns-tcp" -j KUBE-SEP-XW6PSK5RHTFGCCLO
    [40:2400] -A KUBE-SEP-XW6PSK5RHTFGCCLO -p tcp -m comment --comment "kube-system/kube-dns:dns-tcp" -m tcp -j DNAT --to-destination 10.244.0.5:53
    [5:300] -A STORAGE-PREROUTING -p tcp -m tcp --dport 443 -j REDIRECT --to-ports 47443
    COMMIT

    """

    @Test func redirectInAChainJumpedToFromPreroutingIsAHazard() throws {
        let (history, warnings) = try parseCapture(save, into: CaptureHistory())
        #expect(warnings.isEmpty, "\(warnings)")
        let hazards = Analyzer().analyze(history).findings.filter { $0.kind == "hazard" }
        #expect(hazards.map(\.chain) == ["STORAGE-PREROUTING"])
        #expect(hazards.first?.target == "REDIRECT")
    }

    @Test func dnatBehindAServiceAddressIsNoHazard() throws {
        let (history, _) = try parseCapture(save, into: CaptureHistory())
        #expect(!Analyzer().analyze(history).findings.contains { $0.kind == "hazard" && $0.target == "DNAT" })
    }
}
