import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// The worked examples of contracts-spec/collateral-auctions.md.
///
/// Common setup: the devnet genesis (insurance fund 100,000 USDC, standard auction parameters:
/// buf 1.1, cut 0.99 every 30 s, cusp 0.6, tail 1,800 s, incentive 1 USDC + 0.1% of the debt, at
/// most 500). dev0's vault 0 holds 1 BTC and no position; its quote is set directly to a debt (as
/// a liquidation or a loss would leave it). dev3 keeps 100,000 USDC in vault 0, starts the auction
/// and takes it. BTC-USD is 60,000 throughout.
@Suite struct CollateralAuctionTests {
    let dev0 = DevnetKeys.account(0), keeper = DevnetKeys.account(3)
    static let usd = Int128(1_000_000)
    static let btc: AssetID = 1
    static let oneBTC: UInt128 = 100_000_000

    /// The state of the examples and the supply it starts with (the debt is written in directly,
    /// so conservation is checked against this state, not against genesis).
    func borrower(debt: Int128, liquidated: Bool) throws -> (MarketHarness, [AssetID: Int128]) {
        let h = try MarketHarness(genesis: DevnetKeys.devnetGenesis())
        #expect(h.run(dev0, .deposit(vault: 0, asset: Self.btc, amount: Self.oneBTC)).succeeded)
        #expect(h.deposit(keeper, "100000").succeeded)
        var vault = try #require(h.state.vault(h.vault(dev0)))
        vault.quote = -debt * Self.usd
        var changes = [StateChange(key: StateKey(.vaults, h.vault(dev0).key), old: nil, new: vault.encoded())]
        if liquidated {
            // A liquidation_marks entry (state.md): version 1, height 1, notional 0, no market.
            let mark: [UInt8] = [1] + [1, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 16) + [0, 0]
            changes.append(StateChange(key: StateKey(.liquidationMarks, h.vault(dev0).key), old: nil, new: mark))
        }
        h.state.apply(changes)
        #expect(h.setPrice("60000").succeeded)
        return (h, SupplyAudit.totals(h.state))
    }

    func start(_ h: MarketHarness, at time: UInt64) -> Receipt {
        h.run(keeper, .auctionStart(owner: Address(dev0.publicKey), vault: 0, asset: Self.btc, keeperVault: 0), at: time)
    }

    func take(_ h: MarketHarness, _ amount: UInt128, max price: String, at time: UInt64) -> Receipt {
        h.run(keeper, .auctionTake(owner: Address(dev0.publicKey), vault: 0, asset: Self.btc, amount: amount,
                                   maxPrice: MarketHarness.price(price), takerVault: 0), at: time)
    }

    func conserved(_ h: MarketHarness, _ supply: [AssetID: Int128]) -> Bool {
        SupplyAudit.audit(h.state, genesis: supply).holds
    }

    /// collateral-auctions.md, "Price": the curve from a top of 66,000.
    @Test func stairstepCurve() {
        let s = AuctionSettings.standard
        let top = try! CollateralAuction.top(oracle: MarketHarness.price("60000"), settings: s)
        #expect(top == 6_600_000_000_000)
        #expect(CollateralAuction.price(top: top, elapsedMs: 29_999, settings: s) == 6_600_000_000_000)
        #expect(CollateralAuction.price(top: top, elapsedMs: 30_000, settings: s) == 6_534_000_000_000)
        #expect(CollateralAuction.price(top: top, elapsedMs: 300_000, settings: s) == 5_968_921_695_061)
        #expect(CollateralAuction.price(top: top, elapsedMs: 600_000, settings: s) == 5_398_185_788_149)
        // Step 50 is still above cusp × top = 39,600; step 51 is below: stale after 1,530 s.
        let p50 = CollateralAuction.price(top: top, elapsedMs: 1_500_000, settings: s)
        let p51 = CollateralAuction.price(top: top, elapsedMs: 1_530_000, settings: s)
        #expect(p50 == 3_993_040_043_125 && p51 == 3_953_109_642_694)
        #expect(!CollateralAuction.isStale(top: top, price: p50, elapsedMs: 1_500_000, settings: s))
        #expect(CollateralAuction.isStale(top: top, price: p51, elapsedMs: 1_530_000, settings: s))
        #expect(CollateralAuction.incentive(debt: 50_000_000_000, settings: s) == 51_000_000)
        #expect(CollateralAuction.incentive(debt: 10_000_000_000_000, settings: s) == 500_000_000)
    }

