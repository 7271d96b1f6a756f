@testable import SolventCore
import Testing

/// The full-width products and quotients (Math/WideArithmetic.swift) against the standard
/// library's, on edge values and on random ones of every width: consensus arithmetic must give
/// the library's answers bit for bit.
@Suite struct WideArithmeticTests {
    /// Values at and around the word boundaries, and random ones of random bit widths.
    static func values(count: Int, seed: UInt64) -> [UInt128] {
        var edges: [UInt128] = [0, 1, 2, 3, UInt128(UInt64.max), UInt128(UInt64.max) + 1, UInt128(UInt64.max) - 1, UInt128.max, UInt128.max - 1,
                                UInt128(1) << 127, (UInt128(1) << 127) - 1, (UInt128(1) << 96) + 12_345, UInt128(Int128.max)]
        var rng = seed
        func next() -> UInt64 {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
            return rng
        }
        for _ in 0..<count {
            let full = UInt128(next()) << 64 | UInt128(next())
            edges.append(full >> (next() % 128))
        }
        return edges
    }

    @Test func productsEqualTheLibrarys() {
        let vs = Self.values(count: 600, seed: 0x9E37_79B9_7F4A_7C15)
        for a in vs {
            for b in vs.prefix(200) {
                let mine = a.fullWidthProduct(b), library = a.multipliedFullWidth(by: b)
                #expect(mine.high == library.high && mine.low == library.low, "\(a) × \(b)")
                let (sa, sb) = (Int128(bitPattern: a), Int128(bitPattern: b))
                let signed = sa.fullWidthProduct(sb), librarySigned = sa.multipliedFullWidth(by: sb)
                #expect(signed.high == librarySigned.high && signed.low == librarySigned.low, "\(sa) × \(sb)")
            }
        }
    }

    @Test func quotientsEqualTheLibrarys() {
        let vs = Self.values(count: 600, seed: 0x2545_F491_4F6C_DD1D)
        for d in vs where d > 0 {
            for (i, low) in vs.prefix(60).enumerated() {
                // A high half below the divisor: zero, small, just below, and one from the values.
                for high in [0, d / 3, d - 1, vs[(i * 7) % vs.count] % d] {
                    let mine = d.fullWidthQuotient((high, low)), library = d.dividingFullWidth((high, low))
                    #expect(mine.quotient == library.quotient && mine.remainder == library.remainder, "(\(high), \(low)) / \(d)")
                }
            }
        }
    }
}
