/// Deterministic fixed-point math for option pricing (contracts-spec/options.md, "Math functions"):
/// e^x, ln x, √x, the normal distribution's Φ and φ, on integers only, so that every machine gets
/// the same bits. contracts-spec/examples/options.py is the same code in Python.
///
/// Public numbers are **wads**, value × 10^18 in an `Int128`. Inside, the series run on **q96**
/// numbers, value × 2^96, which carry 2^-96 ≈ 1.3e-29 of resolution (eleven digits below a
/// wad's): a q96 product is the full 256-bit product shifted right by 96, so the inner loops need
/// no division by 10^18. Every step rounds toward minus infinity (a right shift or a floor
/// division) unless a comment says otherwise; the spec lists each step.
///
/// No function traps on any input: an argument outside a function's domain, or a result that does
/// not fit, gives nil (each function says which).
public enum FixedMath {
    /// 1.0 as a wad.
    public static let one: Int128 = 1_000_000_000_000_000_000

    // MARK: - Wads

    /// e^x, rounded down. Domain: all x; 0 for x ≤ −42 (e^−42 < 10^-18); nil from x ≥ 47, and
    /// wherever the result exceeds `Int128.max` (x above about 46.58).
    public static func exp(_ x: Int128) -> Int128? {
        if x <= -42 * one { return 0 }
        if x >= 47 * one { return nil }
        let (mantissa, exponent) = expParts(toQ96(x))
        // e^x × 10^18 = m × 10^18 × 2^(k − 96); k ∈ [−61, 67], so the shift is 29...157.
        guard let result = mulShift(mantissa, UInt128(one), 96 - exponent), result <= UInt128(Int128.max) else { return nil }
        return Int128(result)
    }

    /// ln x, rounded down from the q96 value. Domain: x > 0 (nil otherwise).
    public static func ln(_ x: Int128) -> Int128? {
        guard x > 0 else { return nil }
        return toWad(lnQ96(UInt128(x), UInt128(one)))
    }

    /// √x: ⌊√(x × 10^18)⌋, the exact square root rounded down. Domain: x ≥ 0 (nil otherwise).
    public static func sqrt(_ x: Int128) -> Int128? {
        guard x >= 0 else { return nil }
        let product = UInt128(x).fullWidthProduct(UInt128(one))
        return Int128(squareRoot(high: product.high, low: product.low))
    }

    /// Φ(x), the standard normal distribution function, in [0, one], rounded down from the q96
    /// value. Exactly 0 for x ≤ −12 and `one` for x ≥ 12.
    public static func normalCDF(_ x: Int128) -> Int128 {
        if x <= -tailCutoff * one { return 0 }
        if x >= tailCutoff * one { return one }
        let tail = upperTailQ96(toQ96(x.magnitude))
        return toWad(Int128(x < 0 ? tail : q96One - tail))
    }

    /// φ(x) = e^(−x²/2)/√(2π), rounded down from the q96 value; 0 for |x| ≥ 12.
    public static func normalPDF(_ x: Int128) -> Int128 {
        if x.magnitude >= UInt128(tailCutoff * one) { return 0 }
        return toWad(Int128(normalPDFQ96(toQ96(x.magnitude))))
    }

    /// a × b / 10^18 rounded as asked; nil if the result does not fit.
    public static func mulWad(_ a: Int128, _ b: Int128, _ rounding: Rounding) -> Int128? {
        FixedPoint.mulDiv(a, b, one, rounding)
    }

    /// a × 10^18 / b rounded as asked; nil if b is 0 or the result does not fit.
    public static func divWad(_ a: Int128, _ b: Int128, _ rounding: Rounding) -> Int128? {
        if b > 0 { return FixedPoint.mulDiv(a, one, b, rounding) }
        if b == 0 { return nil }
        // a / b = a × (−10^18) / |b|; for b = Int128.min halve both (exact) so |b| fits.
        if b == .min { return FixedPoint.mulDiv(a, -one / 2, -(b / 2), rounding) }
        return FixedPoint.mulDiv(a, -one, -b, rounding)
    }

    // MARK: - q96 (internal; options.md gives every constant and step)

    /// 1.0 in q96.
    static let q96One: UInt128 = 1 << 96
    /// ⌊ln 2 × 2^96⌋.
    static let ln2: Int128 = 54_916_777_467_707_473_351_141_471_128
    /// ⌊2^96 / √(2π)⌋.
    static let inverseSqrt2Pi: UInt128 = 31_607_463_825_455_920_808_620_519_744
    /// 1 − Φ(a) counts as 0 from a = 12 on (it is below 1.8e-33 there).
    static let tailCutoff: Int128 = 12
    /// The upper tail uses the series below a = 4 and the continued fraction from 4 on.
    static let seriesLimit: UInt128 = 4

