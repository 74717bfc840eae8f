import Glibc

/// The zone `--tz` names, for timestamps that carry none.
public enum TimeZoneSpec: Sendable, Hashable {
    case utc
    /// A fixed offset east of UTC, in seconds (`+02:00`).
    case offset(Int)
    /// A zone of the system's tz database (`Europe/Berlin`), whose offset depends on the date.
    case named(String)

    /// Reads `UTC`, `Z`, `+02:00`, `-0530` or a tz database name.
    public init?(parsing text: String) {
        let t = text.utf8
        if text == "UTC" || text == "Z" || text == "GMT" || text == "utc" {
            self = .utc
        } else if let first = t.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            let digits = t.dropFirst().filter { $0 != UInt8(ascii: ":") }
            guard digits.count == 4 || digits.count == 2, digits.allSatisfy(ASCII.isDigit) else { return nil }
            let d = digits.map { Int($0 - ASCII.zero) }
            let hours = d[0] * 10 + d[1]
            let minutes = d.count == 4 ? d[2] * 10 + d[3] : 0
            guard hours <= 23, minutes <= 59 else { return nil }
            let seconds = hours * 3600 + minutes * 60
            self = .offset(first == UInt8(ascii: "-") ? -seconds : seconds)
        } else {
            guard !text.isEmpty, !text.contains(".."),
                  access("/usr/share/zoneinfo/" + text, R_OK) == 0 else { return nil }
            self = .named(text)
        }
    }

    /// Seconds since the epoch of a wall-clock time read in this zone.
    public func epochSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64 {
        let utc = CivilTime.epochSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        switch self {
        case .utc: return utc
        case .offset(let s): return utc - Int64(s)
        case .named(let name): return CivilTime.epochSeconds(localWallClock: utc, zone: name)
        }
    }
}

/// Calendar arithmetic without Foundation.
public enum CivilTime {
    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func epochSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64 {
        days(year: year, month: month, day: day) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// The civil date and time of an epoch second, in UTC.
    public static func civil(_ epochSeconds: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var days = epochSeconds / 86_400
        var rem = epochSeconds % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d), Int(rem / 3600), Int(rem % 3600 / 60), Int(rem % 60))
    }

    /// `2026-11-24T10:00:00Z`, with `.fff` when the time has a fraction.
    public static func iso8601(nanoseconds ns: Int64) -> String {
        var secs = ns / 1_000_000_000
        var frac = ns % 1_000_000_000
        if frac < 0 { frac += 1_000_000_000; secs -= 1 }
        let c = civil(secs)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var s = "\(c.year)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))"
        if frac != 0 {
            var f = String(frac)
            f = String(repeating: "0", count: 9 - f.count) + f
            while f.hasSuffix("0") { f.removeLast() }
            s += "." + f
        }
        return s + "Z"
    }

    private static let zoneLock = ZoneLock()

    /// A wall-clock time (given as if it were UTC) read in a tz database zone, via Glibc's
    /// `mktime` under `TZ`; the environment is process-wide, so calls are serialized.
    static func epochSeconds(localWallClock utc: Int64, zone: String) -> Int64 {
        zoneLock.withLock {
            let saved = getenv("TZ").map { String(cString: $0) }
            setenv("TZ", zone, 1)
            tzset()
            defer {
                if let saved { setenv("TZ", saved, 1) } else { unsetenv("TZ") }
                tzset()
            }
            let c = civil(utc)
            var t = tm()
            t.tm_year = Int32(c.year - 1900)
            t.tm_mon = Int32(c.month - 1)
            t.tm_mday = Int32(c.day)
            t.tm_hour = Int32(c.hour)
            t.tm_min = Int32(c.minute)
            t.tm_sec = Int32(c.second)
            t.tm_isdst = -1
            return Int64(mktime(&t))
        }
    }
}

/// A pthread mutex, for the one piece of process-wide state the parser touches.
final class ZoneLock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
