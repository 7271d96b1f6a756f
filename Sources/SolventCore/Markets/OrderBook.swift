/// The order book's storage (contracts-spec/markets.md, "Order book"). Resting orders live in
/// table `orders` under keys that sort in matching order, so a range scan from the start of a
/// side yields the best price first and, at one price, the oldest order first:
///
///     orders        market u32 ‖ side u8 ‖ price key u64 ‖ order id u64     (all big-endian)
///                   price key = price for asks, 2^64 − 1 − price for bids
///     order_ids     order id u64                         → the `orders` key
///     owner_orders  owner ‖ vault u32 ‖ market u32 ‖ order id u64 → empty
public enum Side: UInt8, Sendable {
    case buy = 0
    case sell = 1

    public var opposite: Side { self == .buy ? .sell : .buy }
    public var name: String { self == .buy ? "buy" : "sell" }
    /// +1 for buy (a long grows), −1 for sell.
    var sign: Int64 { self == .buy ? 1 : -1 }
}

public enum TimeInForce: UInt8, Sendable {
    /// Rests on the book until filled or cancelled.
    case goodTillCancelled = 0
    /// Fills what it can at once; the rest is cancelled.
    case immediateOrCancel = 1
    /// Refused if it would fill at once; otherwise rests (always the maker).
    case postOnly = 2

    public var name: String {
        switch self {
        case .goodTillCancelled: return "gtc"
        case .immediateOrCancel: return "ioc"
        case .postOnly: return "post_only"
        }
    }
}

/// A resting order.
public struct Order: Equatable, Sendable {
    public let id: UInt64
    public let owner: Address
    public let vault: UInt32
    public let market: UInt32
    public let side: Side
    /// Limit price, price units.
    public let price: UInt64
    public let size: UInt64
    public var remaining: UInt64
    public let reduceOnly: Bool
    public let placedAtHeight: UInt64

    public var vaultID: VaultID { VaultID(owner: owner, number: vault) }
}

extension Order: StoredRecord {
    public static let recordName = "order"

    /// Stored layout (contracts-spec/markets.md, "Order book").
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(id: try c.u64(\.id, "id"), owner: Address(try c.bytes32(\.owner.key, "owner")), vault: try c.u32(\.vault, "vault"),
                  market: try c.u32(\.market, "market"), side: try c.tag(\.side, "side"), price: try c.u64(\.price, "price"),
                  size: try c.u64(\.size, "size"), remaining: try c.u64(\.remaining, "remaining"),
                  reduceOnly: try c.bool(\.reduceOnly, "reduce only"), placedAtHeight: try c.u64(\.placedAtHeight, "height"))
    }
}

public enum OrderBook {
    static func priceKey(_ side: Side, _ price: UInt64) -> UInt64 { side == .buy ? UInt64.max - price : price }

    static func sidePrefix(_ market: UInt32, _ side: Side) -> [UInt8] { BigEndianKey.u32(market) + [side.rawValue] }

    static func bookKey(_ o: Order) -> [UInt8] {
        BigEndianKey.build(21) { k in
            BigEndianKey.append(o.market, to: &k)
            k.append(o.side.rawValue)
            BigEndianKey.append(priceKey(o.side, o.price), to: &k)
            BigEndianKey.append(o.id, to: &k)
        }
    }

    static func ownerKey(_ o: Order) -> [UInt8] {
        BigEndianKey.build(48) { k in
            o.vaultID.appendKey(to: &k)
            BigEndianKey.append(o.market, to: &k)
            BigEndianKey.append(o.id, to: &k)
        }
    }

    static func insert(_ o: Order, _ state: StateOverlay) {
        let key = bookKey(o)
        state.put(.orders, key, o.encoded())
        state.put(.orderIds, BigEndianKey.u64(o.id), key)
        state.put(.ownerOrders, ownerKey(o), [])
    }

    /// Rewrites a resting order whose remaining size changed (its key does not change).
    static func update(_ o: Order, _ state: StateOverlay) { state.put(.orders, bookKey(o), o.encoded()) }

    static func remove(_ o: Order, _ state: StateOverlay) {
        state.delete(.orders, bookKey(o))
        state.delete(.orderIds, BigEndianKey.u64(o.id))
        state.delete(.ownerOrders, ownerKey(o))
    }

    /// Visits one side's orders best first (price, then age) until `visit` returns false.
    public static func scan(market: UInt32, side: Side, state: some StateReader, _ visit: (Order) -> Bool) {
        state.scan(.orders, prefix: sidePrefix(market, side), from: nil) { _, value in
            visit(decodeStored(value, "order", Order.decode))
        }
    }

    public static func order(id: UInt64, state: some StateReader) -> Order? {
        guard let key = state.get(.orderIds, BigEndianKey.u64(id)), let value = state.get(.orders, key) else { return nil }
        return decodeStored(value, "order \(id)", Order.decode)
    }

    /// The owner's resting orders (optionally one vault, one market), in vault, market, id order.
    public static func orders(owner: Address, vault: UInt32? = nil, market: UInt32? = nil, state: some StateReader) -> [Order] {
        var prefix = owner.key.bytes
        if let vault {
            prefix += BigEndianKey.u32(vault)
            if let market { prefix += BigEndianKey.u32(market) }
        }
        return state.entries(.ownerOrders, prefix: prefix).compactMap { e -> Order? in
            let id = BigEndianKey.readU64(e.key, at: e.key.count - 8)
            let marketOfKey = BigEndianKey.readU32(e.key, at: 36)
            if let market, marketOfKey != market { return nil }
            return order(id: id, state: state)
        }
    }

    /// Aggregated depth: up to `levels` price levels per side, best first, with total remaining size.
    public static func depth(market: UInt32, side: Side, levels: Int, state: some StateReader) -> [(price: UInt64, size: UInt64, orders: Int)] {
        var out = [(price: UInt64, size: UInt64, orders: Int)]()
        scan(market: market, side: side, state: state) { o in
            if let last = out.last, last.price == o.price {
                // Many orders at one price may hold more than 64 bits of size in all: saturate.
                out[out.count - 1].size = out[out.count - 1].size.addingReportingOverflow(o.remaining).overflow ? UInt64.max : out[out.count - 1].size + o.remaining
                out[out.count - 1].orders += 1
                return true
            }
            guard out.count < levels else { return false }
            out.append((o.price, o.remaining, 1))
            return true
        }
        return out
    }

    /// The impact price of one side: the price of the order at which a market order of the
    /// market's impact notional, filling against `side` (the bids for `.buy`, the asks for
    /// `.sell`) best first, reaches that notional; nil if the side cannot absorb it. An exact
    /// book price, so every implementation finds the same one.
    public static func impactPrice(market: PerpMarket, side: Side, state: some StateReader) -> UInt64? {
        let target = market.params.impactNotional
        var notional: UInt128 = 0
        var reached: UInt64?
        scan(market: market.id, side: side, state: state) { o in
            // Each term fits 128 bits (64-bit size × 64-bit price); their sum stops at the target.
            let (sum, overflow) = notional.addingReportingOverflow(UInt128(o.remaining) * UInt128(o.price) / PerpUnits.notionalDivisor)
            notional = overflow ? UInt128.max : sum
            if notional >= target {
                reached = o.price
                return false
            }
            return true
        }
        return reached
    }
}
