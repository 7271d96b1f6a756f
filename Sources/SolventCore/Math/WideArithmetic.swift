/// Full-width products and quotients of 128-bit integers, exactly what the standard library's
/// `multipliedFullWidth` and `dividingFullWidth` return, computed from the 64-bit operations the
/// CPU has. The library's versions for the 128-bit types are its generic ones: a profile of a
/// portfolio evaluation (fixed-point Black-Scholes is mostly these) spent over half its time in
/// them. WideArithmeticTests checks every function here against the library's on edge and random
/// values.
extension UInt128 {
    /// The 256-bit product `self × b` as (high, low) halves.
    @inline(__always)
    func fullWidthProduct(_ b: UInt128) -> (high: UInt128, low: UInt128) {
        let a0 = UInt64(truncatingIfNeeded: self), a1 = UInt64(truncatingIfNeeded: self >> 64)
        let b0 = UInt64(truncatingIfNeeded: b), b1 = UInt64(truncatingIfNeeded: b >> 64)
        let p00 = a0.multipliedFullWidth(by: b0), p01 = a0.multipliedFullWidth(by: b1)
        let p10 = a1.multipliedFullWidth(by: b0), p11 = a1.multipliedFullWidth(by: b1)
        // Columns of 64 bits, from the lowest; each carry is at most 2.
        let (s1, c1a) = p00.high.addingReportingOverflow(p01.low)
        let (m1, c1b) = s1.addingReportingOverflow(p10.low)
        let carry1: UInt64 = (c1a ? 1 : 0) + (c1b ? 1 : 0)
        let (s2, c2a) = p01.high.addingReportingOverflow(p10.high)
        let (t2, c2b) = s2.addingReportingOverflow(p11.low)
        let (m2, c2c) = t2.addingReportingOverflow(carry1)
        let m3 = p11.high &+ ((c2a ? 1 : 0) + (c2b ? 1 : 0) + (c2c ? 1 : 0))
        return (UInt128(m3) << 64 | UInt128(m2), UInt128(m1) << 64 | UInt128(p00.low))
    }

    /// `dividend / self` and its remainder for a dividend whose high half is below `self` (the
    /// quotient then fits), as `dividingFullWidth`. A dividend that fits 128 bits, or a divisor
    /// that fits 64, is divided with the CPU's 128-bit division; any other goes to the library.
    @inline(__always)
    func fullWidthQuotient(_ dividend: (high: UInt128, low: UInt128)) -> (quotient: UInt128, remainder: UInt128) {
        let (high, low) = dividend
        precondition(high < self, "the quotient of a full-width division must fit 128 bits")
        if high == 0 { return (low / self, low % self) }
        guard self >> 64 == 0 else { return dividingFullWidth(dividend) }
        // high < self < 2^64: two steps of 128-by-64 bits, each quotient digit below 2^64.
        let upper = high << 64 | low >> 64
        let (q1, r1) = (upper / self, upper % self)
        let lower = r1 << 64 | (low & UInt128(UInt64.max))
        let (q0, r0) = (lower / self, lower % self)
        return (q1 << 64 | q0, r0)
    }
}

extension Int128 {
    /// The 256-bit product `self × b` as (high, low) halves, two's complement as
    /// `multipliedFullWidth` gives it.
    @inline(__always)
    func fullWidthProduct(_ b: Int128) -> (high: Int128, low: UInt128) {
        let (high, low) = magnitude.fullWidthProduct(b.magnitude)
        guard (self < 0) != (b < 0) else { return (Int128(bitPattern: high), low) }
        let negatedLow = ~low &+ 1
        return (Int128(bitPattern: ~high &+ (negatedLow == 0 ? 1 : 0)), negatedLow)
    }
}
