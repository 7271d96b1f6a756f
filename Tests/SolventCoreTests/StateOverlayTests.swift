import PropertyBased
import SolventCore
import Testing

@Suite struct StateOverlayTests {
    final class Base: StateReader {
        var data: [StateKey: [UInt8]] = [StateKey(.accounts, [1]): [10], StateKey(.accounts, [2]): [20]]
        func get(_ table: StateTable, _ key: [UInt8]) -> [UInt8]? { data[StateKey(table, key)] }
        func scan(_ table: StateTable, prefix: [UInt8], from start: [UInt8]?, _ visit: ([UInt8], [UInt8]) -> Bool) {
            let first = start ?? prefix
            for key in data.keys.filter({ $0.table == table && $0.key.starts(with: prefix) && !$0.key.lexicographicallyPrecedes(first) }).sorted() {
                if !visit(key.key, data[key]!) { return }
            }
        }
    }

    /// A merged scan of the overlay equals a scan of the state its writes describe, for any mix of
    /// base entries, writes, deletions, rollbacks, rebases, prefixes and start keys.
    @Test func scanMergesWritesOverTheBase() async {
        await propertyCheck(count: 200, input: Gen.uint64(), Gen.uint8().array(of: 0...60)) { seed, ops in
            var rng = seed
            func next() -> UInt64 { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return rng >> 33 }
            let base = Base()
            base.data = [:]
            func key() -> [UInt8] { (0..<Int(1 + next() % 3)).map { _ in UInt8(next() % 4) } }
            for _ in 0..<Int(next() % 12) { base.data[StateKey(.accounts, key())] = [UInt8(next() % 200)] }
            var model = base.data.filter { _ in true }
            let o = StateOverlay(base: base)
            for op in ops {
                let k = key()
                switch op % 6 {
                case 0, 1:
                    o.put(.accounts, k, [op]); model[StateKey(.accounts, k)] = [op]
                case 2:
                    o.delete(.accounts, k); model[StateKey(.accounts, k)] = nil
                case 3:
                    // A transaction rolled back leaves no trace; one committed keeps its writes
                    // (a key put back after its deletion is listed again, and the reverse).
                    let other = key()
                    o.begin(); o.put(.accounts, other, [255]); o.delete(.accounts, k)
                    if next() % 2 == 0 {
                        o.rollback()
                    } else {
                        o.put(.accounts, other, [254]); o.commit()
                        model[StateKey(.accounts, other)] = [254]; model[StateKey(.accounts, k)] = nil
                        if other == k { model[StateKey(.accounts, k)] = [254] }
                    }
                case 4:
                    _ = o.get(.accounts, k)
                default:
                    // The mempool's case: a block made of the writes so far is committed below.
                    let committed = Base()
                    committed.data = model
                    o.rebase(onto: committed)
                }
            }
            let prefix: [UInt8] = next() % 2 == 0 ? [] : [UInt8(next() % 4)]
            let start: [UInt8]? = next() % 2 == 0 ? nil : key()
            var got = [[UInt8]]()
            o.scan(.accounts, prefix: prefix, from: start) { k, v in
                got.append(k)
                #expect(model[StateKey(.accounts, k)] == v)
                return true
            }
            let first = start.map { $0.lexicographicallyPrecedes(prefix) ? prefix : $0 } ?? prefix
            let expected = model.keys.filter { $0.key.starts(with: prefix) && !$0.key.lexicographicallyPrecedes(first) }.sorted().map(\.key)
            #expect(got == expected)
            // Stopping early stops.
            var count = 0
            o.scan(.accounts, prefix: prefix, from: start) { _, _ in count += 1; return count < 2 }
            #expect(count == min(2, expected.count))
        }
    }

