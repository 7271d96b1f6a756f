import Foundation
@testable import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// contracts-spec/vectors/liquidation.json, written by contracts-spec/examples/liquidation.py (an
/// implementation of liquidation.md and insurance-and-adl.md in Python): each case is set up in
/// a state and liquidated by the node's own transaction code, and every figure must match.
@Suite struct LiquidationVectorTests {
    struct Vectors: Decodable {
        let liquidations: [[String: JSONValue]]
        let adlRankings: [Ranking]
        let records: [String: String]
        let transaction: [String: JSONValue]
        enum CodingKeys: String, CodingKey { case liquidations, adlRankings = "adl_rankings", records, transaction }
    }

    struct Ranking: Decodable, CustomTestStringConvertible {
        struct Position: Decodable {
            let label: String
            let vaultKey: String
            let size: String
            let costBasis: String
            let equity: String
            let oraclePrice: String
            let profitPpm: String
            let leveragePpm: String
            let scorePpm: String
            let rank: String
            let inQueue: Bool
            enum CodingKeys: String, CodingKey {
                case label, vaultKey = "vault_key", size, costBasis = "cost_basis", equity, oraclePrice = "oracle_price"
                case profitPpm = "profit_ppm", leveragePpm = "leverage_ppm", scorePpm = "score_ppm", rank, inQueue = "in_queue"
            }
        }
        let name: String
        let order: [String]
        let positions: [Position]
        var testDescription: String { name }
    }