    /// ⌊2^96 / n!⌋ for n = 0...25: e^r = Σ rⁿ/n! to degree 25 is within 2e-31 for 0 ≤ r < ln 2.
    static let expCoefficients: [UInt128] = {
        var factorial: UInt128 = 1
        return (0...25).map { n in
            if n > 0 { factorial *= UInt128(n) }
            return (1 << 96) / factorial
        }
    }()
    /// ⌊2^96 / (2n + 1)⌋ for n = 0...20: the atanh series to degree 41 in z, |z| ≤ 1/5, is within
    /// 1e-30.
    static let lnCoefficients: [UInt128] = (0...20).map { n in (1 << 96) / UInt128(2 * n + 1) }
    /// Levels of the continued fraction for 1 − Φ(a), by ⌊a⌋ = 4...11: each is the fewest that
    /// are within 2^-100 over its unit interval.
    static let fractionLevels: [Int] = [36, 22, 14, 10, 6, 4, 2, 0]

    /// e^z = m × 2^k for q96 z with |z| < 2^31 × 2^96: k = ⌊z / ln2⌋, r = z − k·ln2 ∈ [0, ln2),
    /// m = e^r in q96 by Horner's rule on `expCoefficients`, so m ∈ [2^96, 2^97).
    static func expParts(_ z: Int128) -> (mantissa: UInt128, exponent: Int) {
        let k = FixedPoint.divide(z, ln2, .down)
        let r = UInt128(z - k * ln2)
        var m = expCoefficients[25]
        for n in stride(from: 24, through: 0, by: -1) {
            m = mulQ96(m, r) + expCoefficients[n]
        }
        return (m, Int(k))
    }

    /// ln(numerator / denominator) in q96, for 0 < numerator, denominator < 2^127:
    /// ln = k·ln2 ± 2 atanh(z), z = |m − 1| / (m + 1), where m = ratio / 2^k lies in [3/4, 3/2),
    /// so z ≤ 1/5. (numerator × 2^(96−k) stays below 1.5 × denominator × 2^96 < 2^224.)
    static func lnQ96(_ numerator: UInt128, _ denominator: UInt128) -> Int128 {
        // j = ⌊log2(ratio)⌋ from the bit lengths, then k = j + 1 if ratio / 2^j ≥ 3/2.
        var j = denominator.leadingZeroBitCount - numerator.leadingZeroBitCount
        var (n, d) = scaledPair(numerator, denominator, j)
        if d > n {
            j -= 1
            (n, d) = scaledPair(numerator, denominator, j)
        }
        let k = 2 * (n - d) >= d ? j + 1 : j
        let m = k <= 96
            ? shiftedQuotient(numerator, 96 - k, denominator)
            : (numerator >> (k - 96)) / denominator
        let z = shiftedQuotient(m >= q96One ? m - q96One : q96One - m, 96, m + q96One)
        let z2 = mulQ96(z, z)
        var p = lnCoefficients[20]
        for n in stride(from: 19, through: 0, by: -1) {
            p = mulQ96(p, z2) + lnCoefficients[n]
        }
        let atanh2 = Int128(2 * mulQ96(z, p))
        return Int128(k) * ln2 + (m >= q96One ? atanh2 : -atanh2)
    }

    /// (numerator, denominator × 2^j), or (numerator × 2^−j, denominator) for j < 0: the pair
    /// compared to place the ratio between powers of two. Both stay below 2^128 when j is within
    /// one of the bit-length difference.
    private static func scaledPair(_ numerator: UInt128, _ denominator: UInt128, _ j: Int) -> (UInt128, UInt128) {
        j >= 0 ? (numerator, denominator << j) : (numerator << -j, denominator)
    }

    /// φ(a) = g × 2^k for q96 0 ≤ a < 12: g = ⌊2^96/√(2π) × e^r⌋ in q96 and k ≤ 0, from
    /// e^(−⌊a²/2⌋). Keeping the exponent apart keeps φ's relative precision in the tail.
    static func scaledNormalPDF(_ a: UInt128) -> (scaled: UInt128, exponent: Int) {
        let (m, k) = expParts(-Int128(mulQ96(a, a) >> 1))
        return (mulQ96(inverseSqrt2Pi, m), k)
    }

    /// φ(a) in q96 for q96 a ≥ 0.
    static func normalPDFQ96(_ a: UInt128) -> UInt128 {
        guard a < UInt128(tailCutoff) << 96 else { return 0 }
        let (g, k) = scaledNormalPDF(a)
        return g >> -k
    }

    /// Φ(d) in q96 for signed q96 d; exactly symmetric: Φ(−d) = 2^96 − Φ(d).
    static func normalCDFQ96(_ d: Int128) -> UInt128 {
        let tail = upperTailQ96(d.magnitude)
        return d < 0 ? tail : q96One - tail
    }

