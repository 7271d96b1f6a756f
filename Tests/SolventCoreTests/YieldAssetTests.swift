@testable import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// Yield-bearing collateral (yield-assets.md): the rate's accrual and its checkpoints, the
/// transaction's checks and encoding, SUSDC in a vault's margin, a de-peg that makes a vault
/// liquidatable, and the genesis rules; the supply of shares never changes.
@Suite struct YieldAssetTests {
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1), admin = DevnetKeys.admin()
    static let usdc: UInt128 = 1_000_000, susdc: AssetID = 3
    static let t0: UInt64 = 1_767_225_600_000, days73: UInt64 = 73 * 86_400_000

    /// The spec's examples: 73 days at 5%, a checkpoint that compounds, a 30% write-down.
    @Test func rateAccruesByBlockTimeAndCompoundsAtCheckpoints() throws {
        let e = YieldAssets.Entry(asset: 3, aprPpm: 50_000, accruedAtMs: Self.t0)
        #expect(e.rate(at: Self.t0) == YieldAssets.one)
        #expect(e.rate(at: Self.t0 + Self.days73) == 1_010_000_000_000_000_000)
        #expect(try e.price(at: Self.t0 + Self.days73) == 101_000_000)
        #expect(e.rate(at: Self.t0 + 2 * Self.days73) == 1_020_000_000_000_000_000, "one stretch: simple interest")
        let checkpoint = YieldAssets.Entry(asset: 3, aprPpm: 50_000, rate: 1_010_000_000_000_000_000, accruedAtMs: Self.t0 + Self.days73)
        #expect(checkpoint.rate(at: Self.t0 + 2 * Self.days73) == 1_020_100_000_000_000_000, "a checkpoint compounds")
        let asset = Asset(id: 3, symbol: "SUSDC", decimals: 6, haircutPpm: 20_000)
        #expect(try CollateralRisk.value(10_000 * Self.usdc, asset: asset, price: 101_000_000, haircutPpm: 20_000) == 9_898 * Self.usdc)
        #expect(try CollateralRisk.value(10_000 * Self.usdc, asset: asset, price: 70_700_000, haircutPpm: 20_000) == 6_928_600_000)
        // Bounds: the largest rate and time do not trap; a rate past a price's 64 bits is refused.
        let top = YieldAssets.Entry(asset: 3, aprPpm: YieldAssets.maxAprPpm, rate: UInt128.max / 2, accruedAtMs: 0)
        #expect(top.rate(at: UInt64.max) == nil)
        #expect(throws: ProtocolError.self) { try top.price(at: 1) }
    }

    @Test func recordAndTransactionEncodings() throws {
        let r = YieldAssets(entries: [.init(asset: 3, aprPpm: 50_000, accruedAtMs: Self.t0)])
        #expect(r.encoded().count == 3 + 32)
        #expect(Hex.encode(r.encoded()) == "01" + "0100" + "03000000" + "50c30000" + "000064a7b3b6e00d0000000000000000" + "00a8da769b010000")
        #expect(try YieldAssets.decode(r.encoded()) == r)
        let bad = YieldAssets(entries: [.init(asset: 3, aprPpm: 1_000_001, accruedAtMs: 0)])
        #expect(throws: ProtocolError.self) { try YieldAssets.decode(bad.encoded()) }
        let tx = Fixtures.tx(admin, nonce: 1, .assetSetYield(asset: 3, aprPpm: 50_000, writedownPpm: 300_000))
        #expect(try TxCodec.decode(tx.bytes).transaction == tx.transaction)
        #expect(Hex.encode(Array(tx.transaction.body().suffix(14))) == "1900" + "03000000" + "50c30000" + "e0930400")
    }

    @Test func theDevnetGenesisHasSavingsUSDC() throws {
        let h = try MarketHarness()
        #expect(h.state.yieldAssets().entries == [.init(asset: 3, aprPpm: 50_000, accruedAtMs: h.genesis.genesisTimeMs)])
        let susdc = try #require(h.state.asset(Self.susdc))
        #expect(susdc.oracleMarket == nil && susdc.haircutPpm == 20_000 && h.state.isCollateral(susdc))
        var g = Fixtures.genesis
        g.assets[3].decimals = 8
        #expect(throws: GenesisError.self) { try g.initialState() }
        g = Fixtures.genesis
        g.oracle.markets.append(.init(id: 9, symbol: "SUSDC-USD", asset: "SUSDC", initialPrice: "1"))
        #expect(throws: GenesisError.self) { try g.initialState() }
    }

    @Test func transactionChecksInTheSpecsOrder() throws {
        let h = try MarketHarness()
        #expect(h.run(dev0, .assetSetYield(asset: 3, aprPpm: 1, writedownPpm: 0)).code == .unauthorized)
        #expect(h.run(admin, .assetSetYield(asset: 99, aprPpm: 1, writedownPpm: 0)).code == .unknownAsset)
        #expect(h.run(admin, .assetSetYield(asset: 1, aprPpm: 1, writedownPpm: 0)).code == .invalidField, "BTC does not accrue")
        #expect(h.run(admin, .assetSetYield(asset: 3, aprPpm: 1_000_001, writedownPpm: 0)).code == .invalidField)
        #expect(h.run(admin, .assetSetYield(asset: 3, aprPpm: 1, writedownPpm: 1_000_000)).code == .invalidField)
        #expect(h.state.yieldAssets().entry(of: 3)?.accruedAtMs == h.genesis.genesisTimeMs, "refusals write nothing")
        let set = h.run(admin, .assetSetYield(asset: 3, aprPpm: 40_000, writedownPpm: 0), at: h.genesis.genesisTimeMs + Self.days73)
        #expect(set.succeeded && set.events.first?.type == "asset_yield_set")
        #expect(h.state.yieldAssets().entry(of: 3) == .init(asset: 3, aprPpm: 40_000, rate: 1_010_000_000_000_000_000, accruedAtMs: h.time))
        #expect(h.run(admin, .assetSetYield(asset: 3, aprPpm: 40_000, writedownPpm: 300_000)).succeeded)
        #expect(try #require(h.state.yieldAssets().entry(of: 3)).rate < 707_001_000_000_000_000)
    }

    /// SUSDC backs a BTC long: its value grows with block time, a 30% write-down takes the vault
    /// under its maintenance requirement, and no share is created or destroyed on the way.
    @Test func aDepegMakesAVaultBackedBySavingsLiquidatable() throws {
        let h = try MarketHarness()
        let supply = h.supply(of: Self.susdc)
        #expect(h.run(dev0, .deposit(vault: 0, asset: Self.susdc, amount: 20_000 * Self.usdc)).succeeded)
        #expect(h.deposit(dev1, "900000").succeeded)
        #expect(h.run(dev1, h.order(dev1, .sell, "2", at: "60000")).succeeded)
        #expect(h.run(dev0, h.order(dev0, .buy, "2", at: "60000")).succeeded)
        let start = try h.risk(dev0)
        #expect(start.collateral.first?.oraclePrice == 100_000_000 && start.maintenance == 3_600 * Self.usdc)
        // 73 days later (prices refreshed) the shares count 1% more.
        #expect(h.setPrice("60000", at: h.genesis.genesisTimeMs + Self.days73).succeeded)
        let later = try h.risk(dev0)
        #expect(later.collateral.first?.oraclePrice == 101_000_000)
        #expect(later.collateralValue == 19_796 * Self.usdc, "20 000 × 1.01 × 0.98")
        #expect(!later.isLiquidatable)
        #expect(h.run(admin, .assetSetYield(asset: 3, aprPpm: 50_000, writedownPpm: 900_000)).succeeded)
        let after = try h.risk(dev0)
        #expect(after.isLiquidatable, "equity \(after.equity), maintenance \(after.maintenance)")
        #expect(h.supply(of: Self.susdc) == supply)
    }
}
