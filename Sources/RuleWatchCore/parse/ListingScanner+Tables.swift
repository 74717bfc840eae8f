extension ListingScanner {
    /// The table whose built-in chains these are (bits by `ChainInfo.builtinIndex`).
    ///
    /// filter lists INPUT FORWARD OUTPUT, nat PREROUTING INPUT OUTPUT POSTROUTING (no INPUT
    /// before Linux 2.6.36), mangle all five, raw PREROUTING OUTPUT. security has filter's
    /// chains and cannot be told apart. A lone PREROUTING is read as nat, where DNAT lives;
    /// user chains alone (`iptables -L MYCHAIN`) as filter.
    static func tableName(builtins: UInt8) -> String {
        let prerouting: UInt8 = 1 << 0, input: UInt8 = 1 << 1, forward: UInt8 = 1 << 2
        let output: UInt8 = 1 << 3, postrouting: UInt8 = 1 << 4
        if builtins & forward != 0 {
            return builtins & (prerouting | postrouting) != 0 ? "mangle" : "filter"
        }
        if builtins & postrouting != 0 { return "nat" }
        if builtins & prerouting != 0 {
            return builtins & (input | output) == output ? "raw" : "nat"
        }
        return "filter"
    }
}