    /// 1 − Φ(a) in q96 for q96 a ≥ 0.
    static func upperTailQ96(_ a: UInt128) -> UInt128 {
        guard a < UInt128(tailCutoff) << 96 else { return 0 }
        let (g, k) = scaledNormalPDF(a)
        let a2 = mulQ96(a, a)
        if a < seriesLimit << 96 {
            // Φ(a) − 1/2 = φ(a) × (a + a³/3 + a⁵/(3·5) + …): u_n = u_(n−1) × a² / (2n + 1), all
            // terms positive, until a term is 0. Every step rounds down, so the sum stays below
            // Φ(a) − 1/2, which is below 1/2 − 3e-5 for a < 4: the subtraction cannot go negative.
            var u = mulQ96(g, a)
            var total = u
            var n: UInt128 = 0
            while u != 0 {
                n += 1
                u = mulQ96(u, a2) / (2 * n + 1)
                total += u
            }
            return q96One / 2 - (total >> -k)
        }
        // 1 − Φ(a) = φ(a) × a / (a² + 1 − 1·2/(a² + 5 − 3·4/(a² + 9 − …))), from the bottom level
        // up. Every partial denominator stays above a² (options.md), so nothing goes negative.
        let levels = fractionLevels[Int((a >> 96) - seriesLimit)]
        var t = a2 + (UInt128(4 * levels + 1) << 96)
        for j in stride(from: levels, to: 0, by: -1) {
            // ⌊(2j − 1)(2j) × 2^192 / t⌋: the numerator × 2^192 is (numerator × 2^64, 0) in words.
            let numerator = UInt128((2 * j - 1) * (2 * j))
            t = a2 + (UInt128(4 * j - 3) << 96) - t.fullWidthQuotient((numerator << 64, 0)).quotient
        }
        return mulQ96(g, shiftedQuotient(a, 96, t)) >> -k
    }

    // MARK: - Integer helpers (exact, full width)

    /// ⌊a × b / 2^96⌋ for a product below 2^224 (the result then fits).
    @inline(__always)
    static func mulQ96(_ a: UInt128, _ b: UInt128) -> UInt128 {
        let p = a.fullWidthProduct(b)
        return (p.high << 32) | (p.low >> 96)
    }

    /// ⌊a × b / 2^shift⌋ for 0 ≤ shift ≤ 256; nil if it does not fit 128 bits.
    static func mulShift(_ a: UInt128, _ b: UInt128, _ shift: Int) -> UInt128? {
        let p = a.fullWidthProduct(b)
        if shift >= 128 { return p.high >> (shift - 128) }
        if shift == 0 { return p.high == 0 ? p.low : nil }
        guard p.high >> shift == 0 else { return nil }
        return (p.high << (128 - shift)) | (p.low >> shift)
    }

    /// ⌊a × 2^shift / d⌋ for 0 ≤ shift < 256, a × 2^shift below 2^256 and a quotient that fits
    /// 128 bits (callers keep to these; options.md shows each one does).
    static func shiftedQuotient(_ a: UInt128, _ shift: Int, _ d: UInt128) -> UInt128 {
        shiftedDivision(a, shift, d).quotient
    }

    /// The quotient and remainder of a × 2^shift by d, under the conditions of `shiftedQuotient`.
    static func shiftedDivision(_ a: UInt128, _ shift: Int, _ d: UInt128) -> (quotient: UInt128, remainder: UInt128) {
        let high = shift == 0 ? 0 : shift >= 128 ? a << (shift - 128) : a >> (128 - shift)
        let low = shift >= 128 ? 0 : a << shift
        return d.fullWidthQuotient((high, low))
    }

    /// ⌊√(high × 2^128 + low)⌋ for a value below 2^254, by Newton's method from a power of two
    /// above the root: the iterates fall to the root and stop there.
    static func squareRoot(high: UInt128, low: UInt128) -> UInt128 {
        if high == 0 && low == 0 { return 0 }
        let bits = high == 0 ? 128 - low.leadingZeroBitCount : 256 - high.leadingZeroBitCount
        var y = UInt128(1) << ((bits + 1) / 2)
        while true {
            // y ≥ ⌊√N⌋ here, so N / y fits 128 bits.
            let next = (y + y.fullWidthQuotient((high, low)).quotient) / 2
            if next >= y { return y }
            y = next
        }
    }

    /// A wad as q96, rounded down (toward minus infinity); |x| < 2^31 × 10^18.
    static func toQ96(_ x: Int128) -> Int128 {
        let (q, r) = shiftedDivision(x.magnitude, 78, fivePow18)
        return x >= 0 ? Int128(q) : -Int128(q) - (r == 0 ? 0 : 1)
    }

    /// A non-negative wad as q96, rounded down; x < 2^31 × 10^18.
    static func toQ96(_ x: UInt128) -> UInt128 {
        shiftedQuotient(x, 78, fivePow18)
    }

    /// x × 2^96 / 10^18 = x × 2^78 / 5^18.
    private static let fivePow18: UInt128 = 3_814_697_265_625

    /// A q96 number as a wad, rounded down.
    static func toWad(_ y: Int128) -> Int128 {
        let p = y.fullWidthProduct(one)
        return (p.high << 32) | Int128(p.low >> 96)
    }
}
