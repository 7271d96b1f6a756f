import PropertyBased
@testable import SolventCore
import SolventCrypto
import Testing

/// Every stored record layout (contracts-spec/state.md) with values at and between their type
/// bounds: it decodes to the record it was written from, and the decoder refuses each strict
/// prefix (`truncated`), every other version byte (`unknown_version`) and a trailing byte
/// (`trailing_bytes`).
@Suite struct RecordLayoutPropertyTests {
    @Test func everyRecordRoundTripsAndRefusesDamage() async {
        await propertyCheck(count: 120, input: Gen.uint64()) { seed in
            var v = BoundedValues(seed: seed)
            check(Account(nonce: v.int(), vaultCount: v.int(), wallet: v.balances()))
            check(Vault(mode: v.vaultMode(), quote: v.int(), collateral: v.balances()))
            check(Asset(id: v.int(), symbol: v.string(max: 16), decimals: v.int(), haircutPpm: v.optional(), oracleMarket: v.optional()))
            check(Params(maxVaultsPerAccount: v.int(), maxBlockTransactions: v.int(), maxBlockBytes: v.int()))
            check(Position(size: v.int(), costBasis: v.int(), realizedPnl: v.int(), fundingIndex: v.int(), fundingPaid: v.int()))
            check(Order(id: v.int(), owner: Address(v.bytes32()), vault: v.int(), market: v.int(), side: v.bool() ? .buy : .sell,
                        price: v.int(), size: v.int(), remaining: v.int(), reduceOnly: v.bool(), placedAtHeight: v.int()))
            check(v.perpMarket())
            check(LiquidationSettings(feePpm: v.int(), maxFee: v.int(), keeperTip: v.int(), keeperSharePpm: v.int(), maxBounty: v.int(),
                                      bufferPpm: v.int(), maxPositionNotionalPerBlock: v.int(), maxVaultNotionalPerBlock: v.int(),
                                      backstopDiscountPpm: v.int()))
            check(AuctionSettings(bufPpm: v.int(), cutPpm: v.int(), stepSeconds: v.int(), cuspPpm: v.int(), tailSeconds: v.int(),
                                  tip: v.int(), chipPpm: v.int(), maxIncentive: v.int()))
            check(Auction(vault: v.vaultID(), asset: v.int(), lot: v.int(), debtAtStart: v.int(), incentiveDue: v.int(), starter: v.vaultID(),
                          top: v.int(), curveStartMs: v.int(), startedHeight: v.int(), startedMs: v.int(), redos: v.int(), sold: v.int(),
                          raised: v.int()))
            check(v.insuranceStats())
            check(InsuranceLogEntry(sequence: v.int(), height: v.int(), flow: v.element(of: [.liquidationFee, .bountyTopUp, .deficit,
                  .deleveraged, .auctionShortfall, .socialized]), amount: v.int(), balanceAfter: v.int(), vault: v.vaultID(), market: v.int()))
            check(PortfolioSettings(priceRangePpm: v.int(), priceSteps: v.int(), volMovePpm: v.int(), extremeMovePpm: v.int(),
                                    extremeCoverPpm: v.int(), shortOptionPpm: v.int(), hedgedDeltaPpm: v.int(), maintenancePpm: v.int(),
                                    closeoutPpm: v.int(), credits: (0..<v.count(upTo: 255)).map { _ in
                                        PortfolioSettings.SpreadCredit(first: v.int(), second: v.int(), creditPpm: v.int()) }))
            check(OracleConfig(settings: OracleSettings(quorum: v.int(), maxReportAgeMs: v.int(), maxFutureSkewMs: v.int(),
                                                        minUpdateIntervalMs: v.int(), maxMovePpm: v.int(), staleAfterMs: v.int()),
                               signers: (0..<v.count(upTo: 300)).map { _ in v.bytes32() }))
            check(v.oracleMarket())
            check(VersionedValue<UInt128>(v.int()))
            check(VersionedValue<Bytes32>(v.bytes32()))
            check(VersionedValue<Bool>(v.bool()))
            checkBlock(v.block())
        }
    }

