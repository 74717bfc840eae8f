import Testing
@testable import RuleWatchCore

@Suite struct CounterTests {
    /// What xtables_print_num prints for a value, as (digits, steps).
    func printed(_ n: UInt64) -> (UInt64, Int) {
        if n <= 99_999 { return (n, 0) }
        var v = (n + 500) / 1000
        var steps = 1
        while v > 9_999 && steps < 4 { v = (v + 500) / 1000; steps += 1 }
        return (v, steps)
    }

    @Test func abbreviatedCounterIsHeldAsInterval() {
        #expect(Counter.abbreviated(445, steps: 1) == Counter(lower: 444_500, upper: 445_499, printed: 445_000))
        #expect(Counter.abbreviated(147, steps: 2) == Counter(lower: 146_499_500, upper: 147_499_499, printed: 147_000_000))
        #expect(Counter.abbreviated(100, steps: 1)?.lower == 100_000)
        #expect(Counter.abbreviated(99, steps: 1) == nil)
        #expect(Counter.abbreviated(10_000, steps: 1) == nil)
    }

    @Test func everyIntervalHoldsExactlyTheValuesThatPrintThatWay() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let magnitude = UInt64.random(in: 5...15, using: &rng)
            var limit: UInt64 = 1
            for _ in 0..<magnitude { limit *= 10 }
            let n = UInt64.random(in: 0...limit, using: &rng)
            let (digits, steps) = printed(n)
            guard steps > 0 else { continue }
            let c = Counter.abbreviated(digits, steps: steps)!
            #expect(c.lower <= n && n <= c.upper)
            #expect(printed(c.lower) == (digits, steps) && printed(c.upper) == (digits, steps))
            if c.lower > 0 { #expect(printed(c.lower - 1) != (digits, steps)) }
            #expect(printed(c.upper + 1) != (digits, steps))
        }
    }
}