    /// A vector value: a decimal string, null, or a list of them (a plain number reads as text).
    enum JSONValue: Decodable {
        case text(String), null, list([JSONValue])
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                self = .null
            } else if let s = try? c.decode(String.self) {
                self = .text(s)
            } else if let n = try? c.decode(Int.self) {
                self = .text(String(n))
            } else {
                self = .list(try c.decode([JSONValue].self))
            }
        }
        var text: String? { if case .text(let s) = self { return s } else { return nil } }
        var list: [JSONValue] { if case .list(let l) = self { return l } else { return [] } }
    }

    static func vectors() throws -> Vectors {
        try JSONDecoder().decode(Vectors.self, from: Spec.data("contracts-spec/vectors/liquidation.json"))
    }

    static func cases() throws -> [Case] { try vectors().liquidations.map(Case.init) }

    struct Case: CustomTestStringConvertible {
        let fields: [String: JSONValue]
        var testDescription: String { fields["name"]?.text ?? "?" }
        func int(_ k: String) -> Int128 { Int128(fields[k]!.text!)! }
        func u(_ k: String) -> UInt64 { UInt64(fields[k]!.text!)! }
        func u128(_ k: String) -> UInt128 { UInt128(fields[k]!.text!)! }
        func u32(_ k: String) -> UInt32 { UInt32(fields[k]!.text!)! }
    }

    @Test func thereAreEnoughCases() throws {
        #expect(try Self.cases().count >= 8)
        #expect(try Self.vectors().adlRankings.count >= 2)
    }

    @Test(arguments: try cases())
    func liquidationMatchesTheReference(_ c: Case) throws {
        let base = try Fixtures.genesisState()
        let state = StateOverlay(base: base)
        let time = base.timeMs + 1_000
        let context = BlockContext(height: 1, timeMs: time, proposer: Address(DevnetKeys.validator().publicKey))
        state.put(LiquidationSettings(
            feePpm: c.u32("fee_ppm"), maxFee: c.u128("max_fee"), keeperTip: c.u128("keeper_tip"), keeperSharePpm: c.u32("keeper_share_ppm"),
            maxBounty: c.u128("max_bounty"), bufferPpm: c.u32("buffer_ppm"),
            maxPositionNotionalPerBlock: c.u128("max_position_notional_per_block"),
            maxVaultNotionalPerBlock: c.u128("max_vault_notional_per_block"), backstopDiscountPpm: c.u32("backstop_discount_ppm")))
        var market = state.perpMarket(1)!
        market.params.tiers = c.fields["tiers"]!.list.map { t in
            let v = t.list
            return MarginTier(maxNotional: v[0].text.map { UInt128($0)! }, initialPpm: UInt32(v[1].text!)!, maintenancePpm: UInt32(v[2].text!)!)
        }
        market.params.tickSize = c.u("tick_size")
        market.params.stepSize = c.u("step_size")
        func setPrice(_ oracle: UInt32, _ price: UInt64) {
            var m = state.oracleMarket(oracle)!
            m.price = price
            m.median = price
            m.updatedAtMs = time
            state.putOracleMarket(m)
        }
        let price = c.u("oracle_price")
        setPrice(1, price)
        state.setInsuranceFund(c.u128("fund_before"))

        func openVault(_ key: PrivateKey, quote: Int128) -> VaultID {
            let owner = Address(key.publicKey)
            var account = state.account(owner) ?? Account()
            account.vaultCount = max(account.vaultCount, 1)
            state.putAccount(owner, account)
            let id = VaultID(owner: owner, number: 0)
            state.putVault(id, Vault(mode: .cross, quote: quote))
            return id
        }
        // The liquidated vault: its BTC position at 60,000, plus, for the cross cases, an ETH long
        // and a SOL short of equal value whose maintenance is the case's "other maintenance".
        let size = Int64(c.int("position_size"))
        let target = openVault(DevnetKeys.account(0), quote: c.int("quote"))
        var longs: UInt64 = size > 0 ? UInt64(size) : 0
        // Cost bases in USDC quantums: size units × dollars / 100.
        state.putPosition(target, 1, Position(size: size, costBasis: Int128(size) * 60_000 / 100))
        let other = c.int("other_maintenance")
        if other > 0 {
            // 3% of X (ETH) + 5% of X (SOL) = 8% of X: X = other / 0.08, at ETH 2,500 and SOL 125.
            let x = other * 100 / 8
            setPrice(2, 2_500 * OraclePrice.one)
            setPrice(3, 125 * OraclePrice.one)
            let eth = Int64(x * 10_000_000_000 / Int128(2_500 * OraclePrice.one)), sol = Int64(x * 10_000_000_000 / Int128(125 * OraclePrice.one))
            state.putPosition(target, 2, Position(size: eth, costBasis: x))
            state.putPosition(target, 3, Position(size: -sol, costBasis: -x))
            for (id, s) in [(UInt32(2), eth), (3, sol)] {
                var m = state.perpMarket(id)!
                m.openInterest = UInt64(s)
                state.putPerpMarket(m)
            }
        }
        #expect(try Margin.risk(of: target, state: state, at: time, prices: .freshOnly).equity == c.int("equity"))
        if c.int("vault_notional_used_this_block") > 0 {
            state.putLiquidationMark(target, LiquidationMark(height: 1, notional: c.u128("vault_notional_used_this_block"), markets: [2]))
        }
        // The book: one maker with ample margin; the ADL queue: shorts (or longs) from 60,000 in profit.
        let maker = openVault(DevnetKeys.account(2), quote: 100_000_000 * 1_000_000)
        for (i, level) in c.fields["book"]!.list.enumerated() {
            let p = UInt64(level.list[0].text!)!, q = UInt64(level.list[1].text!)!
            OrderBook.insert(Order(id: 1_000 + UInt64(i), owner: maker.owner, vault: 0, market: 1, side: size > 0 ? .buy : .sell, price: p,
                                   size: q, remaining: q, reduceOnly: false, placedAtHeight: 0), state)
        }
        for (i, entry) in c.fields["adl_queue"]!.list.enumerated() {
            let q = Int64(entry.text!)!
            let holder = openVault(DevnetKeys.account(4 + i), quote: 10_000_000 * 1_000_000)
            let held = size > 0 ? -q : q
            state.putPosition(holder, 1, Position(size: held, costBasis: Int128(held) * (size > 0 ? 70_000 : 40_000) / 100))
            if held > 0 { longs += UInt64(held) }
        }
        // The rest of the other side: positions out of the ADL queue (opened beyond the oracle
        // price, so at a loss), listed in vault key order.
        let others = c.fields["other_side"]!.list.map { Int64($0.text!)! }
        let holders = (0..<others.count).map { openVault(DevnetKeys.account(6 + $0), quote: 10_000_000 * 1_000_000) }.sorted()
        for (holder, q) in zip(holders, others) {
            let held = size > 0 ? -q : q
            state.putPosition(holder, 1, Position(size: held, costBasis: Int128(held) * (size > 0 ? 50_000 : 70_000) / 100))
            if held > 0 { longs += UInt64(held) }
        }
        let quotesBefore = holders.map { state.vault($0)!.quote }
        market.openInterest = longs
        state.putPerpMarket(market)
        let keeper = openVault(DevnetKeys.account(3), quote: 10_000_000 * 1_000_000)

        let o = try Liquidation.execute(target: target, market: 1, keeper: keeper, context: context, state: state)
        #expect(o.neededSize == c.u("needed_size") && o.plannedSize == c.u("planned_size"), "size")
        #expect(o.bankruptcyPrice == c.u("bankruptcy_price") && o.backstopPrice == c.u("backstop_price"), "prices")
        #expect(o.bookSize == c.u("book_size") && o.bookQuote == c.u128("book_quote"), "book")
        #expect(o.backstopSize == c.u("backstop_size") && o.adlSize == c.u("adl_size") && o.closedSize == c.u("closed_size"), "waterfall")
        #expect(o.closedNotional == c.u128("closed_notional") && o.surplus == c.int("surplus"), "surplus \(o.surplus)")
        #expect(o.fee == c.u128("fee") && o.bounty == c.u128("bounty") && o.deficitPaid == c.u128("deficit_paid"), "payments")
        #expect(o.deficitDeleveraged == c.u128("deficit_deleveraged"), "deleveraged")
        #expect(o.fundAfter == c.u128("fund_after"), "fund \(o.fundAfter)")
        #expect(state.vault(target)!.quote == c.int("quote_after"), "quote after")
        #expect((state.position(target, 1)?.size ?? 0) == Int64(c.int("position_after")), "position after")
        #expect(o.socializedSize == c.u("socialized_size") && o.socializedLoss == c.u128("socialized_loss"), "socialized")
        for (i, expected) in c.fields["socialized"]!.list.enumerated() {
            let took = Int64(expected.list[0].text!)!, loss = Int128(expected.list[1].text!)!
            let held = (state.position(holders[i], 1)?.size ?? 0).magnitude
            #expect(held == UInt64(others[i]) - UInt64(took), "holder \(i) size")
            // Each traded its part at the oracle price (a short buys back, a long sells) and paid its
            // share of the loss.
            let fill = Int128(took) * Int128(c.u("oracle_price")) / 10_000_000_000
            #expect(state.vault(holders[i])!.quote == quotesBefore[i] + (size > 0 ? -fill : fill) - loss, "holder \(i) quote")
        }
    }

    @Test(arguments: try vectors().adlRankings)
    func adlRankingMatchesTheReference(_ r: Ranking) throws {
        let state = StateOverlay(base: try Fixtures.genesisState())
        let long = r.positions.first.map { Int64($0.size)! > 0 } ?? true
        for p in r.positions {
            let key = Hex.decode(p.vaultKey)!
            let vault = VaultID(key: key)!
            var m = state.oracleMarket(1)!
            m.price = UInt64(p.oraclePrice)!
            state.putOracleMarket(m)
            let size = Int64(p.size)!
            let value = FixedPoint.mulDiv(Int128(size), Int128(m.price), Int128(PerpUnits.notionalDivisor), .down)!
            state.putVault(vault, Vault(mode: .cross, quote: Int128(p.equity)! - value))
            state.putPosition(vault, 1, Position(size: size, costBasis: Int128(p.costBasis)!))
        }
        let queue = AutoDeleveraging.ranking(market: 1, long: long, state: state, at: 0)
        let label = Dictionary(uniqueKeysWithValues: r.positions.map { (VaultID(key: Hex.decode($0.vaultKey)!)!, $0.label) })
        #expect(queue.map { label[$0.vault]! } == r.order)
        for s in queue {
            let p = r.positions.first { $0.label == label[s.vault] }!
            #expect(String(s.profitPpm) == p.profitPpm && String(s.leveragePpm) == p.leveragePpm && String(s.score) == p.scorePpm, "\(p.label)")
            #expect(String(s.rank) == p.rank && s.eligible == p.inQueue, "\(p.label) rank")
        }
    }

    /// liquidation.md's signed example: dev3 liquidates dev0's vault 0 in BTC-PERP, nonce 1.
    @Test func liquidateTransactionBytes() throws {
        let t = try Self.vectors().transaction
        let tx = Transaction(chainId: DevnetKeys.devnetChainId, sender: Address(DevnetKeys.account(3).publicKey), nonce: 1,
                             action: .liquidate(owner: Address(DevnetKeys.account(0).publicKey), vault: 0, market: 1, keeperVault: 0))
        let signed = tx.signed(with: DevnetKeys.account(3))
        #expect(Hex.encode(tx.body()) == t["unsigned_body"]?.text)
        #expect(Hex.encode(Array(signed.signature)) == t["signature"]?.text)
        #expect(signed.hash.hex == t["hash"]?.text)
        #expect(try TxCodec.decode(signed.bytes).transaction == tx)
    }

    /// insurance-and-adl.md, "State": the records the "fund pays a deficit" example leaves (block 8).
    @Test func stateRecordsOfTheDeficitExample() throws {
        let r = try Self.vectors().records
        var g = DevnetKeys.devnetGenesis()
        g.perps.insuranceFund = "100000"
        let h = try MarketHarness(genesis: g)
        let (dev0, dev1, dev2, keeper) = (DevnetKeys.account(0), DevnetKeys.account(1), DevnetKeys.account(2), DevnetKeys.account(3))
        _ = h.deposit(dev0, "10000"); _ = h.deposit(dev1, "100000"); _ = h.deposit(dev2, "100000"); _ = h.deposit(keeper, "100000")
        _ = h.run(dev1, h.order(dev1, .sell, "2", at: "60000"))
        _ = h.run(dev0, h.order(dev0, .buy, "2", at: "60000", tif: .immediateOrCancel))
        _ = h.setPrice("54000")
        let receipt = h.run(keeper, .liquidate(owner: Address(dev0.publicKey), vault: 0, market: 1, keeperVault: 0))
        #expect(receipt.succeeded && h.state.height == 8)
        func protocolRecord(_ key: String) -> String? { h.state.get(.protocolAccounts, Array(key.utf8)).map(Hex.encode) }
        #expect(protocolRecord("liquidation_settings") == r["liquidation_settings (protocol)"])
        #expect(protocolRecord("insurance_fund") == r["insurance_fund (protocol)"])
        #expect(protocolRecord("insurance_stats") == r["insurance_stats (protocol)"])
        // One entry: the deficit (the fund pays no bounty).
        let logKey = try #require(r["insurance_log key 0"].flatMap(Hex.decode))
        #expect(h.state.get(.insuranceLog, logKey).map(Hex.encode) == r["insurance_log 0"])
        #expect(r["insurance_log key 1"] == nil && h.state.insuranceLog(limit: 10).count == 1)
        let markKey = try #require(r["liquidation_marks key"].flatMap(Hex.decode))
        #expect(markKey == h.vault(dev0).key && h.state.get(.liquidationMarks, markKey).map(Hex.encode) == r["liquidation_marks"])
        let indexKey = try #require(r["market_positions key (dev1 short BTC-PERP)"].flatMap(Hex.decode))
        #expect(h.state.get(.marketPositions, indexKey) == [])
    }
}
