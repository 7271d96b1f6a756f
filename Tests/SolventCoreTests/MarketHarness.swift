import SolventCore
import SolventCrypto
import SolventDevnet

/// Drives the state machine over the devnet genesis for market tests: keeps nonces, builds
/// orders in human units, moves oracle prices and block time.
final class MarketHarness {
    let state: MemoryState
    var genesis: Genesis
    private var nonces: [Bytes32: UInt64] = [:]
    let relayer = DevnetKeys.oracleRelayer()
    let signers = (0..<3).map { DevnetKeys.oracleSigner($0) }
    static let btc: UInt32 = 1, eth: UInt32 = 2, sol: UInt32 = 3

    init(genesis: Genesis = Fixtures.genesis) throws {
        self.genesis = genesis
        state = try Fixtures.genesisState(genesis)
    }

    var time: UInt64 { state.timeMs }

    func tx(_ key: PrivateKey, _ action: TxAction) -> SignedTransaction {
        let nonce = nonces[key.publicKey, default: 0]
        nonces[key.publicKey] = nonce + 1
        return Transaction(chainId: genesis.chainId, sender: Address(key.publicKey), nonce: nonce, action: action).signed(with: key)
    }

    /// Commits one block; `at` defaults to 1 s after the previous block.
    @discardableResult
    func block(_ txs: [SignedTransaction], at time: UInt64? = nil) -> FinalizedBlock {
        state.commitBlock(txs, at: time)
    }

    /// One transaction in its own block; returns its receipt.
    @discardableResult
    func run(_ key: PrivateKey, _ action: TxAction, at time: UInt64? = nil) -> Receipt {
        block([tx(key, action)], at: time).receipts[0]
    }

    static func size(_ text: String) -> UInt64 { UInt64(try! Amount.parse(text, decimals: 8)) }
    static func price(_ text: String) -> UInt64 { OraclePrice.parse(text)! }
    static func usdc(_ text: String) -> UInt128 { try! Amount.parse(text, decimals: 6) }

    func deposit(_ key: PrivateKey, _ usdc: String, vault: UInt32 = 0) -> Receipt {
        run(key, .deposit(vault: vault, asset: 0, amount: Self.usdc(usdc)))
    }

    func order(_ key: PrivateKey, _ side: Side, _ size: String, at price: String, market: UInt32 = btc, vault: UInt32 = 0,
               tif: TimeInForce = .goodTillCancelled, kind: OrderRequest.Kind = .limit, reduceOnly: Bool = false) -> TxAction {
        .orderPlace(OrderRequest(vault: vault, market: market, side: side, kind: kind, timeInForce: tif, reduceOnly: reduceOnly,
                                 size: Self.size(size), price: Self.price(price)))
    }

    /// Sets an oracle price with reports made just before the block that carries them.
    func setPrice(_ price: String, market: UInt32 = btc, at time: UInt64? = nil) -> Receipt {
        let t = time ?? self.time + 1_000
        let reports = signers.map {
            OracleReport.sign(chainId: genesis.chainId, market: market, price: Self.price(price), timestampMs: t - 100, key: $0)
        }
        return run(relayer, .oracleUpdate(market: market, reports: reports), at: t)
    }

    func vault(_ key: PrivateKey, _ n: UInt32 = 0) -> VaultID { VaultID(owner: Address(key.publicKey), number: n) }

    func risk(_ key: PrivateKey, _ n: UInt32 = 0) throws -> VaultRisk {
        try Margin.risk(of: vault(key, n), state: state, at: time, prices: .latest)
    }

    func position(_ key: PrivateKey, _ market: UInt32 = btc, vault n: UInt32 = 0) -> Int64 {
        state.position(vault(key, n), market)?.size ?? 0
    }

    /// USDC in the whole system: wallets, vault quotes, funding pools, fee pool, insurance fund.
    func usdcSupply() -> Int128 {
        var total: Int128 = 0
        for e in state.entries(.accounts, prefix: []) { total += Int128(try! Account.decode(e.value).wallet[0]) }
        for e in state.entries(.vaults, prefix: []) { total += try! Vault.decode(e.value).quote }
        for m in state.perpMarkets() { total += m.fundingPool }
        return total + Int128(state.feePool()) + Int128(state.insuranceFund())
    }

    /// Per non-USDC asset: wallets plus vault collateral.
    func supply(of asset: AssetID) -> UInt128 {
        var total: UInt128 = 0
        for e in state.entries(.accounts, prefix: []) { total += try! Account.decode(e.value).wallet[asset] }
        for e in state.entries(.vaults, prefix: []) { total += try! Vault.decode(e.value).collateral[asset] }
        return total
    }

    /// (Σ sizes, Σ long sizes) of every position in a market.
    func sizes(_ market: UInt32) -> (net: Int64, longs: UInt64) {
        var net: Int64 = 0, longs: UInt64 = 0
        for e in state.entries(.positions, prefix: []) where e.key.suffix(4) == BigEndianKey.u32(market)[...] {
            let p = try! Position.decode(e.value)
            net += p.size
            if p.size > 0 { longs += UInt64(p.size) }
        }
        return (net, longs)
    }

    /// pool × 10^16 + Σ size × (index − position index): what the pool holds beyond what
    /// positions are owed (never negative: rounding can only leave the protocol with more).
    func fundingSurplus(_ market: UInt32) -> Int128 {
        let m = state.perpMarket(market)!
        var total = m.fundingPool * Funding.indexScale
        for e in state.entries(.positions, prefix: []) where e.key.suffix(4) == BigEndianKey.u32(market)[...] {
            let p = try! Position.decode(e.value)
            total += Int128(p.size) * (m.fundingIndex - p.fundingIndex)
        }
        return total
    }
}
