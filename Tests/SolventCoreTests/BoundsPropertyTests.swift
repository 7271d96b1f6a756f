import PropertyBased
import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// The bounds of contracts-spec/limits.md at work: transactions with values at and around every
/// bound and type limit, against states with positions and negative balances. Checked for each:
/// it does not trap (the test process would die), a refusal carries the code limits.md gives for
/// the value past its bound, a refusal changes nothing but the sender's nonce, and value is
/// conserved after every block.
@Suite struct BoundsPropertyTests {
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1), dev2 = DevnetKeys.account(2)

    /// A short of 1 BTC-PERP in dev0's vault, bought from dev1's resting bid.
    func shortHarness() throws -> MarketHarness {
        let h = try MarketHarness()
        #expect(h.deposit(dev0, "10000").succeeded && h.deposit(dev1, "10000").succeeded)
        #expect(h.run(dev1, h.order(dev1, .buy, "1", at: "60000")).succeeded)
        #expect(h.run(dev0, h.order(dev0, .sell, "1", at: "60000", tif: .immediateOrCancel)).succeeded)
        #expect(h.position(dev0) == -100_000_000)
        return h
    }

    /// The outside client's first crash: an order whose size plus the vault's position passes
    /// 2^63 − 1 size units. Refused at admission, in the dry run and in a block, by the size bound.
    @Test func anOrderPastTheSizeBoundAgainstAPositionIsRefused() throws {
        let h = try shortHarness()
        let action = TxAction.orderPlace(OrderRequest(vault: 0, market: MarketHarness.btc, side: .sell, kind: .limit,
                                                      timeInForce: .goodTillCancelled, reduceOnly: false,
                                                      size: 9_223_372_036_854_770_000, price: MarketHarness.price("60000")))
        let tx = h.tx(dev0, action)
        let machine = StateMachine(chainId: h.genesis.chainId)
        let context = BlockContext(height: 99, timeMs: h.time + 1, proposer: Address(DevnetKeys.validator().publicKey))
        let admission = machine.checkTx(Fixtures.verified(tx), state: StateOverlay(base: h.state), context: context)
        #expect(admission?.code == .invalidOrderSize)
        let (simulated, changes) = machine.simulate(Fixtures.verified(tx), context: context, state: h.state)
        #expect(simulated.code == .invalidOrderSize)
        #expect(changes.allSatisfy { $0.key.table == .accounts }, "a refusal changes only the nonce")
        let receipt = h.block([tx]).receipts[0]
        #expect(receipt.code == .invalidOrderSize)
        #expect(receipt.message.contains("largest order size"))
        #expect(h.position(dev0) == -100_000_000)
        // At the bound itself the size is a valid size, but the short would pass the largest position;
        // from a vault without a position it is refused by margin.
        let atBound = TxAction.orderPlace(OrderRequest(vault: 0, market: MarketHarness.btc, side: .sell, kind: .limit,
                                                       timeInForce: .goodTillCancelled, reduceOnly: false,
                                                       size: Limits.maxSize, price: MarketHarness.price("60000")))
        #expect(h.run(dev0, atBound).code == .positionTooLarge)
        #expect(h.deposit(dev2, "10000").succeeded)
        #expect(h.run(dev2, atBound).code == .insufficientMargin)
    }

    /// The outside client's second crash: a vault whose USDC balance is about −57,000 withdraws
    /// 2^127 − 1: refused with arithmetic_overflow, nothing changed.
    @Test func theLargestWithdrawalFromANegativeVaultIsRefused() throws {
        let h = try MarketHarness()
        #expect(h.deposit(dev0, "10000").succeeded && h.deposit(dev1, "100000").succeeded)
        #expect(h.run(dev1, h.order(dev1, .sell, "1.1", at: "60000")).succeeded)
        #expect(h.run(dev0, h.order(dev0, .buy, "1.1", at: "60000", tif: .immediateOrCancel)).succeeded)
        let before = h.state.vault(h.vault(dev0))!
        #expect(before.quote < -56_000_000_000)
        let receipt = h.run(dev0, .withdraw(vault: 0, asset: 0, amount: Amount.max))
        #expect(receipt.code == .arithmeticOverflow)
        #expect(receipt.message.contains("below the smallest balance"))
        #expect(h.state.vault(h.vault(dev0)) == before)
        // A withdrawal inside the bounds but beyond the margin gets the ordinary refusal.
        #expect(h.run(dev0, .withdraw(vault: 0, asset: 0, amount: 1_000_000_000_000)).code == .insufficientMargin)
    }

    /// Values at and around each bound, and at the ends of their wire types.
    static let sizes: [UInt64] = [0, 1, Limits.maxSize - 1, Limits.maxSize, Limits.maxSize + 1, UInt64(Int64.max) - 1,
                                  UInt64(Int64.max), UInt64(Int64.max) + 1, UInt64.max - 1, UInt64.max]
    static let prices: [UInt64] = [0, 1, Limits.maxPrice - 1, Limits.maxPrice, Limits.maxPrice + 1, UInt64(Int64.max), UInt64.max]
    static let amounts: [UInt128] = [0, 1, UInt128(UInt64.max), Amount.max / 2, Amount.max - 1, Amount.max, Amount.max + 1, UInt128.max]

    @Test func extremeValuesNeverTrapAndRefuseWithTheirCodes() async throws {
        await propertyCheck(count: 6, input: Gen.uint64()) { seed in
            try run(seed: seed)
        }
    }

    func run(seed: UInt64) throws {
        var rng = seed | 1
        func next(_ n: Int) -> Int { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return Int(rng % UInt64(n)) }
        let h = try MarketHarness()
        let totals = SupplyAudit.totals(h.state)
        let traders = [dev0, dev1, dev2]
        // A random state: deposits, a maker's book, random positions (some leaving USDC below zero).
        for t in traders { _ = h.deposit(t, String(5_000 + next(50_000))) }
        _ = h.deposit(DevnetKeys.account(9), "900000")
        for level in 1...4 {
            _ = h.run(DevnetKeys.account(9), h.order(DevnetKeys.account(9), .sell, "0.5", at: String(60_000 + 10 * level)))
            _ = h.run(DevnetKeys.account(9), h.order(DevnetKeys.account(9), .buy, "0.5", at: String(60_000 - 10 * level)))
        }
        for t in traders where next(3) > 0 {
            _ = h.run(t, h.order(t, next(2) == 0 ? .buy : .sell, "0.\(1 + next(9))", at: "61000", tif: .immediateOrCancel, kind: .market))
        }
        #expect(SupplyAudit.audit(h.state, genesis: totals).holds)

        let machine = StateMachine(chainId: h.genesis.chainId)
        for _ in 0..<24 {
            let sender = traders[next(traders.count)]
            let size = Self.sizes[next(Self.sizes.count)], price = Self.prices[next(Self.prices.count)]
            let amount = Self.amounts[next(Self.amounts.count)]
            let side: Side = next(2) == 0 ? .buy : .sell
            var expected: ProtocolError.Code?
            let action: TxAction
            switch next(5) {
            case 0, 1:
                action = .orderPlace(OrderRequest(vault: 0, market: MarketHarness.btc, side: side, kind: .limit,
                                                  timeInForce: next(2) == 0 ? .goodTillCancelled : .immediateOrCancel,
                                                  reduceOnly: false, size: size, price: price))
                // BTC-PERP: step 0.0001 (10^4 size units), minimum 0.001, tick 1 dollar (10^8 price units).
                if size > Limits.maxSize || size < 100_000 || size % 10_000 != 0 {
                    expected = .invalidOrderSize
                } else if price > Limits.maxPrice || price == 0 || price % 100_000_000 != 0 {
                    expected = .invalidOrderPrice
                }
            case 2:
                action = .withdraw(vault: 0, asset: AssetID(next(2)), amount: amount)
                if amount == 0 { expected = .amountZero } else if amount > Amount.max { expected = .amountTooLarge }
            case 3:
                action = .deposit(vault: 0, asset: AssetID(next(3)), amount: amount)
                if amount == 0 { expected = .amountZero } else if amount > Amount.max { expected = .amountTooLarge }
            default:
                action = .send(to: Address(traders[next(traders.count)].publicKey), asset: 0, amount: amount)
                if amount == 0 { expected = .amountZero } else if amount > Amount.max { expected = .amountTooLarge }
            }
            let tx = h.tx(sender, action)
            let context = BlockContext(height: 1_000, timeMs: h.time + 1_000, proposer: Address(DevnetKeys.validator().publicKey))
            let (dry, changes) = machine.simulate(Fixtures.verified(tx), context: context, state: h.state)
            if !dry.succeeded {
                #expect(!dry.message.isEmpty)
                #expect(changes.allSatisfy { $0.key.table == .accounts && $0.key.key == Address(sender.publicKey).key.bytes },
                        "a refusal (\(dry.code!.name)) changes only the sender's nonce")
            }
            if let expected { #expect(dry.code == expected, "\(action): \(dry.code?.name ?? "ok") \(dry.message)") }
            let receipt = h.block([tx]).receipts[0]
            #expect(receipt.code == dry.code, "the block agrees with the dry run")
            #expect(SupplyAudit.audit(h.state, genesis: totals).holds, "conservation after \(action)")
        }
    }
}
