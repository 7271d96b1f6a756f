/// Exact integer arithmetic for money: products are taken at full width (256 bits) and divided
/// once, rounding in the direction the caller names. Every formula in the spec says which way it
/// rounds; the rule is always the protocol's favour (requirements and payments up, credits down).
public enum Rounding: Sendable {
    /// Toward minus infinity.
    case down
    /// Toward plus infinity.
    case up
}

public enum FixedPoint {
    /// a × b / d rounded as asked; nil if the result does not fit 128 bits or `d` is zero (a
    /// zero divisor can come from a price or a parameter, so it is a refusal, never a trap).
    public static func mulDiv(_ a: UInt128, _ b: UInt128, _ d: UInt128, _ rounding: Rounding) -> UInt128? {
        guard d > 0 else { return nil }
        let product = a.fullWidthProduct(b)
        guard product.high < d else { return nil }
        let (q, r) = d.fullWidthQuotient(product)
        if r != 0, rounding == .up {
            let (up, overflow) = q.addingReportingOverflow(1)
            return overflow ? nil : up
        }
        return q
    }

    /// Signed a × b / d, rounded toward minus infinity (.down) or plus infinity (.up); nil if the
    /// result does not fit a signed 128-bit integer or `d` is not positive.
    public static func mulDiv(_ a: Int128, _ b: Int128, _ d: Int128, _ rounding: Rounding) -> Int128? {
        guard d > 0 else { return nil }
        let negative = (a < 0) != (b < 0) && a != 0 && b != 0
        // The magnitude rounds away from zero exactly when the signed result rounds away from zero.
        let magnitudeRounding: Rounding = negative ? (rounding == .down ? .up : .down) : rounding
        guard let m = mulDiv(a.magnitude, b.magnitude, d.magnitude, magnitudeRounding) else { return nil }
        if negative {
            guard m <= UInt128(Int128.max) + 1 else { return nil }
            return m == UInt128(Int128.max) + 1 ? Int128.min : -Int128(m)
        }
        guard m <= UInt128(Int128.max) else { return nil }
        return Int128(m)
    }

    /// a / d rounded as asked, for signed a and positive d.
    public static func divide(_ a: Int128, _ d: Int128, _ rounding: Rounding) -> Int128 {
        precondition(d > 0)
        let (q, r) = a.quotientAndRemainder(dividingBy: d)
        if r == 0 { return q }
        // Swift truncates toward zero: adjust to the requested direction.
        switch rounding {
        case .down: return r < 0 ? q - 1 : q
        case .up: return r > 0 ? q + 1 : q
        }
    }
}
