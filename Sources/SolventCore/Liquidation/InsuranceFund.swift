/// The insurance fund (contracts-spec/insurance-and-adl.md, "The fund"): a USDC balance in table
/// `protocol` ("insurance_fund") that takes its share of trading fees and the part of each
/// liquidation fee the keeper does not get, and pays the deficits of bankrupt vaults. It never
/// pays a keeper's bounty (liquidation.md, "Fee, bounty and fund flows"); `bountyTopUps` and the
/// `bounty_top_up` flow are retired and stay 0, kept so the record and the RPC keep their layout.
///
/// Its history is kept in state: cumulative totals per flow (`protocol`, "insurance_stats"), which
/// always satisfy balance = seeded + trading fees + liquidation fees − bounties − deficits, and one
/// log entry per liquidation flow (table `insurance_log`, key = sequence number u64 big-endian).
/// Trading-fee inflows happen on every fill, so they are counted, not logged.
/// The fields are generated from the record's layout (state.md, "insurance stats").
extension InsuranceStats: SingletonRecord {
    public static let stateKey = StateKey(.protocolAccounts, Array("insurance_stats".utf8))
}

/// One liquidation flow through the fund.
public struct InsuranceLogEntry: Equatable, Sendable {
    public enum Flow: UInt8, Sendable, SnakeCaseNamed {
        /// In: the part of a liquidation fee left after the keeper's bounty.
        case liquidationFee = 1
        /// Retired: the fund paid the part of a keeper's bounty the fee did not cover. No rule writes it.
        case bountyTopUp = 2
        /// Out: a bankrupt vault's deficit.
        case deficit = 3
        /// Neither in nor out: a deficit the fund could not pay, closed by auto-deleveraging.
        case deleveraged = 4
        /// Out: the debt a collateral auction left when its lot ran out (the entry's `market`
        /// field holds the auctioned asset's id; collateral-auctions.md).
        case auctionShortfall = 5
        /// Neither in nor out: a deficit the positions on the other side shared (a socialized loss).
        case socialized = 6

        public static let names = namesByRawValue()
    }

    public let sequence: UInt64
    public let height: UInt64
    public let flow: Flow
    public let amount: UInt128
    public let balanceAfter: UInt128
    /// The liquidated vault.
    public let vault: VaultID
    public let market: UInt32
}

/// One entry of table `insurance_log`; the key is the sequence number.
extension InsuranceLogEntry: StoredRecord {
    public static let recordName = "insurance log"

    public var layoutKey: UInt64 { sequence }

    public init<Coder: FieldCoder>(coding c: inout Coder, key sequence: UInt64) throws(ProtocolError) where Coder.Record == Self {
        self.init(sequence: sequence, height: try c.u64(\.height, "height"), flow: try c.tag(\.flow, "flow"),
                  amount: try c.u128(\.amount, "amount"), balanceAfter: try c.u128(\.balanceAfter, "balance after"),
                  vault: VaultID(owner: Address(try c.bytes32(\.vault.owner.key, "owner")), number: try c.u32(\.vault.number, "vault")),
                  market: try c.u32(\.market, "market"))
    }
}

extension StateReader {
    public func insuranceStats() -> InsuranceStats { singleton(InsuranceStats.self) ?? InsuranceStats() }

    /// Log entries newest first, starting below `before` (exclusive; nil: from the newest).
    public func insuranceLog(before: UInt64? = nil, limit: Int) -> [InsuranceLogEntry] {
        let end = min(before ?? UInt64.max, insuranceStats().logCount)
        var out = [InsuranceLogEntry]()
        var seq = end
        while seq > 0, out.count < limit {
            seq -= 1
            guard let b = get(.insuranceLog, BigEndianKey.u64(seq)) else { continue }
            out.append(decodeStored(b, "insurance log \(seq)") { (x) throws(ProtocolError) in try InsuranceLogEntry.decode(x, key: seq) })
        }
        return out
    }
}

