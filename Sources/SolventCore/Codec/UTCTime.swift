/// UTC times as "YYYY-MM-DDTHH:MM:SSZ" <-> milliseconds since 1970 (proleptic Gregorian, no
/// leap seconds), in integers: genesis files name expiries this way, and views print them.
public enum UTCTime {
    /// Days from 1970-01-01 to the civil date (Howard Hinnant's days_from_civil).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Milliseconds for "YYYY-MM-DDTHH:MM:SSZ" (years 1970 to 9999); nil for anything else.
    public static func parse(_ text: String) -> UInt64? {
        let b = Array(text.utf8)
        guard b.count == 20, b[4] == 45, b[7] == 45, b[10] == 84, b[13] == 58, b[16] == 58, b[19] == 90 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int64? {
            var v: Int64 = 0
            for c in b[from..<from + count] {
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        guard let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2), let h = number(11, 2), let mi = number(14, 2),
              let s = number(17, 2), y >= 1970, (1...12).contains(mo), h < 24, mi < 60, s < 60 else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let monthDays: [Int64] = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d >= 1, d <= monthDays[Int(mo - 1)] else { return nil }
        return UInt64(((days(year: y, month: mo, day: d) * 24 + h) * 60 + mi) * 60 + s) * 1000
    }

    /// The civil (proleptic Gregorian) date and time of day of an instant: Howard Hinnant's
    /// civil_from_days. The one conversion every printed time goes through.
    public static func civil(_ ms: UInt64) -> (year: Int64, month: Int64, day: Int64, secondOfDay: Int64, millisecond: Int64) {
        let z = Int64(ms / 86_400_000) + 719_468
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let rest = Int64(ms % 86_400_000)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d, rest / 1000, rest % 1000)
    }

    /// "YYYY-MM-DDTHH:MM:SSZ" (milliseconds dropped), or with ".mmm" when they are not zero: how
    /// genesis files and market expiries name a time (openapi.yaml, `expiry`).
    public static func format(_ ms: UInt64) -> String {
        let c = civil(ms)
        let text = secondsText(c)
        return c.millisecond == 0 ? text + "Z" : text + "." + padded(c.millisecond, 3) + "Z"
    }

    /// RFC 3339 UTC with milliseconds always, e.g. "2026-11-21T09:30:00.250Z": how the RPC
    /// prints block and event times (rpc.md, "Conventions").
    public static func rfc3339(_ ms: UInt64) -> String {
        let c = civil(ms)
        return secondsText(c) + "." + padded(c.millisecond, 3) + "Z"
    }

    private static func secondsText(_ c: (year: Int64, month: Int64, day: Int64, secondOfDay: Int64, millisecond: Int64)) -> String {
        let s = c.secondOfDay
        return "\(padded(c.year, 4))-\(padded(c.month, 2))-\(padded(c.day, 2))T\(padded(s / 3600, 2)):\(padded(s / 60 % 60, 2)):\(padded(s % 60, 2))"
    }

    private static func padded(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