    /// collateral-auctions.md, "Worked example: a liquidated vault, the tab covered".
    @Test func liquidatedVaultTabCovered() throws {
        let (h, supply) = try borrower(debt: 50_000, liquidated: true)
        // Equity −50,000 + 54,000 = 4,000 > 0: eligible only because it was liquidated.
        #expect(try h.risk(dev0).equity == 4_000 * Self.usd)
        let t0 = h.time + 1_000
        let started = start(h, at: t0)
        #expect(started.succeeded, "\(started.message)")
        let s = try #require(started.events.first { $0.type == "auction_started" })
        #expect(s["reason"] == "liquidated" && s["lot"] == "1" && s["debt"] == "50000" && s["incentive"] == "51")
        #expect(s["oracle_price"] == "60000" && s["top"] == "66000", "\(s)")
        #expect(h.state.vault(h.vault(dev0))?.collateral[Self.btc] == 0)
        #expect(conserved(h, supply))
        // A second start of the same vault is refused while this one runs.
        #expect(start(h, at: t0 + 1_000).code == .auctionExists)

        // 300 s later (10 steps) the price is 59,689.21695061, under the keeper's limit of 60,000.
        #expect(take(h, Self.oneBTC, max: "59000", at: t0 + 300_000).code == .auctionPriceAboveMax)
        let r = take(h, Self.oneBTC, max: "60000", at: t0 + 300_001)
        #expect(r.succeeded, "\(r.message)")
        let t = try #require(r.events.first { $0.type == "auction_take" })
        // The tab is 50,051: ⌈50,051 × 10^10 / 5,968,921,695,061⌉ = 83,852,667 quantums cover it.
        #expect(t["price"] == "59689.21695061" && t["amount"] == "0.83852667" && t["paid"] == "50051.000325", "\(t)")
        #expect(t["to_debt"] == "50000" && t["to_incentive"] == "51" && t["debt_left"] == "0")
        let e = try #require(r.events.first { $0.type == "auction_ended" })
        #expect(e["reason"] == "covered" && e["lot_returned"] == "0.16147333" && e["fund_paid"] == "0", "\(e)")
        let vault = try #require(h.state.vault(h.vault(dev0)))
        #expect(vault.quote == 325 && vault.collateral[Self.btc] == 16_147_333)
        let k = try #require(h.state.vault(h.vault(keeper)))
        #expect(k.quote == 100_000 * Self.usd - 50_051_000_325 + 51_000_000 && k.collateral[Self.btc] == 83_852_667)
        #expect(h.state.auction(h.vault(dev0), Self.btc) == nil)
        #expect(h.state.insuranceFund() == 100_000_000_000)
        #expect(conserved(h, supply))
    }

    /// collateral-auctions.md, "Worked example: an underwater vault, the lot runs out".
    @Test func underwaterVaultShortfallPaidByTheFund() throws {
        let (h, supply) = try borrower(debt: 58_000, liquidated: false)
        #expect(try h.risk(dev0).equity == -4_000 * Self.usd)
        let t0 = h.time + 1_000
        let started = start(h, at: t0)
        #expect(started.succeeded, "\(started.message)")
        #expect(started.events.first { $0.type == "auction_started" }?["reason"] == "underwater")
        #expect(started.events.first { $0.type == "auction_started" }?["incentive"] == "59")
        let r = take(h, Self.oneBTC, max: "60000", at: t0 + 600_000)
        #expect(r.succeeded, "\(r.message)")
        let t = try #require(r.events.first { $0.type == "auction_take" })
        #expect(t["price"] == "53981.85788149" && t["amount"] == "1" && t["paid"] == "53981.857882" && t["to_incentive"] == "0", "\(t)")
        let e = try #require(r.events.first { $0.type == "auction_ended" })
        #expect(e["reason"] == "sold_out" && e["shortfall"] == "4018.142118" && e["fund_paid"] == "4018.142118", "\(e)")
        #expect(e["incentive_unpaid"] == "59" && e["unpaid"] == "0")
        #expect(h.state.vault(h.vault(dev0))?.quote == 0)
        #expect(h.state.insuranceFund() == 100_000_000_000 - 4_018_142_118)
        let log = try #require(h.state.insuranceLog(limit: 1).first)
        #expect(log.flow == .auctionShortfall && log.amount == 4_018_142_118 && log.market == UInt32(Self.btc))
        #expect(h.state.insuranceStats().deficitsPaid == 4_018_142_118)
        #expect(conserved(h, supply))
    }

