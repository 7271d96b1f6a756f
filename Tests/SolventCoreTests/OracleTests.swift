import PropertyBased
import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// The oracle's checks, median, move limit, staleness and administration (contracts-spec/oracle.md).
@Suite struct OracleTests {
    static let chain = DevnetKeys.devnetChainId
    static let btc: UInt32 = 1
    let signers = (0..<5).map { DevnetKeys.oracleSigner($0) }
    let relayer = DevnetKeys.oracleRelayer()
    let admin = DevnetKeys.admin()
    let usd = OraclePrice.one

    /// A state just after genesis, with block time `t0` = genesis + 10 s (the genesis prices are then 10 s old).
    func fresh() throws -> (MemoryState, UInt64) {
        let state = try Fixtures.genesisState()
        return (state, Fixtures.genesis.genesisTimeMs + 10_000)
    }

    func report(_ signer: Int, price: UInt64, at time: UInt64, market: UInt32 = btc, chain: String = chain) -> OracleReport {
        OracleReport.sign(chainId: chain, market: market, price: price, timestampMs: time, key: signers[signer])
    }

    func update(_ reports: [OracleReport], market: UInt32 = btc, nonce: UInt64) -> SignedTransaction {
        Fixtures.tx(relayer, nonce: nonce, .oracleUpdate(market: market, reports: reports))
    }

    /// Admission of an update in a block at `time`, as the mempool runs it.
    func refusal(_ tx: SignedTransaction, _ state: MemoryState, at time: UInt64) -> ProtocolError.Code? {
        switch VerifiedTransaction.verify(tx) {
        case .failure(let e): return e.code
        case .success(let v):
            return StateMachine(chainId: Self.chain).checkTx(v, state: StateOverlay(base: state),
                context: BlockContext(height: state.height + 1, timeMs: time, proposer: Address(DevnetKeys.validator().publicKey)))?.code
        }
    }

    func market(_ state: MemoryState) -> OracleMarket { state.oracleMarket(Self.btc)! }

