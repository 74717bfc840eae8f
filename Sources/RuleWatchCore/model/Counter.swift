/// A packet or byte count as a dump printed it.
///
/// Exact counts (`-x`, saves, nft) have `lower == upper`. An abbreviated listing count
/// (`445K`) stands for every value iptables would have printed that way: xtables divides by
/// 1000 and rounds at each step, so `445K` is 444,500...445,499 and `147M` is
/// 146,499,500...147,499,499. `printed` is the value times its unit (`445K` is 445,000),
/// which is what `parse --summary` adds.
public struct Counter: Sendable, Hashable, BitwiseCopyable {
    public var lower: UInt64
    public var upper: UInt64
    public var printed: UInt64

    @inlinable
    public init(lower: UInt64, upper: UInt64, printed: UInt64) {
        self.lower = lower
        self.upper = upper
        self.printed = printed
    }

    @inlinable
    public static func exact(_ value: UInt64) -> Counter {
        Counter(lower: value, upper: value, printed: value)
    }

    @inlinable
    public var isExact: Bool { lower == upper }
}

extension Counter {
    /// The interval a listing's abbreviated number stands for.
    ///
    /// xtables' `xtables_print_num` prints a value above 99,999 as `(n + 500) / 1000` with a
    /// `K`, and keeps dividing the same way while the result is above 9,999 (`M`, `G`, then
    /// `T`, which is printed whatever its size). Inverting each step widens the interval by
    /// -500...+499 and clips it to the values that would have reached that step.
    ///
    /// - Parameters:
    ///   - value: the digits as printed (`445` of `445K`).
    ///   - steps: how many times it was divided: 1 for `K`, 2 `M`, 3 `G`, 4 `T`.
    /// - Returns: `nil` when no count prints that way (`99K`: below 100,000) or it overflows.
    public static func abbreviated(_ value: UInt64, steps: Int) -> Counter? {
        precondition(steps >= 1 && steps <= 4)
        // A step other than the last is taken only if its result is above 9,999.
        if steps < 4 && value > 9_999 { return nil }
        var lower = value
        var upper = value
        var printed = value
        for step in stride(from: steps, to: 0, by: -1) {
            let (lo, loOverflow) = lower.multipliedReportingOverflow(by: 1000)
            let (hi, hiOverflow) = upper.multipliedReportingOverflow(by: 1000)
            let (pr, prOverflow) = printed.multipliedReportingOverflow(by: 1000)
            if loOverflow || hiOverflow || prOverflow { return nil }
            lower = lo >= 500 ? lo - 500 : 0
            upper = hi.addingReportingOverflow(499).overflow ? UInt64.max : hi + 499
            printed = pr
            // The value before this division had to pass the previous step's test.
            let floor: UInt64 = step == 1 ? 100_000 : 10_000
            if lower < floor { lower = floor }
            if lower > upper { return nil }
        }
        return Counter(lower: lower, upper: upper, printed: printed)
    }

    /// Which unit letters a listing may print after a number, as division steps.
    @inlinable
    public static func steps(forUnit byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "K"): return 1
        case UInt8(ascii: "M"): return 2
        case UInt8(ascii: "G"): return 3
        case UInt8(ascii: "T"): return 4
        default: return nil
        }
    }
}
