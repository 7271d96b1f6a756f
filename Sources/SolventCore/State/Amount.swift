/// Amounts of an asset are unsigned integers in the asset's smallest unit ("quantums"):
/// 1 USDC = 10^6 quantums, 1 BTC = 10^8, 1 ETH = 10^18. No floating point anywhere.
public enum Amount {
    /// The largest amount the protocol accepts or holds: 2^127 - 1, so that every amount also
    /// fits a signed 128-bit integer for the profit-and-loss arithmetic of later mechanisms.
    public static let max: UInt128 = UInt128(Int128.max)

    /// 10^exponent for exponent in 0...38.
    public static func pow10(_ exponent: Int) -> UInt128 {
        precondition(exponent >= 0 && exponent <= 38)
        var v: UInt128 = 1
        for _ in 0..<exponent { v *= 10 }
        return v
    }

    /// Canonical decimal text of `quantums` in whole units: no exponent, no trailing zeros after
    /// the point, no point for whole numbers ("100", "0.5", "1.000001").
    public static func format(_ quantums: UInt128, decimals: Int) -> String {
        // Built as ASCII bytes: the generic 128-bit description divides by ten once per digit, and
        // every reply renders many amounts (a liquidatable vault's reply a dozen per position).
        var digits = decimalDigits(quantums)
        guard decimals > 0 else { return String(decoding: digits, as: UTF8.self) }
        let zero = UInt8(ascii: "0")
        if digits.count <= decimals { digits.insert(contentsOf: repeatElement(zero, count: decimals - digits.count + 1), at: 0) }
        let point = digits.count - decimals
        var end = digits.count
        while end > point, digits[end - 1] == zero { end -= 1 }
        guard end > point else { return String(decoding: digits[..<point], as: UTF8.self) }
        digits.removeSubrange(end...)
        digits.insert(UInt8(ascii: "."), at: point)
        return String(decoding: digits, as: UTF8.self)
    }

    /// The decimal digits of `v` in ASCII, without leading zeros ("0" for zero): printed in
    /// limbs of 19 digits, each with 64-bit arithmetic.
    static func decimalDigits(_ v: UInt128) -> [UInt8] {
        let limb: UInt128 = 10_000_000_000_000_000_000
        let rest = v / limb
        // 2^128 < 10^39: the top limb is below 35.
        let parts = [UInt64(rest / limb), UInt64(rest % limb), UInt64(v % limb)]
        var out = [UInt8]()
        out.reserveCapacity(40)
        for (i, part) in parts.enumerated() {
            if out.isEmpty {
                guard part != 0 || i == 2 else { continue }
                out.append(contentsOf: String(part).utf8)
            } else {
                // A lower limb is printed with its leading zeros, 19 digits.
                var x = part
                let start = out.count
                out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 19))
                var j = start + 18
                while x > 0 {
                    out[j] = UInt8(ascii: "0") + UInt8(x % 10)
                    x /= 10
                    j -= 1
                }
            }
        }
        return out
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notADecimal(String)
        case tooManyDecimals(String, allowed: Int)
        case tooLarge(String)

        public var description: String {
            switch self {
            case .notADecimal(let s): return "'\(s)' is not a plain decimal number (digits with at most one '.')"
            case .tooManyDecimals(let s, let allowed): return "'\(s)' has more than \(allowed) decimal places"
            case .tooLarge(let s): return "'\(s)' is larger than the protocol's maximum amount"
            }
        }
    }

    /// Parses a whole-unit decimal ("100", "0.25") into quantums exactly; refuses anything that
    /// would need rounding or exceed `Amount.max`. Arithmetic is overflow-checked throughout.
    public static func parse(_ text: String, decimals: Int) throws(ParseError) -> UInt128 {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !text.isEmpty,
              parts.allSatisfy({ $0.allSatisfy { $0 >= "0" && $0 <= "9" } }),
              !(parts[0].isEmpty && (parts.count == 1 || parts[1].isEmpty)) else {
            throw .notADecimal(text)
        }
        var fraction = parts.count == 2 ? Substring(parts[1]) : ""
        while fraction.count > decimals, fraction.last == "0" { fraction = fraction.dropLast() }
        guard fraction.count <= decimals else { throw .tooManyDecimals(text, allowed: decimals) }
        var value: UInt128 = 0
        let scaledDigits = parts[0] + fraction + String(repeating: "0", count: decimals - fraction.count)
        for ch in scaledDigits.utf8 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt128(ch - UInt8(ascii: "0")))
            guard !o1, !o2 else { throw .tooLarge(text) }
            value = a
        }
        guard value <= max else { throw .tooLarge(text) }
        return value
    }
}
