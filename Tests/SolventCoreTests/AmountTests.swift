import PropertyBased
import SolventCore
import Testing

@Suite struct AmountTests {
    @Test func parsesWholeUnitsExactly() throws {
        #expect(try Amount.parse("100", decimals: 6) == 100_000_000)
        #expect(try Amount.parse("0.000001", decimals: 6) == 1)
        #expect(try Amount.parse("2.5", decimals: 8) == 250_000_000)
        #expect(try Amount.parse(".5", decimals: 6) == 500_000)
        #expect(try Amount.parse("1.", decimals: 6) == 1_000_000)
        #expect(try Amount.parse("1.0000000", decimals: 6) == 1_000_000)
    }

    @Test func refusesWhatWouldNeedRounding() {
        #expect(throws: Amount.ParseError.tooManyDecimals("1.0000001", allowed: 6)) { try Amount.parse("1.0000001", decimals: 6) }
        #expect(throws: Amount.ParseError.tooManyDecimals("0.5", allowed: 0)) { try Amount.parse("0.5", decimals: 0) }
    }

    @Test func refusesNonDecimals() {
        for text in ["", ".", "-1", "+1", "1e6", "1,5", "0x10", " 1", "1.2.3", "١"] {
            #expect(throws: Amount.ParseError.notADecimal(text)) { try Amount.parse(text, decimals: 6) }
        }
    }

    @Test func refusesOverflow() throws {
        let max = Amount.format(Amount.max, decimals: 6)
        #expect(try Amount.parse(max, decimals: 6) == Amount.max)
        // One quantum more than the maximum, and a number far beyond 128 bits.
        let over = Amount.format(Amount.max, decimals: 0)
        #expect(throws: Amount.ParseError.tooLarge(String(UInt128(over)! + 1))) { try Amount.parse(String(UInt128(over)! + 1), decimals: 0) }
        let huge = String(repeating: "9", count: 60)
        #expect(throws: Amount.ParseError.tooLarge(huge)) { try Amount.parse(huge, decimals: 6) }
    }

    @Test func formatsCanonically() {
        #expect(Amount.format(100_000_000, decimals: 6) == "100")
        #expect(Amount.format(1, decimals: 6) == "0.000001")
        #expect(Amount.format(1_500_000, decimals: 6) == "1.5")
        #expect(Amount.format(0, decimals: 6) == "0")
        #expect(Amount.format(123, decimals: 0) == "123")
        #expect(Amount.format(1, decimals: 18) == "0.000000000000000001")
    }

    @Test func formatThenParseRoundTrips() async {
        await propertyCheck(count: 300, input: Gen.uint128(in: 0...Amount.max), Gen.int(in: 0...30)) { quantums, decimals in
            #expect((try? Amount.parse(Amount.format(quantums, decimals: decimals), decimals: decimals)) == quantums)
        }
    }
}

/// The byte-built decimal text equals the text built from the standard library's description,
/// at the type's bounds, at the limb boundaries (10^19, 10^38) and on random values.
@Suite struct AmountFormatReferenceTests {
    static func reference(_ quantums: UInt128, decimals: Int) -> String {
        let digits = String(quantums)
        guard decimals > 0 else { return digits }
        let padded = digits.count <= decimals ? String(repeating: "0", count: decimals - digits.count + 1) + digits : digits
        let split = padded.index(padded.endIndex, offsetBy: -decimals)
        var fraction = padded[split...]
        while fraction.last == "0" { fraction = fraction.dropLast() }
        return fraction.isEmpty ? String(padded[..<split]) : "\(padded[..<split]).\(fraction)"
    }

    @Test func matchesTheReference() {
        var values: [UInt128] = [0, 1, 9, 10, 99, 100, UInt128(UInt64.max), UInt128(UInt64.max) + 1, UInt128.max, UInt128.max - 1, Amount.max]
        for e in [18, 19, 20, 37, 38] {
            let p = Amount.pow10(e)
            values += [p - 1, p, p + 1, p * 3 + 7]
        }
        var rng: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next() -> UInt64 { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng }
        for _ in 0..<2_000 {
            let v = UInt128(next()) << 64 | UInt128(next())
            values.append(v >> (next() % 128))
        }
        for v in values {
            for decimals in [0, 1, 6, 8, 18, 19, 38] {
                #expect(Amount.format(v, decimals: decimals) == Self.reference(v, decimals: decimals), "\(v) with \(decimals) decimals")
            }
        }
    }
}