    @Test func acceptedUpdateStoresTheMedianAndItsReports() throws {
        let (state, t) = try fresh()
        let prices: [UInt64] = [61_000, 60_500, 61_200, 60_900, 60_800].map { $0 * usd }
        let reports = prices.enumerated().map { report($0.offset, price: $0.element, at: t - 500) }
        let result = state.commitBlock([update(reports, nonce: 0)], at: t)
        #expect(result.receipts[0].succeeded, "\(result.receipts[0].message)")
        let m = market(state)
        #expect(m.price == 60_900 * usd)
        #expect(m.median == 60_900 * usd)
        #expect(m.updatedAtMs == t)
        #expect(m.lastReportMs == t - 500)
        #expect(m.reports.count == 5 && m.reports.map(\.signer) == m.reports.map(\.signer).sorted())
        #expect(result.receipts[0].events == [Event("oracle_price", [
            ("market", "BTC-USD"), ("price", .price(60_900 * usd)), ("median", .price(60_900 * usd)), ("previous", .price(60_000 * usd)),
            ("reports", .integer(5)), ("status", "fresh"),
        ])])
        #expect(result.receipts[0].events[0]["price"] == "60900" && result.receipts[0].events[0]["previous"] == "60000")
        #expect(result.contextDependent)
    }

    @Test func everyBadUpdateHasItsOwnCode() throws {
        let (state, t) = try fresh()
        let p = 60_000 * usd
        let stranger = PrivateKey(seed: [UInt8](repeating: 9, count: 32))!
        // Accept one update so that timestamps and replays have something to compare with.
        let first = [0, 1, 2].map { report($0, price: p, at: t - 1_000) }
        #expect(state.commitBlock([update(first, nonce: 0)], at: t).receipts[0].succeeded)
        let later = t + 5_000
        var cases: [(String, SignedTransaction, ProtocolError.Code)] = []
        cases.append(("unknown signer", update([report(0, price: p, at: later), report(1, price: p, at: later),
            OracleReport.sign(chainId: Self.chain, market: Self.btc, price: p, timestampMs: later, key: stranger)], nonce: 1), .oracleUnknownSigner))
        cases.append(("duplicated signer", update([report(0, price: p, at: later), report(1, price: p, at: later), report(1, price: p, at: later - 1)], nonce: 1), .oracleDuplicateSigner))
        cases.append(("from the future", update([3, 1, 4].map { report($0, price: p, at: later + 6_000) }, nonce: 1), .oracleReportInFuture))
        cases.append(("replayed report", update([first[0], report(3, price: p, at: later), report(4, price: p, at: later)], nonce: 1), .oracleReportReplayed))
        cases.append(("not newer than the last accepted", update([report(3, price: p, at: t - 2_000), report(4, price: p, at: later), report(1, price: p, at: later)], nonce: 1), .oracleReportNotNewer))
        cases.append(("for another chain", update([report(3, price: p, at: later, chain: "solvent-mainnet"), report(4, price: p, at: later), report(1, price: p, at: later)], nonce: 1), .oracleWrongChain))
        cases.append(("for another market", update([report(3, price: p, at: later, market: 2), report(4, price: p, at: later), report(1, price: p, at: later)], nonce: 1), .oracleWrongMarket))
        cases.append(("fewer than quorum", update([report(3, price: p, at: later), report(4, price: p, at: later)], nonce: 1), .oracleQuorumNotMet))
        var forged = report(3, price: p, at: later)
        forged = OracleReport(chainId: forged.chainId, market: forged.market, signer: forged.signer, price: p + 1,
                              timestampMs: forged.timestampMs, signature: forged.signature)
        cases.append(("bad report signature", update([forged, report(4, price: p, at: later), report(1, price: p, at: later)], nonce: 1), .oracleBadSignature))
        cases.append(("unknown market", update([3, 4, 1].map { report($0, price: p, at: later, market: 9) }, market: 9, nonce: 1), .unknownOracleMarket))
        var codes = Set<String>()
        for (what, tx, code) in cases {
            #expect(refusal(tx, state, at: later) == code, "\(what)")
            codes.insert(code.name)
        }
        #expect(codes.count == cases.count)
        // Too old: newer than the last accepted report, but 35 s old at block time (the limit is 30 s).
        #expect(refusal(update([3, 1, 4].map { report($0, price: p, at: later) }, nonce: 1), state, at: later + 35_000) == .oracleReportTooOld)
        #expect(refusal(update([3, 1, 4].map { report($0, price: p, at: later) }, nonce: 1), state, at: later + 30_000) == nil)
        // Too soon: a valid update 300 ms after the last one (the minimum is 500 ms).
        #expect(refusal(update([3, 4, 1].map { report($0, price: p, at: t + 100) }, nonce: 1), state, at: t + 300) == .oracleUpdateTooSoon)
        #expect(refusal(update([3, 4, 1].map { report($0, price: p, at: t + 100) }, nonce: 1), state, at: t + 600) == nil)
    }

    @Test func medianIsTheLowerMiddleValue() {
        #expect(OracleUpdate.median([5]) == 5)
        #expect(OracleUpdate.median([9, 1, 5]) == 5)
        #expect(OracleUpdate.median([4, 1, 3, 2]) == 2)
        #expect(OracleUpdate.median([7, 7, 1, 100, 7]) == 7)
    }

    /// With fewer than half of the reports dishonest, the median lies within the range of the
    /// honest reports, however far off the dishonest ones are.
    @Test func medianHoldsAgainstAMinorityOfLiars() async {
        await propertyCheck(count: 300, input: Gen.uint64(in: 1...1_000_000_000).array(of: 1...25), Gen.uint64(), Gen.uint64()) { honest, seed, liarSeed in
            let liarCount = Int(liarSeed % UInt64(max(1, (honest.count + 1) / 2)))
            // Fewer than half dishonest: liars < total / 2.
            let liars = (0..<min(liarCount, max(0, honest.count - 1))).map { i -> UInt64 in
                (seed &+ UInt64(i)) % 2 == 0 ? 1 : UInt64.max - UInt64(i)
            }
            guard liars.count * 2 < honest.count + liars.count else { return }
            let m = OracleUpdate.median(honest + liars)
            #expect(m >= honest.min()! && m <= honest.max()!)
        }
    }

    @Test func aBigMoveIsClampedAndConverges() throws {
        let (state, t) = try fresh()
        // The genesis price 60,000 is 10 s old: fresh. A median of 45,000 (-25%) moves only 10%.
        let crash = [0, 1, 2].map { report($0, price: 45_000 * usd, at: t - 100) }
        let r1 = state.commitBlock([update(crash, nonce: 0)], at: t)
        #expect(market(state).price == 54_000 * usd)
        #expect(market(state).median == 45_000 * usd)
        #expect(r1.receipts[0].events[0]["status"] == "clamped")
        let config = state.oracleConfig()!.settings
        #expect(OracleGuard.status(of: market(state), settings: config, at: t) == .clamped)
        // Next updates keep moving at most 10% until they reach the median.
        state.commitBlock([update([0, 1, 2].map { report($0, price: 45_000 * usd, at: t + 900) }, nonce: 1)], at: t + 1_000)
        #expect(market(state).price == 48_600 * usd)
        state.commitBlock([update([0, 1, 2].map { report($0, price: 45_000 * usd, at: t + 1_900) }, nonce: 2)], at: t + 2_000)
        #expect(market(state).price == 45_000 * usd)
        #expect(OracleGuard.status(of: market(state), settings: config, at: t + 2_000) == .fresh)
    }

    @Test func clampRoundsTowardsTheLimit() {
        #expect(OracleUpdate.clamp(200, previous: 100, maxMovePpm: 100_000) == 110)
        #expect(OracleUpdate.clamp(1, previous: 100, maxMovePpm: 100_000) == 90)
        #expect(OracleUpdate.clamp(105, previous: 100, maxMovePpm: 100_000) == 105)
        // 10% of 15 is 1.5: the allowed move rounds down to 1.
        #expect(OracleUpdate.clamp(100, previous: 15, maxMovePpm: 100_000) == 16)
        // Never less than one unit of movement, and 0 ppm means no limit.
        #expect(OracleUpdate.clamp(100, previous: 5, maxMovePpm: 1) == 6)
        #expect(OracleUpdate.clamp(100, previous: 5, maxMovePpm: 0) == 100)
        #expect(OracleUpdate.clamp(UInt64.max, previous: UInt64.max - 1, maxMovePpm: 1_000_000) == UInt64.max)
    }

    /// Silencing every signer past the timeout: the price goes stale, an action that adds risk is
    /// refused with oracle_stale while a risk-reducing one is not gated, and the next update after
    /// the silence is taken without the move limit.
    @Test func silenceMakesThePriceStale() throws {
        let (state, t) = try fresh()
        let settings = state.oracleConfig()!.settings
        #expect(try OracleGuard.priceForRiskIncrease(market: Self.btc, state: state, at: t) == 60_000 * usd)
        let later = Fixtures.genesis.genesisTimeMs + settings.staleAfterMs + 1
        #expect(OracleGuard.status(of: market(state), settings: settings, at: later) == .stale)
        #expect(throws: ProtocolError.self) { try OracleGuard.priceForRiskIncrease(market: Self.btc, state: state, at: later) }
        do {
            _ = try OracleGuard.priceForRiskIncrease(market: Self.btc, state: state, at: later)
        } catch {
            #expect(error.code == .oracleStale)
        }
        // Depositing (it reduces risk) still works while the price is stale.
        #expect(state.commitBlock([Fixtures.tx(Fixtures.alice, nonce: 0, .deposit(vault: 0, asset: 1, amount: 1))], at: later).receipts[0].succeeded)
        // After the silence, a far-away median is taken as it is: there is no fresh price to protect.
        let back = [0, 1, 2].map { report($0, price: 30_000 * usd, at: later + 500) }
        state.commitBlock([update(back, nonce: 0)], at: later + 1_000)
        #expect(market(state).price == 30_000 * usd)
        #expect(OracleGuard.status(of: market(state), settings: settings, at: later + 1_000) == .fresh)
    }

    @Test func marketsWithoutAPriceRefuseRiskUntilTheFirstUpdate() throws {
        var genesis = Fixtures.genesis
        genesis.oracle.markets[2].initialPrice = nil
        let state = try Fixtures.genesisState(genesis)
        do {
            _ = try OracleGuard.priceForRiskIncrease(market: 3, state: state, at: genesis.genesisTimeMs + 1)
            Issue.record("a market with no price gave one")
        } catch {
            #expect(error.code == .oracleNoPrice)
        }
        #expect(OracleGuard.status(of: state.oracleMarket(3)!, settings: state.oracleConfig()!.settings, at: genesis.genesisTimeMs) == .none)
    }

    @Test func adminControlsSignersAndLimits() throws {
        let (state, t) = try fresh()
        let newSigner = PrivateKey(seed: [UInt8](repeating: 0x42, count: 32))!
        // Only the admin.
        let byOther = state.commitBlock([Fixtures.tx(Fixtures.alice, nonce: 0, .oracleAddSigner(newSigner.publicKey))], at: t)
        #expect(byOther.receipts[0].code == .unauthorized)
        let add = state.commitBlock([Fixtures.tx(admin, nonce: 0, .oracleAddSigner(newSigner.publicKey))], at: t + 1_000)
        #expect(add.receipts[0].events == [Event("oracle_signer_added", [("signer", .key(newSigner.publicKey)), ("signers", .integer(6))])])
        #expect(state.oracleConfig()!.isSigner(newSigner.publicKey))
        #expect(state.commitBlock([Fixtures.tx(admin, nonce: 1, .oracleAddSigner(newSigner.publicKey))], at: t + 2_000).receipts[0].code == .oracleSignerExists)
        // The new signer's reports now count.
        let p = 60_000 * usd
        let reports = [OracleReport.sign(chainId: Self.chain, market: Self.btc, price: p, timestampMs: t + 2_500, key: newSigner),
                       report(0, price: p, at: t + 2_500), report(1, price: p, at: t + 2_500)]
        #expect(state.commitBlock([update(reports, nonce: 0)], at: t + 3_000).receipts[0].succeeded)

        var settings = state.oracleConfig()!.settings
        settings.quorum = 4
        #expect(state.commitBlock([Fixtures.tx(admin, nonce: 2, .oracleSetSettings(settings))], at: t + 4_000).receipts[0].code == .invalidOracleConfig)
        settings.quorum = 5
        let set = state.commitBlock([Fixtures.tx(admin, nonce: 3, .oracleSetSettings(settings))], at: t + 5_000)
        // oracle.md, "Administration": the six limits, in this order, as integers.
        #expect(set.receipts[0].events == [Event("oracle_config_changed", [
            ("quorum", .integer(5)), ("max_report_age_ms", .number(settings.maxReportAgeMs)),
            ("max_future_skew_ms", .number(settings.maxFutureSkewMs)), ("min_update_interval_ms", .number(settings.minUpdateIntervalMs)),
            ("max_move_ppm", .number(settings.maxMovePpm)), ("stale_after_ms", .number(settings.staleAfterMs)),
        ])])
        #expect(state.oracleConfig()!.settings.quorum == 5)
        // Removing one leaves 5 signers for quorum 5; removing another would leave too few.
        #expect(state.commitBlock([Fixtures.tx(admin, nonce: 4, .oracleRemoveSigner(newSigner.publicKey))], at: t + 6_000).receipts[0].succeeded)
        let tooFew = state.commitBlock([Fixtures.tx(admin, nonce: 5, .oracleRemoveSigner(signers[0].publicKey))], at: t + 7_000)
        #expect(tooFew.receipts[0].code == .invalidOracleConfig)
        #expect(state.oracleConfig()!.signers.count == 5)
        #expect(state.commitBlock([Fixtures.tx(admin, nonce: 6, .oracleRemoveSigner(newSigner.publicKey))], at: t + 8_000).receipts[0].code == .oracleUnknownSigner)
    }

    @Test func marketRecordRoundTrips() throws {
        let (state, t) = try fresh()
        state.commitBlock([update([0, 1, 2].map { report($0, price: 61_000 * usd, at: t - 1) }, nonce: 0)], at: t)
        let m = market(state)
        #expect(try OracleMarket.decode(id: m.id, m.encoded()) == m)
        let config = state.oracleConfig()!
        #expect(try OracleConfig.decode(config.encoded()) == config)
    }
}

@Suite struct OracleHostileInputTests {
    /// Timestamps and prices at the edges of their types are refused, never a trap.
    @Test func extremeTimestampsAndPricesAreRefusedCleanly() throws {
        let state = try Fixtures.genesisState()
        let t = Fixtures.genesis.genesisTimeMs + 10_000
        let signers = (0..<3).map { DevnetKeys.oracleSigner($0) }
        let machine = StateMachine(chainId: DevnetKeys.devnetChainId)
        for (time, price) in [(UInt64.max, UInt64.max), (UInt64.max - 1, 1), (0, UInt64.max)] {
            let reports = signers.map { OracleReport.sign(chainId: DevnetKeys.devnetChainId, market: 1, price: price, timestampMs: time, key: $0) }
            let tx = Fixtures.tx(DevnetKeys.oracleRelayer(), nonce: 0, .oracleUpdate(market: 1, reports: reports))
            let code = machine.checkTx(Fixtures.verified(tx), state: StateOverlay(base: state),
                                       context: BlockContext(height: 1, timeMs: t, proposer: Address(DevnetKeys.validator().publicKey)))?.code
            #expect(code == (time == 0 ? .oracleReportNotNewer : .oracleReportInFuture))
        }
    }
}
