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
