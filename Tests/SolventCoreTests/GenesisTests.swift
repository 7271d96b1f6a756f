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
}