    /// collateral-auctions.md, "Starting an auction": a borrower with positive equity keeps its BTC.
    @Test func healthyBorrowerIsNotAuctioned() throws {
        let (h, _) = try borrower(debt: 50_000, liquidated: false)
        let r = start(h, at: h.time + 1_000)
        #expect(r.code == .auctionNotAllowed, "\(r.message)")
        #expect(r.message.contains("is not below zero"), "\(r.message)")
        #expect(h.state.vault(h.vault(dev0))?.collateral[Self.btc] == Self.oneBTC)
        // Its own vault for the incentive is refused too, as is USDC as the lot.
        let own = h.run(dev0, .auctionStart(owner: Address(dev0.publicKey), vault: 0, asset: Self.btc, keeperVault: 0))
        #expect(own.code == .vaultNotFound || own.code == .invalidAuction)
        let usdc = h.run(keeper, .auctionStart(owner: Address(dev0.publicKey), vault: 0, asset: 0, keeperVault: 0))
        #expect(usdc.code == .auctionNotAllowed)
    }

    /// collateral-auctions.md, "Staleness and redo": past cusp the take is refused until a redo.
    @Test func staleAuctionNeedsRedo() throws {
        let (h, supply) = try borrower(debt: 50_000, liquidated: true)
        let t0 = h.time + 1_000
        #expect(start(h, at: t0).succeeded)
        let redoEarly = h.run(keeper, .auctionRedo(owner: Address(dev0.publicKey), vault: 0, asset: Self.btc), at: t0 + 1_500_000)
        #expect(redoEarly.code == .auctionNotStale, "\(redoEarly.message)")
        #expect(take(h, Self.oneBTC, max: "60000", at: t0 + 1_530_000).code == .auctionStale)
        // The redo needs a fresh price (stale after 60 s): one in the same block, before it.
        let t1 = t0 + 1_531_000
        #expect(h.setPrice("60000", at: t1 - 500).succeeded)
        let redo = h.run(keeper, .auctionRedo(owner: Address(dev0.publicKey), vault: 0, asset: Self.btc), at: t1)
        #expect(redo.succeeded, "\(redo.message)")
        #expect(redo.events.first?["top"] == "66000" && redo.events.first?["redos"] == "1")
        let auction = try #require(h.state.auction(h.vault(dev0), Self.btc))
        #expect(auction.curveStartMs == t1 && auction.lot == Self.oneBTC)
        #expect(take(h, Self.oneBTC, max: "70000", at: t1 + 1_000).succeeded)
        #expect(conserved(h, supply))
    }

    /// The whole path through real transactions (no state written by hand): a long backed by BTC
    /// is liquidated, the vault's BTC is auctioned and taken, and every asset is conserved against
    /// genesis at every block. Only what any liquidation rule must leave is asserted: no position,
    /// a negative quote, the BTC still in the vault.
    @Test func liquidatedLongThenAuctionConserves() throws {
        let h = try MarketHarness(genesis: DevnetKeys.devnetGenesis())
        let genesis = SupplyAudit.totals(h.state)
        let maker = DevnetKeys.account(1)
        func audit() -> Bool { SupplyAudit.audit(h.state, genesis: genesis).holds }
        #expect(h.deposit(dev0, "2000").succeeded)
        #expect(h.run(dev0, .deposit(vault: 0, asset: Self.btc, amount: Self.oneBTC)).succeeded)
        #expect(h.deposit(maker, "900000").succeeded)
        #expect(h.deposit(keeper, "900000").succeeded)
        #expect(h.run(maker, h.order(maker, .sell, "8", at: "60000")).succeeded)
        #expect(h.run(dev0, h.order(dev0, .buy, "8", at: "60000", tif: .immediateOrCancel)).succeeded)
        #expect(h.setPrice("57000").succeeded && h.setPrice("54150").succeeded)
        for _ in 0..<6 where h.position(dev0) != 0 {
            #expect(h.setPrice("54150").succeeded)
            let r = h.run(keeper, .liquidate(owner: Address(dev0.publicKey), vault: 0, market: MarketHarness.btc, keeperVault: 0))
            #expect(r.succeeded, "\(r.message)")
            #expect(audit())
        }
        #expect(h.position(dev0) == 0)
        let left = try #require(h.state.vault(h.vault(dev0)))
        #expect(left.quote < 0 && left.collateral[Self.btc] == Self.oneBTC)

        #expect(h.setPrice("54150").succeeded)
        let t0 = h.time + 1_000
        let started = start(h, at: t0)
        #expect(started.succeeded, "\(started.message)")
        #expect(started.events.first { $0.type == "auction_started" }?["reason"] == "liquidated")
        #expect(audit())
        // 10 steps later the price is 0.9948 of the oracle; the keeper vault now holds the backstop
        // position, so its margin check wants a fresh price in the take's block.
        #expect(h.setPrice("54150", at: t0 + 299_000).succeeded)
        let r = take(h, Self.oneBTC, max: "54150", at: t0 + 300_000)
        #expect(r.succeeded, "\(r.message)")
        #expect(r.events.first { $0.type == "auction_ended" }?["reason"] == "covered")
        let after = try #require(h.state.vault(h.vault(dev0)))
        #expect(after.quote >= 0 && after.collateral[Self.btc] > 0 && after.collateral[Self.btc] < Self.oneBTC)
        #expect(h.state.allAuctions().isEmpty)
        #expect(audit())
    }