    /// Refused on decode though it is written as given: the canonical-encoding rules the reader enforces.
    @Test func nonCanonicalEncodingsAreRefused() throws {
        var v = BoundedValues(seed: 7)
        let market = v.perpMarket()
        var bytes = market.encoded()
        // Version, symbol length and symbol, oracle u32, three u64, two u32: then the tier count.
        let tierCount = 1 + 1 + market.params.symbol.utf8.count + 4 + 24 + 8
        bytes[tierCount] = 0
        #expect(code { _ = try PerpMarket.decode(bytes, key: market.id) } == .fieldTooLong)
        var flag = VersionedValue(true).encoded()
        flag[1] = 2
        #expect(code { _ = try VersionedValue<Bool>.decode(flag) } == .invalidField)
        var vault = Vault(mode: .portfolio).encoded()
        vault[1] = 3
        #expect(code { _ = try Vault.decode(vault) } == .invalidField)
    }
}

/// Round trip, then strict prefixes (every one of a short record, some 500 spread over a long
/// one), other version bytes and one trailing byte refused.
private func check<R: StoredRecord & Equatable>(_ record: R) {
    let key = record.layoutKey
    let bytes = record.encoded()
    #expect(bytes.first == R.recordVersion)
    #expect(code { _ = try R.decode(bytes, key: key) } == nil, "\(R.recordName) round trip")
    #expect((try? R.decode(bytes, key: key)) == record, "\(R.recordName) round trip")
    for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 500)) {
        #expect(code { _ = try R.decode(Array(bytes[..<length]), key: key) } == .truncated, "\(R.recordName) cut to \(length) bytes")
    }
    for version in [0, R.recordVersion &+ 1, R.recordVersion &- 1, 255] where version != R.recordVersion {
        #expect(code { _ = try R.decode([version] + bytes.dropFirst(), key: key) } == .unknownVersion)
    }
    #expect(code { _ = try R.decode(bytes + [0], key: key) } == .trailingBytes, "\(R.recordName) with a trailing byte")
}

private func checkBlock(_ block: Block) {
    let bytes = block.encoded()
    #expect((try? Block.decode(bytes)) == block)
    for length in 0..<bytes.count {
        // A cut inside the transactions can leave fewer bytes than the count needs: invalid_field.
        #expect([.truncated, .invalidField].contains(code { _ = try Block.decode(Array(bytes[..<length])) }), "block cut to \(length) bytes")
    }
    #expect(code { _ = try Block.decode([2] + bytes.dropFirst()) } == .unknownVersion)
    #expect(code { _ = try Block.decode(bytes + [0]) } == .trailingBytes)
}

/// The refusal's code; nil when the body succeeds.
private func code(_ body: () throws -> Void) -> ProtocolError.Code? {
    do {
        try body()
        return nil
    } catch let error as ProtocolError {
        return error.code
    } catch {
        Issue.record("a decoder threw \(error), not a ProtocolError")
        return nil
    }
}

/// Values drawn from a seed, half of them at a type bound (min, max, 0, 1, max − 1).
private struct BoundedValues {
    var rng: Xoshiro

    init(seed: UInt64) { rng = Xoshiro(seed: (seed, ~seed, seed &* 3, 1)) }

    mutating func next() -> UInt64 { rng.next() }

    mutating func int<T: FixedWidthInteger>() -> T {
        switch next() % 10 {
        case 0: return .min
        case 1: return .max
        case 2: return 0
        case 3: return 1
        case 4: return .max - 1
        default: return T(truncatingIfNeeded: UInt128(next()) << 64 | UInt128(next()))
        }
    }

    mutating func bool() -> Bool { next() % 2 == 0 }
    mutating func optional() -> UInt32? { bool() ? int() : nil }
    mutating func element<T>(of values: [T]) -> T { values[Int(next() % UInt64(values.count))] }
    mutating func bytes32() -> Bytes32 { Bytes32(w0: next(), w1: next(), w2: next(), w3: next()) }
    mutating func vaultID() -> VaultID { VaultID(owner: Address(bytes32()), number: int()) }

