import Foundation
@testable import SolventClient
import SolventCore
import SolventDevnet
import SolventWire
import Testing

/// The scenario file format (contracts-spec/devnet.md, "Scenarios" and "Scripts").
@Suite struct ScenarioFileTests {
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/scenarios").path

    @Test func everyShippedScenarioLoadsAndNamesOnlyKnownActions() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.scenarios).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.contains("liquidation-cascade.json") && files.contains("portfolio-expiry.json"))
        let known: Set = ["deposit", "send", "order", "cancel_all", "trade", "price", "mine", "start_keepers", "liquidation_rounds",
                          "list_market", "settle", "set_oi_caps", "set_depth_addon", "set_haircut_rule", "set_yield", "set_surface", "check"]
        for f in files {
            let s = try ScenarioFile.load(Self.scenarios + "/" + f)
            #expect(s.name + ".json" == f)
            for a in s.script ?? [] { #expect(known.contains(a.kind), "\(f): \(a.kind)") }
        }
    }

    @Test func theScriptsCarryTheirChecksAndReplay() throws {
        let cascade = try ScenarioFile.load(Self.scenarios + "/liquidation-cascade.json")
        #expect(cascade.steps == 0 && cascade.replay == true)
        let kinds = (cascade.script ?? []).compactMap(\.check?.kind) + cascade.checks.map(\.kind)
        for k in ["insurance_fund_grew_from_fees", "fund_paid_deficit", "book_bid_beat_backstop", "adl_started_at_top",
                  "vault_deleveraged", "insurance_fund_below", "keepers_raced_cleanly", "conservation"] {
            #expect(kinds.contains(k), "liquidation-cascade lacks \(k)")
        }
        let portfolio = try ScenarioFile.load(Self.scenarios + "/portfolio-expiry.json")
        let settled = (portfolio.script ?? []).compactMap(\.check).filter { $0.kind == "settled_at" }
        #expect(settled.map { "\($0.market ?? "") \($0.value ?? "")" } == ["BTC-SOON 61500", "BTC-SOON-60000-C 1500"])
    }

    @Test func noStepsNeedsAScript() throws {
        let path = NSTemporaryDirectory() + "scenario-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let empty = #"{"name": "x", "description": "", "market_maker": "dev1", "accounts": [], "positions": [], "prices": {}, "steps": 0, "keepers": [], "checks": []}"#
        try Data(empty.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ClientError.self) { try ScenarioFile.load(path) }
    }

    @Test func aNameOutsideTheDevnetAccountsIsAKeyOfTheScenarios() throws {
        #expect(try ScenarioRunner.key("rival").publicKey == DevnetKeys.key(label: "scenario/rival").publicKey)
        #expect(try ScenarioRunner.key("dev3").publicKey == DevnetKeys.account(3).publicKey)
        #expect(throws: ClientError.self) { try ScenarioRunner.key("dev12") }
    }
}
