import SolventCore
import SolventWire

/// The worst price the CLI puts on a market order when the trader gives none (markets.md,
/// "Orders from the CLI"): the market's own price moved by the slippage against the trader,
/// rounded to the tick toward the limit. The chain only sees the price in the transaction.
public enum MarketOrderPrice {
    /// What the slippage is applied to.
    public enum Reference: Equatable, Sendable {
        /// An option's model price (`mark_price`: Black-Scholes on the underlying and its volatility feed).
        case modelPrice(UInt64)
        /// A perpetual's or future's mark: the underlying's oracle price.
        case oracle(UInt64)
        /// No mark (an option whose feeds have no price yet): the best price on the other side of the book.
        case book(UInt64)

        public var price: UInt64 {
            switch self {
            case .modelPrice(let p), .oracle(let p), .book(let p): return p
            }
        }

        public var label: String {
            switch self {
            case .modelPrice: return "model price"
            case .oracle: return "oracle price"
            case .book: return "best opposite order"
            }
        }
    }

    /// The market's own price for an order on `side`: an option's model price, else (a perpetual
    /// or a future) its oracle price; either missing, the best opposite level (the best ask for a
    /// buy, the best bid for a sell); nil when there is none of these.
    public static func reference(_ market: MarketReply, side: Side) -> Reference? {
        if market.isOption {
            if let p = market.markPrice.flatMap(OraclePrice.parse) { return .modelPrice(p) }
        } else if let p = market.oraclePrice.flatMap(OraclePrice.parse) {
            return .oracle(p)
        }
        let opposite = side == .buy ? market.bestAsk : market.bestBid
        return opposite.flatMap(OraclePrice.parse).map(Reference.book)
    }

    /// `--max-slippage`: a fraction ("0.01") or a percentage ("1%"), as parts per million, below 100%.
    public static func parseSlippage(_ text: String) throws -> UInt64 {
        let percent = text.hasSuffix("%")
        let digits = percent ? String(text.dropLast()) : text
        guard let ppm = try? Amount.parse(digits, decimals: percent ? 4 : 6), ppm < 1_000_000 else {
            throw ClientError("invalid_argument", "--max-slippage '\(text)' is not a fraction below 1 (0.01) or a percentage below 100% (1%)")
        }
        return UInt64(ppm)
    }

    /// `reference` moved by `slippagePpm` against the trader (up for a buy, down for a sell),
    /// rounded to the tick toward the limit (down for a buy, up for a sell) and never below one tick.
    public static func worstPrice(reference: UInt64, side: Side, slippagePpm: UInt64, tick: UInt64) -> UInt64 {
        let tick = max(tick, 1)
        let factor = side == .buy ? 1_000_000 + UInt128(slippagePpm) : 1_000_000 - UInt128(min(slippagePpm, 1_000_000))
        let moved = UInt128(reference) * factor / 1_000_000
        let rounded = side == .buy ? moved / UInt128(tick) * UInt128(tick) : (moved + UInt128(tick) - 1) / UInt128(tick) * UInt128(tick)
        return UInt64(clamping: max(rounded, UInt128(tick)))
    }
}
