import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

@Suite struct GenesisTests {
    /// genesis/devnet.json is exactly what the published seed derives (`solventd genesis devnet`).
    @Test func devnetFileIsDerivedFromTheSeed() throws {
        let file = try JSONDecoder().decode(Genesis.self, from: Spec.data("genesis/devnet.json"))
        #expect(file == DevnetKeys.devnetGenesis())
        #expect(file.accounts.count >= 10)
        #expect(file.assets.contains { $0.symbol == "USDC" && $0.decimals == 6 })
    }

    func refusal(_ change: (inout Genesis) -> Void) -> String? {
        var g = DevnetKeys.devnetGenesis()
        change(&g)
        do {
            _ = try g.initialState()
            return nil
        } catch {
            return error.message
        }
    }

    @Test func validationNamesTheProblem() throws {
        #expect(refusal { _ in } == nil)
        #expect(try #require(refusal { $0.chainId = "Bad Chain" }).contains("chain_id"))
        #expect(try #require(refusal { $0.validator = "abcd" }).contains("validator"))
        #expect(try #require(refusal { $0.accounts.append($0.accounts[0]) }).contains("appears twice"))
        #expect(try #require(refusal { $0.accounts[0].wallet[0].asset = "DOGE" }).contains("unknown asset DOGE"))
        #expect(try #require(refusal { $0.accounts[0].wallet[0].amount = "1.0000001" }).contains("decimal places"))
        #expect(try #require(refusal { $0.accounts[0].address = "sv1nope" }).contains("not a valid address"))
        #expect(try #require(refusal { $0.assets.removeAll { $0.symbol == "USDC" } }).contains("USDC"))
        #expect(try #require(refusal { $0.assets[1].symbol = "USDC"; $0.assets[1].collateralHaircutPpm = nil }).contains("appears twice"))
        #expect(try #require(refusal { $0.assets[1].collateralHaircutPpm = 1_000_000 }).contains("collateral_haircut_ppm"))
        #expect(try #require(refusal { $0.perps.markets[0].stepSize = "0.00000001" }).contains("10^10"))
        #expect(try #require(refusal { $0.perps.markets[0].oracleMarket = "XRP-USD" }).contains("no oracle market"))
        #expect(try #require(refusal { $0.perps.markets[0].marginTiers[0].maintenancePpm = 60_000 }).contains("maintenance"))
        #expect(try #require(refusal { $0.perps.markets[1].symbol = "BTC-PERP" }).contains("appears twice"))
        #expect(try #require(refusal { $0.params.maxBlockTransactions = 0 }).contains("max_block_transactions"))
        #expect(try #require(refusal { $0.admin = "zz" }).contains("admin"))
        #expect(try #require(refusal { $0.oracle.settings.quorum = 2 }).contains("quorum must be odd"))
        #expect(try #require(refusal { $0.oracle.signers.append($0.oracle.signers[0]) }).contains("appears twice"))
        #expect(try #require(refusal { $0.oracle.markets[0].symbol = "XYZ-USD" }).contains("its symbol must be BTC-USD"))
        #expect(try #require(refusal { $0.oracle.markets[1].asset = "BTC"; $0.oracle.markets[1].symbol = "BTC-USD" }) != "")
        #expect(try #require(refusal { $0.oracle.markets[0].initialPrice = "0" }).contains("initial_price"))
    }

    /// Open-interest caps (genesis.md, `oi_lower_cap`/`oi_upper_cap`): written as one record when a
    /// market sets them, absent otherwise (the devnet genesis has none, and its app hash is the one
    /// the spec gives); half a pair, an option's, or a reversed pair is refused.
    @Test func openInterestCapsAreWrittenOnlyWhenSet() throws {
        #expect(DevnetKeys.devnetGenesis().initialStateHasNoCaps)
        var g = DevnetKeys.devnetGenesis()
        g.perps.markets[1].oiLowerCap = "0"; g.perps.markets[1].oiUpperCap = "1.5"
        g.perps.markets[0].oiLowerCap = "10000000"; g.perps.markets[0].oiUpperCap = "20000000"
        let caps = try g.initialState().openInterestCaps()
        #expect(caps.entries == [.init(market: 1, lower: 10_000_000_000_000, upper: 20_000_000_000_000), .init(market: 2, lower: 0, upper: 1_500_000)])
        let option = try #require(DevnetKeys.devnetGenesis().perps.markets.firstIndex { $0.kind == "option" })
        #expect(try #require(refusal { $0.perps.markets[option].oiLowerCap = "0"; $0.perps.markets[option].oiUpperCap = "1" }).contains("not options"))
        #expect(try #require(refusal { $0.perps.markets[0].oiUpperCap = "1" }).contains("go together"))
        #expect(try #require(refusal { $0.perps.markets[0].oiLowerCap = "0"; $0.perps.markets[0].oiUpperCap = "0" }).contains("above 0"))
        #expect(try #require(refusal { $0.perps.markets[0].oiLowerCap = "2"; $0.perps.markets[0].oiUpperCap = "1" }).contains("may not exceed"))
    }
}

private extension Genesis {
    var initialStateHasNoCaps: Bool {
        guard let state = try? initialState() else { return false }
        return state.get(OpenInterestCaps.stateKey.table, OpenInterestCaps.stateKey.key) == nil
    }
}
