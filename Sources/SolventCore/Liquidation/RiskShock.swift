import SolventCrypto

/// "What would a price move do?" (contracts-spec/liquidation.md, "Shock simulation"): on a copy
/// of the state, set the moved oracle prices, find the vaults that become liquidatable, and run
/// one round of liquidations the way keepers do (largest shortfall first, each of a vault's
/// positions in market order) with the same code the `liquidate` transaction runs. Nothing is
/// written anywhere.
public enum RiskShock {
    public struct Move: Sendable, Equatable {
        public let oracleMarket: UInt32
        /// Parts per million, e.g. −200,000 for −20%.
        public let ppm: Int64
        public init(oracleMarket: UInt32, ppm: Int64) {
            self.oracleMarket = oracleMarket
            self.ppm = ppm
        }
    }

    public struct MovedPrice: Sendable, Equatable {
        public let oracleMarket: UInt32
        public let symbol: String
        public let ppm: Int64
        public let from: UInt64
        public let to: UInt64
    }

    public struct Shortfall: Sendable, Equatable {
        public let vault: VaultID
        public let equity: Int128
        public let maintenance: UInt128
        public var shortfall: Int128 { Int128(maintenance) - equity }

        public init(vault: VaultID, equity: Int128, maintenance: UInt128) {
            (self.vault, self.equity, self.maintenance) = (vault, equity, maintenance)
        }

        /// The order keepers work in: largest shortfall first, ties in vault key order.
        public static func keeperOrder(_ a: Shortfall, _ b: Shortfall) -> Bool {
            a.shortfall != b.shortfall ? a.shortfall > b.shortfall : a.vault < b.vault
        }
    }

    public struct Refusal: Sendable, Equatable {
        public let vault: VaultID
        public let market: UInt32
        public let error: ProtocolError
    }

    public struct Report: Sendable {
        public let prices: [MovedPrice]
        /// Liquidatable at the moved prices, largest shortfall first.
        public let liquidatable: [Shortfall]
        public let liquidations: [Liquidation.Outcome]
        public let refusals: [Refusal]
        public let fundBefore: UInt128
        public let fundAfter: UInt128
        /// Vaults still liquidatable after the round (they would be liquidated again next block).
        public let stillLiquidatable: Int
        /// Set when `proceed` stopped the run: how many vaults of the queue had been liquidated
        /// (the figures above then cover only those, and `stillLiquidatable` is not counted).
        public var stoppedAfter: Int? = nil

        // Totals of a report saturate: a figure past 128 bits (or 64 for sizes) shows its type's largest.
        public var totalBounties: UInt128 { Self.total(liquidations.map(\.bounty)) }
        public var totalFees: UInt128 { Self.total(liquidations.map(\.fee)) }
        public var deficitsPaid: UInt128 { Self.total(liquidations.map(\.deficitPaid)) }
        /// What the fund paid out: deficits and bounty top-ups.
        public var fundDraw: UInt128 {
            Self.total(liquidations.map(\.deficitPaid) + liquidations.map { $0.bounty > $0.fee ? $0.bounty - $0.fee : 0 })
        }
        public var adlSize: [UInt32: UInt64] {
            liquidations.reduce(into: [:]) { $0[$1.market] = Self.total([$0[$1.market, default: 0], $1.adlSize]) }
        }
        /// Quote amount closed by auto-deleveraging, at bankruptcy prices.
        public var adlNotional: UInt128 { Self.total(liquidations.map(\.adlNotional)) }
        public var closedNotional: UInt128 { Self.total(liquidations.map(\.closedNotional)) }

        static func total<T: FixedWidthInteger>(_ values: [T]) -> T {
            (try? values.checkedSum { $0 }) ?? T.max
        }
    }

    /// A vault no one owns (the zero key signs nothing) with unlimited USDC, used as the keeper
    /// when none is named, so that every backstop can be taken.
    public static let probeKeeper = VaultID(owner: Address(.zero), number: 0)

    public static func installProbeKeeper(_ state: StateOverlay) {
        var account = state.account(probeKeeper.owner) ?? Account()
        account.vaultCount = max(account.vaultCount, 1)
        state.putAccount(probeKeeper.owner, account)
        state.putVault(probeKeeper, Vault(mode: .cross, quote: Int128(1) << 100))
    }