    /// With thousands of written keys (the overlay keeps them in chunks of 512), merged scans
    /// from any start still visit exactly the written state in key order.
    @Test func scansStayExactWithManyWrittenKeys() async {
        await propertyCheck(count: 5, input: Gen.uint64()) { seed in
            var rng = seed | 1
            func next() -> UInt64 { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng }
            let base = Base()
            base.data = [:]
            for _ in 0..<300 { base.data[StateKey(.accounts, [UInt8(next() % 256), UInt8(next() % 256)])] = [1] }
            var model = base.data.filter { _ in true }
            let o = StateOverlay(base: base)
            for i in 0..<4_000 {
                let k = [UInt8(next() % 256), UInt8(next() % 256)]
                if i % 7 == 0 {
                    o.delete(.accounts, k); model[StateKey(.accounts, k)] = nil
                } else {
                    o.put(.accounts, k, [UInt8(i % 251)]); model[StateKey(.accounts, k)] = [UInt8(i % 251)]
                }
            }
            for _ in 0..<20 {
                let prefix: [UInt8] = next() % 3 == 0 ? [UInt8(next() % 256)] : []
                let start: [UInt8]? = next() % 2 == 0 ? nil : [UInt8(next() % 256), UInt8(next() % 256)]
                var got = [([UInt8], [UInt8])]()
                o.scan(.accounts, prefix: prefix, from: start) { k, v in got.append((k, v)); return true }
                let first = start.map { $0.lexicographicallyPrecedes(prefix) ? prefix : $0 } ?? prefix
                let expected = model.keys.filter { $0.key.starts(with: prefix) && !$0.key.lexicographicallyPrecedes(first) }.sorted()
                #expect(got.map(\.0) == expected.map(\.key))
                #expect(got.allSatisfy { model[StateKey(.accounts, $0.0)] == $0.1 })
            }
        }
    }

    @Test func rollbackUndoesOnlyTheOpenTransaction() {
        let o = StateOverlay(base: Base())
        o.begin()
        o.put(.accounts, [1], [11])
        o.commit()
        o.begin()
        o.put(.accounts, [1], [12])
        o.put(.accounts, [3], [30])
        o.delete(.accounts, [2])
        #expect(o.get(.accounts, [1]) == [12])
        #expect(o.get(.accounts, [2]) == nil)
        o.rollback()
        #expect(o.get(.accounts, [1]) == [11])
        #expect(o.get(.accounts, [2]) == [20])
        #expect(o.get(.accounts, [3]) == nil)
        #expect(o.changes() == [StateChange(key: StateKey(.accounts, [1]), old: [10], new: [11])])
    }

    @Test func changesAreSortedAndSkipUnchangedValues() {
        let o = StateOverlay(base: Base())
        o.put(.vaults, [0], [1])
        o.put(.accounts, [2], [20])     // same as base: not a change
        o.put(.accounts, [1, 0], [5])
        o.put(.params, [9], [9])
        o.delete(.accounts, [1])
        let keys = o.changes().map(\.key)
        #expect(keys == [StateKey(.params, [9]), StateKey(.accounts, [1]), StateKey(.accounts, [1, 0]), StateKey(.vaults, [0])])
        #expect(o.changes()[1].new == nil && o.changes()[1].old == [10])
    }

    @Test func readsAreCachedFromTheBase() {
        let base = Base()
        let o = StateOverlay(base: base)
        #expect(o.get(.accounts, [1]) == [10])
        base.data[StateKey(.accounts, [1])] = [99]
        #expect(o.get(.accounts, [1]) == [10])
        // Rebasing keeps writes and drops cached reads.
        o.put(.accounts, [2], [21])
        o.rebase(onto: base)
        #expect(o.get(.accounts, [1]) == [99])
        #expect(o.get(.accounts, [2]) == [21])
    }
}

