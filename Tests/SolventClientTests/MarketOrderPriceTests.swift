import Foundation
import SolventClient
import SolventCore
import SolventWire
import Testing

/// The default worst price of a market order (markets.md, "Orders from the CLI"), with the
/// figures of its worked example.
@Suite struct MarketOrderPriceTests {
    /// A `GET /v1/markets/{m}` reply with the fields these tests vary.
    static func market(kind: String, oracle: String?, mark: String? = nil, bid: String? = nil, ask: String? = nil,
                       expiryMs: UInt64? = nil, active: Bool = true, settled: String? = nil) throws -> MarketReply {
        var params: [String: Any] = ["id": 6, "symbol": "BTC-26MAR27-60000-C", "oracle_market": 1, "tick_size": "1", "step_size": "0.0001",
                                     "min_order_size": "0.001", "maker_fee_ppm": 200, "taker_fee_ppm": 500, "active": active, "kind": kind,
                                     "margin_tiers": [], "funding_interval_ms": 0, "funding_sample_interval_ms": 0,
                                     "funding_rate_cap_ppm": 0, "impact_notional": "0"]
        if let expiryMs { params["expiry_ms"] = expiryMs }
        var body: [String: Any] = ["params": params, "oracle_status": "fresh", "open_interest": "0",
                                   "funding": ["index": "0", "pool": "0", "last_rate_ppm": 0, "next_funding_ms": 0, "premium_samples": 0,
                                               "average_premium_ppm": 0]]
        if let oracle { body["oracle_price"] = oracle }
        if let mark { body["mark_price"] = mark }
        if let bid { body["best_bid"] = bid }
        if let ask { body["best_ask"] = ask }
        if let settled { body["settlement_price"] = settled; body["settled_at"] = "2027-03-26T08:00:00.000Z" }
        return try WireJSON.decode(MarketReply.self, from: JSONSerialization.data(withJSONObject: body))
    }

    static func price(_ text: String) -> UInt64 { OraclePrice.parse(text)! }

    @Test func anOptionSlipsFromItsModelPriceNotTheUnderlying() throws {
        let call = try Self.market(kind: "call", oracle: "60000", mark: "7882.52", ask: "9000")
        let reference = try #require(MarketOrderPrice.reference(call, side: .buy))
        #expect(reference == .modelPrice(Self.price("7882.52")))
        // 7 882.52 × 1.01 = 7 961.3452, rounded down to the 1-dollar tick.
        let worst = MarketOrderPrice.worstPrice(reference: reference.price, side: .buy, slippagePpm: 10_000, tick: Self.price("1"))
        #expect(worst == Self.price("7961"))
    }

    @Test func aPerpetualOrFutureSlipsFromItsOraclePrice() throws {
        let perp = try Self.market(kind: "perpetual", oracle: "60047.5", bid: "59000")
        let reference = try #require(MarketOrderPrice.reference(perp, side: .sell))
        #expect(reference == .oracle(Self.price("60047.5")))
        // 60 047.5 × 0.99 = 59 447.025, rounded up to the tick for a sell.
        #expect(MarketOrderPrice.worstPrice(reference: reference.price, side: .sell, slippagePpm: 10_000, tick: Self.price("1")) == Self.price("59448"))
        let future = try Self.market(kind: "future", oracle: "3000")
        #expect(MarketOrderPrice.reference(future, side: .buy) == .oracle(Self.price("3000")))
    }

    @Test func withoutAMarkTheBestOppositeOrderThenNothing() throws {
        let unpriced = try Self.market(kind: "put", oracle: "60000", mark: nil, bid: "4100", ask: "4300")
        #expect(MarketOrderPrice.reference(unpriced, side: .buy) == .book(Self.price("4300")))
        #expect(MarketOrderPrice.reference(unpriced, side: .sell) == .book(Self.price("4100")))
        let empty = try Self.market(kind: "call", oracle: nil)
        #expect(MarketOrderPrice.reference(empty, side: .buy) == nil)
    }

    @Test func slippageParsesFractionsAndPercentagesBelowOne() throws {
        #expect(try MarketOrderPrice.parseSlippage("0.01") == 10_000)
        #expect(try MarketOrderPrice.parseSlippage("2.5%") == 25_000)
        #expect(try MarketOrderPrice.parseSlippage("0") == 0)
        for bad in ["1", "100%", "-0.01", "abc", "0.0000001"] {
            #expect(throws: ClientError.self, "\(bad)") { try MarketOrderPrice.parseSlippage(bad) }
        }
    }

    @Test func theWorstPriceIsNeverBelowOneTick() {
        let tick = Self.price("1")
        #expect(MarketOrderPrice.worstPrice(reference: Self.price("0.5"), side: .sell, slippagePpm: 999_999, tick: tick) == tick)
        #expect(MarketOrderPrice.worstPrice(reference: Self.price("100"), side: .buy, slippagePpm: 0, tick: Self.price("0.1")) == Self.price("100"))
    }

    @Test func aMarketSaysWhereItIsInItsLife() throws {
        let expiry: UInt64 = 1_806_048_000_000  // 2027-03-26T08:00:00Z
        #expect(MarketStatus(try Self.market(kind: "future", oracle: "60000", expiryMs: expiry), chainTimeMs: expiry - 1) == .live)
        #expect(MarketStatus(try Self.market(kind: "future", oracle: "60000", expiryMs: expiry), chainTimeMs: expiry) == .expiring)
        #expect(MarketStatus(try Self.market(kind: "future", oracle: "60000", expiryMs: expiry, settled: "61000"), chainTimeMs: expiry + 5) == .settled)
        #expect(MarketStatus(try Self.market(kind: "perpetual", oracle: "60000", active: false), chainTimeMs: 0) == .inactive)
        let settled = try Self.market(kind: "call", oracle: "61000", mark: "900", settled: "1000")
        #expect(settled.mark == "1000")
        #expect(try Self.market(kind: "call", oracle: "60000", mark: "7882.52").mark == "7882.52")
        #expect(try Self.market(kind: "perpetual", oracle: "60000").mark == "60000")
    }
}
