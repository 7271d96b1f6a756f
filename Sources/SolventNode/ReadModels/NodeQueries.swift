import SolventCore
import SolventCrypto
import SolventEngine
import SolventWire

/// The node's queries, each computed once here from the read models on one committed snapshot and
/// returned as the wire type. The RPC routes parse a request, call one of these and serialise the
/// result; a companion in the same process (the devnet's built-in keeper and feeder) calls them
/// directly. Arguments are typed (an address, a vault id, a hash): parsing text is the route's job.
extension Node {
    /// The assets, each collateral one with its haircut and, when it has one, its dynamic
    /// haircut as of the head (haircuts.md, "Queries").
    public func assetReplies() throws -> [AssetReply] {
        try store.withState { state, head in
            let (rules, yields) = (state.dynamicHaircuts(), state.yieldAssets())
            return assets.all.map { asset in
                AssetReply(id: asset.id, symbol: asset.symbol, decimals: asset.decimals, haircutPpm: asset.haircutPpm,
                           haircutRule: rules.rule(of: asset.id).map { HaircutRuleReply($0, state: state, height: head.height) },
                           yield: yields.entry(of: asset.id).map { AssetYieldReply($0, head: head) })
            }
        }
    }

    public func accountReply(_ address: Address) throws -> AccountReply {
        let (account, head) = try store.withState { state, head in (state.account(address), head) }
        let a = account ?? Account()
        return AccountReply(
            address: address.text, exists: account != nil, nonce: a.nonce,
            nextNonce: mempool.nextNonce(address) ?? a.nonce,
            wallet: a.wallet.entries.map { AmountReply(asset: assets.symbol($0.asset), amount: assets.format($0.amount, $0.asset)) },
            vaults: Array(0..<a.vaultCount), height: head.height)
    }

    /// The vault, or nil when its owner has no such vault.
    public func vaultReply(_ id: VaultID) throws -> VaultReply? {
        try store.withState { state, head in
            state.vault(id).map { VaultReadModel.vault(id, $0, state: state, head: head, assets: assets, adl: adlStanding(id, state, head)) }
        }
    }

    /// Every vault of `owner`, in number order.
    public func vaultReplies(_ owner: Address) throws -> [VaultReply] {
        try store.withState { state, head in
            (0..<(state.account(owner)?.vaultCount ?? 0)).compactMap { n -> VaultReply? in
                let id = VaultID(owner: owner, number: n)
                return state.vault(id).map { VaultReadModel.vault(id, $0, state: state, head: head, assets: assets, adl: adlStanding(id, state, head)) }
            }
        }
    }

    /// A position's place in its market side's ADL queue (cached per block).
    func adlStanding(_ id: VaultID, _ state: some StateReader, _ head: ChainHead) -> (PositionRisk) -> AutoDeleveraging.Standing? {
        { p in self.adlRankings.standing(of: id, market: p.market, long: p.size > 0, state: state, height: head.height, timeMs: head.timeMs) }
    }

    /// A transaction waiting in the mempool or committed, or nil when the node knows neither.
    public func transactionReply(_ hash: Bytes32) throws -> TransactionReply? {
        // The mempool first: a transaction leaves it only after its block is committed.
        if case let (tx, status)? = mempool.lookup(hash) {
            return TransactionReply(tx, assets: assets, markets: oracleMarkets, height: nil, index: nil,
                                    blockTimeMs: nil, status: status.rawValue, receipt: nil)
        }
        guard let record = try store.transaction(hash: hash) else { return nil }
        return TransactionReply(record.transaction, assets: assets, markets: oracleMarkets, height: record.height, index: record.index,
                                blockTimeMs: record.blockTimeMs, status: "committed", receipt: record.receipt)
    }

    public func marketReplies() throws -> [MarketReply] {
        try store.withState { state, head in
            state.perpMarkets().map { MarketReadModel.market($0, state: state, at: head.timeMs, depth: nil) }
        }
    }

    /// The index's candidates, checked and probed on one snapshot (LiquidationReadModel), as the
    /// next block would see them; `market` keeps only vaults with a position there.
    public func liquidatableReply(limit: Int, market: UInt32? = nil) throws -> LiquidatableReply {
        let context = nextBlockContext()
        return try store.withStates(min(Parallel.coreCount, 4)) { states, head in
            LiquidationReadModel.liquidatable(index: liquidationIndex, states: states, head: head, context: context, onlyMarket: market,
                                              limit: limit)
        }
    }

    public func auctionsReply(limit: Int, scanAllVaults: Bool = false) throws -> AuctionsReply {
        let context = nextBlockContext()
        return try store.withState { state, head in
            AuctionReadModel.auctions(state: state, head: head, atMs: context.timeMs, limit: limit, scanAllVaults: scanAllVaults, assets: assets)
        }
    }

    /// A dry run of `tx` on the committed state as the next block would execute it; nothing is kept.
    public func simulationReply(_ tx: VerifiedTransaction) throws -> SimulationReply {
        let context = nextBlockContext()
        let (result, head) = try store.withState { state, head in
            (engine.machine.simulate(tx, context: context, state: state), head)
        }
        return SimulationReply(
            hash: tx.hash.hex, height: head.height, simulatedHeight: context.height, blockTime: UTCTime.rfc3339(context.timeMs),
            receipt: ReceiptReply(result.receipt), stateChanges: result.changes.count)
    }

    /// The heights of blocks as they commit, after the liquidation index has taken them in (so a
    /// query made on receiving a height sees that block). Ends when the node stops or the follower
    /// falls more than the bus's buffer behind.
    public func committedHeights() -> AsyncStream<UInt64> {
        let subscription = bus.subscribe()
        return AsyncStream { continuation in
            let task = Task {
                for await block in subscription.messages { continuation.yield(block.height) }
                continuation.finish()
            }
            continuation.onTermination = { [bus] _ in
                task.cancel()
                bus.unsubscribe(subscription.id)
            }
        }
    }
}
