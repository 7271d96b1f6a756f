import PropertyBased
import SolventCore
import Testing

@Suite struct FixedPointTests {
    @Test func roundsInTheNamedDirection() {
        #expect(FixedPoint.mulDiv(UInt128(7), 3, 2, .down) == 10)
        #expect(FixedPoint.mulDiv(UInt128(7), 3, 2, .up) == 11)
        #expect(FixedPoint.mulDiv(Int128(-7), 3, 2, .down) == -11)
        #expect(FixedPoint.mulDiv(Int128(-7), 3, 2, .up) == -10)
        #expect(FixedPoint.mulDiv(Int128(7), -3, 2, .down) == -11)
        #expect(FixedPoint.mulDiv(Int128(-7), -3, 2, .up) == 11)
        #expect(FixedPoint.divide(-7, 2, .down) == -4)
        #expect(FixedPoint.divide(-7, 2, .up) == -3)
        #expect(FixedPoint.divide(7, 2, .down) == 3)
        #expect(FixedPoint.divide(6, 2, .up) == 3)
    }

    @Test func fullWidthProductsAndOverflow() {
        // (2^127 - 1) × 2^64 / 2^64 needs 191 bits in the middle.
        #expect(FixedPoint.mulDiv(UInt128(Int128.max), UInt128(1) << 64, UInt128(1) << 64, .down) == UInt128(Int128.max))
        #expect(FixedPoint.mulDiv(UInt128.max, 2, 1, .down) == nil)
        #expect(FixedPoint.mulDiv(Int128.max, 2, 1, .down) == nil)
        #expect(FixedPoint.mulDiv(Int128.min, 1, 1, .down) == Int128.min)
        #expect(FixedPoint.mulDiv(UInt128.max, 1, 1, .up) == UInt128.max)
    }

    /// Against exact arithmetic on values small enough for Int128 products.
    @Test func agreesWithExactArithmetic() async {
        await propertyCheck(count: 500, input: Gen.int64(), Gen.int64(), Gen.int64(in: 1...Int64.max)) { a, b, d in
            let exact = Int128(a) * Int128(b)
            let down = FixedPoint.mulDiv(Int128(a), Int128(b), Int128(d), .down)!
            let up = FixedPoint.mulDiv(Int128(a), Int128(b), Int128(d), .up)!
            #expect(down * Int128(d) <= exact && exact < (down + 1) * Int128(d))
            #expect(up * Int128(d) >= exact && exact > (up - 1) * Int128(d))
            #expect(up - down <= 1)
            #expect(FixedPoint.divide(exact, Int128(d), .down) == down)
        }
    }
}