    /// `price` moved by `ppm`, rounded down, at least one price unit.
    public static func movedPrice(_ price: UInt64, ppm: Int64) -> UInt64 {
        let moved = FixedPoint.mulDiv(UInt128(price), UInt128(max(0, 1_000_000 + ppm)), 1_000_000, .down) ?? UInt128(UInt64.max)
        return UInt64(clamping: max(moved, 1))
    }

    /// Sets each moved price on `state` as if an update had just been accepted at `timeMs`.
    public static func applyMoves(_ moves: [Move], state: StateOverlay, at timeMs: UInt64) throws(ProtocolError) -> [MovedPrice] {
        var out = [MovedPrice]()
        for move in moves {
            guard var market = state.oracleMarket(move.oracleMarket) else {
                throw ProtocolError(.unknownOracleMarket, "oracle market \(move.oracleMarket) does not exist")
            }
            guard market.hasPrice else { throw ProtocolError(.oracleNoPrice, "\(market.symbol) has no price to move") }
            guard move.ppm > -1_000_000, move.ppm <= 100_000_000 else {
                throw ProtocolError(.invalidField, "a move is above −100% and at most +10000%")
            }
            let to = movedPrice(market.price, ppm: move.ppm)
            out.append(MovedPrice(oracleMarket: move.oracleMarket, symbol: market.symbol, ppm: move.ppm, from: market.price, to: to))
            market.price = to
            market.median = to
            market.clamped = false
            market.updatedAtMs = timeMs
            state.putOracleMarket(market)
        }
        return out
    }

    /// The shortfalls of the `candidates` liquidatable in `state` at `timeMs`, largest first
    /// (ties in vault key order): the order keepers work in.
    public static func liquidatable(_ candidates: [VaultID], state: some StateReader, at timeMs: UInt64) -> [Shortfall] {
        var out = [Shortfall]()
        for v in candidates {
            guard let risk = try? Margin.risk(of: v, state: state, at: timeMs, prices: .latest), risk.isLiquidatable else { continue }
            out.append(Shortfall(vault: v, equity: risk.equity, maintenance: risk.maintenance))
        }
        return out.sorted(by: Shortfall.keeperOrder)
    }

    /// Runs the shock. `candidates` must include every vault that could become liquidatable (a
    /// node passes those whose bands the move leaves, plus the liquidatable ones); `keeper`
    /// defaults to the probe keeper. `proceed` is asked before each vault of the queue; once it
    /// says no, the run stops there (a caller's budget: the work grows with the liquidations
    /// and, where losses are socialized, with the size of the other side).
    public static func run(moves: [Move], candidates: [VaultID], state: any StateReader, context: BlockContext,
                           keeper: VaultID? = nil, proceed: () -> Bool = { true }) throws(ProtocolError) -> Report {
        let overlay = StateOverlay(base: state)
        let prices = try applyMoves(moves, state: overlay, at: context.timeMs)
        if keeper == nil { installProbeKeeper(overlay) }
        let liquidator = keeper ?? probeKeeper
        let fundBefore = overlay.insuranceFund()
        let unique = Array(Set(candidates)).sorted()
        let queue = liquidatable(unique, state: overlay, at: context.timeMs)
        var outcomes = [Liquidation.Outcome]()
        var refusals = [Refusal]()
        for (done, entry) in queue.enumerated() {
            guard proceed() else {
                var report = Report(prices: prices, liquidatable: queue, liquidations: outcomes, refusals: refusals, fundBefore: fundBefore,
                                    fundAfter: overlay.insuranceFund(), stillLiquidatable: 0)
                report.stoppedAfter = done
                return report
            }
            for (market, _) in overlay.positions(of: entry.vault) {
                overlay.begin()
                do {
                    outcomes.append(try Liquidation.execute(target: entry.vault, market: market, keeper: liquidator, context: context, state: overlay))
                    overlay.commit()
                } catch {
                    overlay.rollback()
                    refusals.append(Refusal(vault: entry.vault, market: market, error: error))
                }
            }
        }
        let still = liquidatable(unique, state: overlay, at: context.timeMs).count
        return Report(prices: prices, liquidatable: queue, liquidations: outcomes, refusals: refusals, fundBefore: fundBefore,
                      fundAfter: overlay.insuranceFund(), stillLiquidatable: still)
    }
}
