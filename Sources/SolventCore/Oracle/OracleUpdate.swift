import SolventCrypto

/// Accepting an oracle update (contracts-spec/oracle.md, "Checks" and "Median"). Signatures were
/// verified before execution, in parallel (`OracleUpdate.verify`); everything here depends on
/// state and block time and runs in block order.
public enum OracleUpdate {
    /// Reports one update may carry (it must also fit a 4096-byte transaction).
    public static let maxReports = 25

    /// Stateless checks made with the transaction's signature, before execution: each report is
    /// for this transaction's chain and market and is signed by the key it names.
    static func verify(chainId: String, market: UInt32, reports: [OracleReport]) -> ProtocolError? {
        for (i, r) in reports.enumerated() {
            guard r.chainId == chainId else {
                return ProtocolError(.oracleWrongChain, "report \(i) is signed for chain '\(r.chainId)', not '\(chainId)'")
            }
            guard r.market == market else {
                return ProtocolError(.oracleWrongMarket, "report \(i) is for market \(r.market), the update is for market \(market)")
            }
            guard r.verifySignature() else {
                return ProtocolError(.oracleBadSignature, "report \(i)'s signature does not verify for signer \(r.signer.hex)")
            }
        }
        return nil
    }

    /// Median rule: sort the prices ascending; with n prices take the one at index (n - 1) / 2
    /// (the lower median when n is even). Always one of the reported prices, never an average.
    public static func median(_ prices: [UInt64]) -> UInt64 {
        precondition(!prices.isEmpty)
        let sorted = prices.sorted()
        return sorted[(sorted.count - 1) / 2]
    }

    /// Deviation guard: a fresh price moves at most `maxMovePpm` per update. The allowed move is
    /// rounded down (never more than the limit) and is at least one unit.
    public static func clamp(_ median: UInt64, previous: UInt64, maxMovePpm: UInt32) -> UInt64 {
        guard maxMovePpm > 0, previous > 0 else { return median }
        let allowed = max(1, UInt64(UInt128(previous) * UInt128(maxMovePpm) / 1_000_000))
        let low = previous > allowed ? previous - allowed : 1
        let (high, overflow) = previous.addingReportingOverflow(allowed)
        return min(max(median, low), overflow ? UInt64.max : high)
    }

    static func apply(market id: UInt32, reports: [OracleReport], context: BlockContext,
                      state: StateOverlay) throws(ProtocolError) -> [Event] {
        guard var market = state.oracleMarket(id) else {
            throw ProtocolError(.unknownOracleMarket, "oracle market \(id) does not exist")
        }
        guard let config = state.oracleConfig() else {
            throw ProtocolError(.unknownOracleMarket, "this chain has no oracle")
        }
        let s = config.settings
        guard reports.count >= Int(s.quorum) else {
            throw ProtocolError(.oracleQuorumNotMet, "\(reports.count) reports, the quorum is \(s.quorum)")
        }
        if market.updatedAtMs > 0, market.lastReportMs > 0 {
            let since = context.timeMs >= market.updatedAtMs ? context.timeMs - market.updatedAtMs : 0
            guard since >= s.minUpdateIntervalMs else {
                throw ProtocolError(.oracleUpdateTooSoon,
                    "\(market.symbol) was updated \(since) ms ago; updates are at least \(s.minUpdateIntervalMs) ms apart")
            }
        }
        var seen = Set<Bytes32>()
        for (i, r) in reports.enumerated() {
            guard config.isSigner(r.signer) else {
                throw ProtocolError(.oracleUnknownSigner, "report \(i): \(r.signer.hex) is not a whitelisted oracle signer")
            }
            guard seen.insert(r.signer).inserted else {
                throw ProtocolError(.oracleDuplicateSigner, "report \(i): signer \(r.signer.hex) reports twice in one update")
            }
            if let last = market.lastTimestamp(of: r.signer), r.timestampMs <= last {
                throw ProtocolError(.oracleReportReplayed,
                    "report \(i): signer \(r.signer.hex) already had a report at \(last) ms accepted; this one is at \(r.timestampMs) ms")
            }
            guard r.timestampMs > market.lastReportMs else {
                throw ProtocolError(.oracleReportNotNewer,
                    "report \(i) at \(r.timestampMs) ms is not newer than the last accepted report (\(market.lastReportMs) ms)")
            }
            // Written as a difference so that no timestamp, however large, can overflow.
            guard context.timeMs <= r.timestampMs || context.timeMs - r.timestampMs <= s.maxReportAgeMs else {
                throw ProtocolError(.oracleReportTooOld,
                    "report \(i) is \(context.timeMs - r.timestampMs) ms old at block time; the limit is \(s.maxReportAgeMs) ms")
            }
            guard r.timestampMs <= context.timeMs || r.timestampMs - context.timeMs <= s.maxFutureSkewMs else {
                throw ProtocolError(.oracleReportInFuture,
                    "report \(i) is \(r.timestampMs - context.timeMs) ms ahead of block time; the limit is \(s.maxFutureSkewMs) ms")
            }
        }

        let median = Self.median(reports.map(\.price))
        // The move limit applies against a fresh price only: after a silence there is no recent
        // price to protect, and the median is taken as it is.
        let previousFresh = market.hasPrice && OracleGuard.status(of: market, settings: s, at: context.timeMs) != .stale
        let previous = market.price
        let price = previousFresh ? clamp(median, previous: previous, maxMovePpm: s.maxMovePpm) : median
        market.price = price
        market.median = median
        market.clamped = price != median
        market.updatedAtMs = context.timeMs
        market.lastReportMs = reports.map(\.timestampMs).max()!
        market.reports = reports.map { OracleMarket.UsedReport(signer: $0.signer, price: $0.price, timestampMs: $0.timestampMs) }
            .sorted { $0.signer < $1.signer }
        for r in reports { market.recordSigner(r.signer, at: r.timestampMs) }
        state.putOracleMarket(market)
        return [Event("oracle_price", [
            ("market", .text(market.symbol)), ("price", .price(price)), ("median", .price(median)),
            ("previous", previous > 0 ? .price(previous) : .absent), ("reports", .number(reports.count)),
            ("status", market.clamped ? "clamped" : "fresh"),
        ])]
    }
}
