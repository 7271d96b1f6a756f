import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventEngine
import SolventStore
import SolventTestSupport
import Testing

/// Portfolio margin is consensus: the same portfolio must give the same requirement bits in any
/// process. A chain on the devnet genesis leaves a portfolio vault with perpetuals, a future and
/// options on BTC and ETH; `solventd margin` evaluates it in two separate processes (each with its
/// own hash seed) and both print exactly what this process computes.
@Suite struct PortfolioProcessTests {
    @Test func twoProcessesComputeTheSameRequirementBits() throws {
        let home = EngineFixtures.temporaryDirectory()
        defer { EngineFixtures.remove(home) }
        let chain = try DevnetChain(home: home)
        let store = chain.engine.store
        let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1)
        let tx = chain.tx
        func order(_ vault: UInt32, _ market: UInt32, _ side: Side, _ size: String, _ price: String, tif: TimeInForce) -> TxAction {
            DevnetChain.order(vault: vault, market: market, side, size, price, tif: tif)
        }
        // (market, dev0's side, size, price): BTC perpetual, future and options, ETH options.
        let legs: [(UInt32, Side, String, String)] = [
            (1, .buy, "1", "60000"), (4, .sell, "0.5", "60000"), (6, .buy, "1", "15000"), (7, .sell, "0.7", "9000"),
            (9, .sell, "2", "3000"), (2, .sell, "3", "3000"), (10, .buy, "4", "700"), (11, .sell, "2", "600"),
        ]
        var block1 = [tx(dev0, .deposit(vault: 0, asset: 0, amount: 10_000_000_000)), tx(dev0, .vaultOpen(vault: 1, mode: .portfolio)),
                      tx(dev0, .deposit(vault: 1, asset: 0, amount: 200_000_000_000)), tx(dev1, .deposit(vault: 0, asset: 0, amount: 500_000_000_000))]
        for (market, side, size, price) in legs {
            block1.append(tx(dev1, order(0, market, side.opposite, size, price, tif: .goodTillCancelled)))
            block1.append(tx(dev0, order(1, market, side, size, price, tif: .immediateOrCancel)))
        }
        try chain.block(block1, after: 1_000)

        let vault = VaultID(owner: Address(dev0.publicKey), number: 1)
        let head = try store.head()
        let expected = try store.withState { state, _ in try Margin.risk(of: vault, state: state, at: head.timeMs, prices: .latest) }
        let portfolio = try #require(expected.portfolio)
        #expect(expected.positions.count == legs.count)
        #expect(portfolio.underlyings.count == 2)

        let json = try DevnetChain.marginInTwoProcesses(home: home, vault: "\(vault.owner.text)/1")
        #expect(json["initial"] as? String == String(portfolio.initial))
        #expect(json["maintenance"] as? String == String(portfolio.maintenance))
        let scans = try #require(json["underlyings"] as? [[String: Any]])
        #expect(scans.map { $0["scenario_pnl"] as? [String] ?? [] } == portfolio.underlyings.map { $0.scenarios.map { String($0.pnl) } })
    }
}