/// The overlay keeps markets, assets and settings records decoded; whatever a transaction writes
/// (through the typed setters or as raw bytes), rolls back or commits, and whatever the base
/// changes to under a rebase, a decoded read must equal decoding the entry as it now stands.
@Suite struct DecodedRecordsPropertyTests {
    @Test func decodedReadsAgreeWithTheEntries() throws {
        var rng: UInt64 = 17
        func pick(_ n: UInt64) -> UInt64 {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
            return rng % n
        }
        for run in 0..<20 {
            let overlay = StateOverlay(base: try Fixtures.genesisState())
            var markets = overlay.perpMarkets()
            let owners = [Address(Fixtures.alice.publicKey), Address(Fixtures.bob.publicKey), Address(Fixtures.carol.publicKey)]
            func someVault() -> VaultID { VaultID(owner: owners[Int(pick(3))], number: UInt32(pick(2))) }
            for step in 0..<200 {
                overlay.begin()
                for _ in 0..<(1 + pick(4)) {
                    switch pick(13) {
                    case 0:
                        var m = markets[Int(pick(UInt64(markets.count)))]
                        m.openInterest = pick(1_000_000)
                        m.lastTradePrice = pick(1_000_000)
                        overlay.putPerpMarket(m)
                    case 1:
                        overlay.putAsset(Asset(id: AssetID(pick(3)), symbol: "A\(pick(100))", decimals: UInt8(pick(19))))
                    case 2:
                        overlay.put(InsuranceStats(seeded: UInt128(pick(1_000)), logCount: pick(100)))
                    case 3:
                        var s = overlay.liquidationSettings()
                        s.feePpm = UInt32(pick(100_000))
                        overlay.put(s)
                    case 4:
                        // Raw bytes under a settings key, as a store revert writes them.
                        overlay.put(InsuranceStats.stateKey.table, InsuranceStats.stateKey.key,
                                    InsuranceStats(deficitsPaid: UInt128(pick(9))).encoded())
                    case 7:
                        overlay.putVault(someVault(), Vault(quote: Int128(pick(1_000)) - 500))
                    case 8:
                        // Size 0 removes the position; a cached list must lose it too.
                        let size = Int64(pick(5)) - 2
                        overlay.putPosition(someVault(), UInt32(1 + pick(3)), Position(size: size, costBasis: Int128(size) * 7))
                    case 9:
                        // Raw writes under vault and position keys (genesis, a store revert).
                        let v = someVault()
                        if pick(2) == 0 {
                            overlay.delete(.vaults, v.key)
                        } else {
                            overlay.put(.positions, v.key + BigEndianKey.u32(UInt32(1 + pick(3))), Position(size: 9).encoded())
                        }
                    case 10:
                        let owner = owners[Int(pick(3))]
                        var account = overlay.account(owner) ?? Account()
                        account.nonce = pick(50)
                        overlay.putAccount(owner, account)
                    case 11:
                        let v = someVault()
                        _ = overlay.positions(of: v)
                        _ = overlay.vault(v)
                        _ = overlay.account(v.owner)
                    case 5:
                        _ = overlay.singleton(OracleConfig.self)
                        _ = overlay.perpMarket(UInt32(1 + pick(3)))
                    default:
                        _ = overlay.singleton(InsuranceStats.self)
                        _ = overlay.asset(AssetID(pick(3)))
                    }
                }
                if pick(3) == 0 { overlay.rollback() } else { overlay.commit() }
                if step % 50 == 49 {
                    overlay.rebase(onto: try Fixtures.genesisState())
                    markets = overlay.perpMarkets()
                }
                let where_ = "run \(run), step \(step)"
                for id in UInt32(0)..<5 {
                    let raw = overlay.get(.perpMarkets, BigEndianKey.u32(id)).map { try! PerpMarket.decode($0, key: id) }
                    #expect(overlay.perpMarket(id) == raw, "\(where_): market \(id)")
                    let asset = overlay.get(.assets, BigEndianKey.u32(id)).map { try! Asset.decode($0, key: id) }
                    #expect(overlay.asset(id) == asset, "\(where_): asset \(id)")
                }
                let stats = overlay.get(InsuranceStats.stateKey.table, InsuranceStats.stateKey.key).map { try! InsuranceStats.decode($0) }
                #expect(overlay.singleton(InsuranceStats.self) == stats, "\(where_): insurance stats")
                let settings = overlay.get(LiquidationSettings.stateKey.table, LiquidationSettings.stateKey.key)
                    .map { try! LiquidationSettings.decode($0) }
                #expect(overlay.singleton(LiquidationSettings.self) == settings, "\(where_): liquidation settings")
                for owner in owners {
                    let account = overlay.get(.accounts, owner.key.bytes).map { try! Account.decode($0) }
                    #expect(overlay.account(owner) == account, "\(where_): account \(owner)")
                    for number in UInt32(0)..<2 {
                        let v = VaultID(owner: owner, number: number)
                        let vault = overlay.get(.vaults, v.key).map { try! Vault.decode($0) }
                        #expect(overlay.vault(v) == vault, "\(where_): vault \(v)")
                        let entries = overlay.entries(.positions, prefix: v.key)
                        let markets: [UInt32] = entries.map { BigEndianKey.readU32($0.key, at: 36) }
                        let positions: [Position] = entries.map { try! Position.decode($0.value) }
                        let kept = overlay.positions(of: v)
                        #expect(kept.map { $0.market } == markets && kept.map { $0.position } == positions, "\(where_): positions of \(v)")
                        for market in UInt32(1)..<4 {
                            let stored = markets.firstIndex(of: market).map { positions[$0] }
                            #expect(overlay.position(v, market) == stored, "\(where_): position \(v) \(market)")
                        }
                    }
                }
            }
        }
    }
}
