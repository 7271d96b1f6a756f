import Foundation
import SolventCore
import Testing

/// contracts-spec/vectors/portfolio.json, printed by contracts-spec/examples/portfolio.py (a
/// Python implementation of portfolio-margin.md on top of options.py): the Swift scan must give
/// every scenario, scan loss, charge, credit and requirement to the quantum.
@Suite struct PortfolioVectorTests {
    static func vectors() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Spec.data("contracts-spec/vectors/portfolio.json")) as? [String: Any])
    }

    static func int<T: FixedWidthInteger>(_ any: Any?) -> T { T(any as! String)! }

    static func settings(_ s: [String: Any]) -> PortfolioSettings {
        PortfolioSettings(
            priceRangePpm: int(s["price_range_ppm"]), priceSteps: int(s["price_steps"]), volMovePpm: int(s["vol_move_ppm"]),
            extremeMovePpm: int(s["extreme_move_ppm"]), extremeCoverPpm: int(s["extreme_cover_ppm"]), shortOptionPpm: int(s["short_option_ppm"]),
            hedgedDeltaPpm: int(s["hedged_delta_ppm"]), maintenancePpm: int(s["maintenance_ppm"]), closeoutPpm: int(s["closeout_ppm"]),
            credits: (s["credits"] as! [[String: Any]]).map { .init(first: int($0["first"]), second: int($0["second"]), creditPpm: int($0["credit_ppm"])) })
    }

    static func position(_ p: [String: Any]) -> PortfolioMargin.Position {
        let expiry: UInt64 = int(p["time_to_expiry_ms"])
        let instrument: Instrument
        switch p["kind"] as! String {
        case "perpetual": instrument = .perpetual
        case "future": instrument = .future(expiryMs: 1)
        default: instrument = .option(expiryMs: 1, strike: int(p["strike"]), isCall: p["is_call"] as! Bool, volOracle: 0)
        }
        return PortfolioMargin.Position(market: int(p["market"]), symbol: "M\(p["market"]!)", size: int(p["size"]), instrument: instrument,
                                        underlying: int(p["underlying"]), spot: int(p["spot"]), vol: int(p["vol"]), timeToExpiryMs: expiry,
                                        markWad: int(p["mark_wad"]))
    }

    @Test func theScanOfEveryCaseMatches() throws {
        let v = try Self.vectors()
        let settings = Self.settings(v["settings"] as! [String: Any])
        #expect(settings.priceMoves.map(String.init) == (v["settings"] as! [String: Any])["price_moves_ppm"] as! [String])
        let cases = v["cases"] as! [[String: Any]]
        #expect(cases.count >= 7)
        #expect(cases.contains { ($0["underlyings"] as! [[String: Any]]).contains { u in
            (u["scenarios"] as! [[String: Any]]).contains { $0["back_vol_move_ppm"] != nil } } }, "a case with term-structure scenarios")
        for c in cases {
            let name = c["name"] as! String
            let result = try PortfolioMargin.evaluate((c["positions"] as! [[String: Any]]).map(Self.position), settings: settings)
            #expect(String(result.initial) == c["initial"] as? String, "\(name): initial")
            #expect(String(result.maintenance) == c["maintenance"] as? String, "\(name): maintenance")
            #expect(String(result.scanLoss) == c["scan_loss"] as? String, "\(name): scan loss")
            #expect(String(result.creditTotal) == c["credit_total"] as? String, "\(name): credits")
            #expect(String(result.contingency) == c["contingency"] as? String, "\(name): contingency")
            let credits = c["credits"] as! [[String: Any]]
            #expect(result.credits.map { [String($0.first), String($0.second), String($0.offsetLoss), String($0.credit)] }
                == credits.map { [$0["first"] as! String, $0["second"] as! String, $0["offset_loss"] as! String, $0["credit"] as! String] }, "\(name)")
            let underlyings = c["underlyings"] as! [[String: Any]]
            #expect(result.underlyings.count == underlyings.count, "\(name)")
            for (u, expected) in zip(result.underlyings, underlyings) {
                #expect(String(u.oracleMarket) == expected["oracle_market"] as? String)
                #expect(u.scenarios.map { String($0.pnl) } == (expected["scenarios"] as! [[String: Any]]).map { $0["pnl"] as! String }, "\(name): scenarios")
                #expect(u.scenarios.map(\.priceMovePpm) == (expected["scenarios"] as! [[String: Any]]).map { Self.int($0["price_move_ppm"]) as Int64 })
                #expect(u.scenarios.map(\.backVolMovePpm) == (expected["scenarios"] as! [[String: Any]]).map {
                    ($0["back_vol_move_ppm"] as? String).flatMap { Int64($0) } }, "\(name): term-structure scenarios")
                #expect(u.worst.map(String.init) == expected["worst"] as? String, "\(name): worst")
                #expect(String(u.direction) == expected["direction"] as? String, "\(name): direction")
                #expect(String(u.scanLoss) == expected["scan_loss"] as? String)
                #expect(String(u.longDelta) == expected["long_delta"] as? String, "\(name): long delta")
                #expect(String(u.shortDelta) == expected["short_delta"] as? String, "\(name): short delta")
                #expect(String(u.hedgedDeltaCharge) == expected["hedged_delta_charge"] as? String)
                #expect(String(u.shortOptionCharge) == expected["short_option_charge"] as? String)
            }
        }
    }
}