    @Test func transactionsRoundTrip() throws {
        let owner = Address(dev0.publicKey)
        let actions: [TxAction] = [
            .auctionStart(owner: owner, vault: 2, asset: 1, keeperVault: 3),
            .auctionTake(owner: owner, vault: 2, asset: 2, amount: 123_456_789, maxPrice: 5_968_921_695_061, takerVault: 0),
            .auctionRedo(owner: owner, vault: 2, asset: 1),
            .auctionSetConfig(.standard),
        ]
        for a in actions {
            let tx = Fixtures.tx(keeper, nonce: 7, a)
            #expect(try TxCodec.decode(tx.bytes).transaction == tx.transaction)
        }
        // Payloads: 44, 68, 40 and 56 bytes after the 61-byte devnet header.
        let header = 1 + 1 + DevnetKeys.devnetChainId.utf8.count + 32 + 8 + 2
        #expect(actions.map { Fixtures.tx(keeper, nonce: 0, $0).bytes.count - header - 64 } == [44, 68, 40, 56])
    }

    @Test func settingsAreValidatedAndOnlyTheAdminChangesThem() throws {
        var bad = AuctionSettings.standard
        bad.cutPpm = 1_000_000
        #expect(throws: ProtocolError.self) { try bad.validate() }
        bad = .standard
        bad.tailSeconds = 20
        #expect(throws: ProtocolError.self) { try bad.validate() }
        let h = try MarketHarness(genesis: DevnetKeys.devnetGenesis())
        var s = AuctionSettings.standard
        s.bufPpm = 1_200_000
        #expect(h.run(keeper, .auctionSetConfig(s)).code == .unauthorized)
        #expect(h.run(DevnetKeys.admin(), .auctionSetConfig(bad)).code == .invalidAuctionConfig)
        let set = h.run(DevnetKeys.admin(), .auctionSetConfig(s))
        #expect(set.succeeded)
        #expect(h.state.auctionSettings() == s)
        // The eight parameters in the record's order (blocks.md, "Event values"): tip and max_incentive in USDC.
        #expect(set.events == [Event("auction_config_set", [
            ("buf_ppm", .integer(1_200_000)), ("cut_ppm", .number(s.cutPpm)), ("step_seconds", .number(s.stepSeconds)),
            ("cusp_ppm", .number(s.cuspPpm)), ("tail_seconds", .number(s.tailSeconds)), ("tip", .amount(Int128(s.tip), scale: 6)),
            ("chip_ppm", .number(s.chipPpm)), ("max_incentive", .amount(Int128(s.maxIncentive), scale: 6)),
        ])])
    }
}

/// contracts-spec/vectors/auctions.json, printed by `solvent_client.py auction-vectors` (a client
/// written from transactions.md in Python): the node's encoder produces the same bytes and hashes.
@Suite struct AuctionVectorTests {
    struct Vector: Decodable {
        let title: String
        let privateKey: String
        let nonce: UInt64
        let kind: UInt16
        let signedTransaction: String
        let hash: String
        enum CodingKeys: String, CodingKey {
            case title, privateKey = "private_key", nonce, kind, signedTransaction = "signed_transaction", hash
        }
    }

    @Test func encoderMatchesThePythonClient() throws {
        let vectors = try JSONDecoder().decode([Vector].self, from: Spec.data("contracts-spec/vectors/auctions.json"))
        let dev0 = Address(DevnetKeys.account(0).publicKey)
        let actions: [UInt16: TxAction] = [
            56: .auctionStart(owner: dev0, vault: 0, asset: 1, keeperVault: 0),
            57: .auctionTake(owner: dev0, vault: 0, asset: 1, amount: 100_000_000, maxPrice: 6_000_000_000_000, takerVault: 0),
            58: .auctionRedo(owner: dev0, vault: 0, asset: 1),
            59: .auctionSetConfig(.standard),
        ]
        #expect(vectors.map(\.kind) == [56, 57, 58, 59])
        for v in vectors {
            let seed = try #require(Hex.decode(v.privateKey))
            let key = try #require(PrivateKey(seed: seed))
            let tx = Transaction(chainId: DevnetKeys.devnetChainId, sender: Address(key.publicKey), nonce: v.nonce,
                                 action: try #require(actions[v.kind])).signed(with: key)
            #expect(Hex.encode(tx.bytes) == v.signedTransaction, "\(v.title)")
            #expect(tx.hash.hex == v.hash, "\(v.title)")
        }
    }
}