/// The fund's movements. Every movement of its balance goes through here, so the totals in
/// `insurance_stats` always account for the balance.
enum InsuranceFund {
    static func seed(_ amount: UInt128, state: StateOverlay) throws(ProtocolError) {
        var stats = state.insuranceStats()
        stats.seeded = try stats.seeded.adding(amount)
        state.put(stats)
        state.setInsuranceFund(try state.insuranceFund().adding(amount))
    }

    /// The fund's share of a trading fee.
    static func receiveTradingFee(_ amount: UInt128, state: StateOverlay) throws(ProtocolError) {
        guard amount > 0 else { return }
        var stats = state.insuranceStats()
        stats.tradingFeesIn = try stats.tradingFeesIn.adding(amount)
        let balance = try state.insuranceFund().adding(amount)
        state.put(stats)
        state.setInsuranceFund(balance)
    }

    /// The fee a liquidation left after the bounty.
    static func receiveLiquidationFee(_ amount: UInt128, vault: VaultID, market: UInt32, context: BlockContext,
                                      state: StateOverlay) throws(ProtocolError) {
        guard amount > 0 else { return }
        var stats = state.insuranceStats()
        stats.liquidationFeesIn = try stats.liquidationFeesIn.adding(amount)
        let balance = try state.insuranceFund().adding(amount)
        state.setInsuranceFund(balance)
        try log(.liquidationFee, amount, balance: balance, vault: vault, market: market, context: context, stats: &stats, state: state)
    }

    /// Pays up to `amount` out for `flow` (a deficit, or an auction's shortfall, which counts as
    /// a deficit); returns what it paid.
    static func pay(_ amount: UInt128, for flow: InsuranceLogEntry.Flow, vault: VaultID, market: UInt32, context: BlockContext,
                    state: StateOverlay) throws(ProtocolError) -> UInt128 {
        let balance = state.insuranceFund()
        let paid = min(amount, balance)
        guard paid > 0 else { return 0 }
        var stats = state.insuranceStats()
        stats.deficitsPaid = try stats.deficitsPaid.adding(paid)
        state.setInsuranceFund(balance - paid)
        try log(flow, paid, balance: balance - paid, vault: vault, market: market, context: context, stats: &stats, state: state)
        return paid
    }

    /// A deficit the positions on the other side shared (a socialized loss): recorded, the balance
    /// unchanged, so that the log shows every deficit the fund did not pay.
    static func recordSocialized(_ amount: UInt128, vault: VaultID, market: UInt32, context: BlockContext,
                                 state: StateOverlay) throws(ProtocolError) {
        guard amount > 0 else { return }
        var stats = state.insuranceStats()
        try log(.socialized, amount, balance: state.insuranceFund(), vault: vault, market: market, context: context, stats: &stats, state: state)
    }

    /// A deficit auto-deleveraging absorbed instead of the fund: recorded, the balance unchanged.
    static func recordDeleveraged(_ amount: UInt128, vault: VaultID, market: UInt32, context: BlockContext,
                                  state: StateOverlay) throws(ProtocolError) {
        guard amount > 0 else { return }
        var stats = state.insuranceStats()
        stats.deficitsDeleveraged = try stats.deficitsDeleveraged.adding(amount)
        try log(.deleveraged, amount, balance: state.insuranceFund(), vault: vault, market: market, context: context, stats: &stats, state: state)
    }

    private static func log(_ flow: InsuranceLogEntry.Flow, _ amount: UInt128, balance: UInt128, vault: VaultID, market: UInt32,
                            context: BlockContext, stats: inout InsuranceStats, state: StateOverlay) throws(ProtocolError) {
        let entry = InsuranceLogEntry(sequence: stats.logCount, height: context.height, flow: flow, amount: amount,
                                      balanceAfter: balance, vault: vault, market: market)
        state.put(.insuranceLog, BigEndianKey.u64(stats.logCount), entry.encoded())
        stats.logCount = try stats.logCount.adding(1)
        state.put(stats)
    }
}