    /// 0, the limit, or a few.
    mutating func count(upTo limit: Int) -> Int { element(of: [0, limit, Int(next() % 8)]) }

    /// Up to `max` UTF-8 bytes, some of them two-byte characters.
    mutating func string(max: Int) -> String {
        var s = ""
        let target = count(upTo: max)
        while s.utf8.count < target {
            s += target - s.utf8.count >= 2 && bool() ? "é" : String(UnicodeScalar(UInt8(65 + next() % 26)))
        }
        return s
    }

    mutating func balances() -> Balances {
        Balances(sortedEntries: (0..<count(upTo: 40)).map { _ in AssetBalance(asset: int(), amount: int()) })
    }

    mutating func vaultMode() -> VaultMode { element(of: [.cross, .isolated(market: int()), .portfolio]) }

    mutating func instrument() -> Instrument {
        element(of: [.perpetual, .future(expiryMs: int()), .option(expiryMs: int(), strike: int(), isCall: bool(), volOracle: int())])
    }

    mutating func perpMarket() -> PerpMarket {
        let tierCount = element(of: [1, 16, 1 + Int(next() % 16)])
        let tiers = (0..<tierCount).map { i in
            MarginTier(maxNotional: i == tierCount - 1 ? nil : Optional(int() as UInt128), initialPpm: int(), maintenancePpm: int())
        }
        var m = PerpMarket(params: PerpMarketParams(
            id: int(), symbol: string(max: 32), oracleMarket: int(), tickSize: int(), stepSize: int(), minOrderSize: int(),
            makerFeePpm: int(), takerFeePpm: int(), tiers: tiers, fundingIntervalMs: int(), fundingSampleIntervalMs: int(),
            fundingRateCapPpm: int(), impactNotional: int(), active: bool(), instrument: instrument()))
        m.openInterest = int()
        m.fundingIndex = int()
        m.fundingPool = int()
        m.nextFundingMs = int()
        m.nextSampleMs = int()
        m.premiumSumPpm = int()
        m.premiumSamples = int()
        m.lastFundingRatePpm = int()
        m.lastTradePrice = int()
        m.settlementPrice = int()
        m.settledAtMs = int()
        return m
    }

    mutating func insuranceStats() -> InsuranceStats {
        var s = InsuranceStats()
        s.seeded = int()
        s.tradingFeesIn = int()
        s.liquidationFeesIn = int()
        s.bountyTopUps = int()
        s.deficitsPaid = int()
        s.deficitsDeleveraged = int()
        s.logCount = int()
        return s
    }

    mutating func oracleMarket() -> OracleMarket {
        var m = OracleMarket(id: int(), symbol: string(max: 32), baseAsset: optional())
        m.price = int()
        m.median = int()
        m.updatedAtMs = int()
        m.lastReportMs = int()
        m.clamped = bool()
        m.reports = (0..<count(upTo: 255)).map { _ in OracleMarket.UsedReport(signer: bytes32(), price: int(), timestampMs: int()) }
        m.signerLastMs = (0..<count(upTo: 300)).map { _ in (bytes32(), int()) }
        return m
    }

    mutating func block() -> Block {
        let txs = (0..<count(upTo: 20)).map { _ in (0..<Int(next() % 40)).map { _ in UInt8(truncatingIfNeeded: next()) } }
        let header = BlockHeader(chainId: string(max: TxCodec.maxChainIdLength), height: int(), timeMs: int(), previousHash: bytes32(),
                                 txCount: UInt32(txs.count), txRoot: bytes32(), receiptsRoot: bytes32(), appHash: bytes32(),
                                 proposer: Address(bytes32()))
        return Block(header: header, signature: (0..<64).map { _ in UInt8(truncatingIfNeeded: next()) }, transactions: txs)
    }
}
