import SolventCrypto

/// One attribute value of an event, as data: what the receipts root commits to
/// (contracts-spec/blocks.md, "Event values"). The text clients see (`"250.5"`, `sv1...`) is
/// rendered from it at the edge by `rendered`, so a change of presentation never changes a hash.
public enum EventValue: Equatable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// No value (an `oracle_price` without a previous price, a skipped `funding` without a price).
    case absent
    /// A whole number: ids, counts, ppm rates, milliseconds, indexes.
    case integer(Int128)
    /// A fixed-point amount: `quantums` / 10^`scale` (sizes 8, USDC 6, prices 8, an asset its decimals).
    case amount(Int128, scale: UInt8)
    case bool(Bool)
    /// An identifier or enum name: a market symbol, a side, a status, a reason.
    case text(String)
    case address(Address)
    case vault(VaultID)
    /// A 32-byte key shown in hex (an oracle signer).
    case key(Bytes32)
    /// A point in time in milliseconds since the Unix epoch, shown in RFC 3339 UTC.
    case time(UInt64)
    /// A market's margin tiers (markets.md, "Margin tiers").
    case marginTiers([MarginTier])

    public init(stringLiteral value: String) { self = .text(value) }

    public static func number(_ v: some BinaryInteger) -> EventValue { .integer(Int128(v)) }
    public static func price(_ p: UInt64) -> EventValue { .amount(Int128(p), scale: UInt8(OraclePrice.decimals)) }
    public static func size(_ s: Int64) -> EventValue { .amount(Int128(s), scale: UInt8(PerpUnits.sizeDecimals)) }
    public static func quote(_ q: Int128) -> EventValue { .amount(q, scale: 6) }
    /// USDC quantums held unsigned (settings, auction sums); every amount is at most 2^127 - 1.
    public static func usdc(_ q: UInt128) -> EventValue { .amount(Int128(q), scale: 6) }
    public static func amount(_ q: UInt128, of asset: Asset) -> EventValue { .amount(Int128(q), scale: asset.decimals) }

    /// The text the RPC, the WebSocket stream and the CLI show (rpc.md): the same text the events
    /// carried before they were typed.
    public var rendered: String {
        switch self {
        case .absent: ""
        case .integer(let v): String(v)
        case .amount(let q, let scale): (q < 0 ? "-" : "") + Amount.format(q.magnitude, decimals: Int(scale))
        case .bool(let b): b ? "true" : "false"
        case .text(let s): s
        case .address(let a): a.text
        case .vault(let v): v.description
        case .key(let k): k.hex
        case .time(let ms): UTCTime.format(ms)
        case .marginTiers(let tiers):
            tiers.map { "\($0.maxNotional.map { Amount.format($0, decimals: 6) } ?? "inf"):\($0.initialPpm)/\($0.maintenancePpm)" }
                .joined(separator: ",")
        }
    }

    public var description: String { rendered }

    /// The value's tag byte (blocks.md, "Event values").
    enum Tag: UInt8 {
        case absent = 0, integer, amount, bool, text, address, vault, key, time, marginTiers
    }

    func encode(into w: inout ByteWriter) {
        switch self {
        case .absent: w.u8(Tag.absent.rawValue)
        case .integer(let v): w.u8(Tag.integer.rawValue); w.i128(v)
        case .amount(let q, let scale): w.u8(Tag.amount.rawValue); w.u8(scale); w.i128(q)
        case .bool(let b): w.u8(Tag.bool.rawValue); w.bool(b)
        case .text(let s): w.u8(Tag.text.rawValue); w.longString(s)
        case .address(let a): w.u8(Tag.address.rawValue); w.bytes32(a.key)
        case .vault(let v): w.u8(Tag.vault.rawValue); w.bytes32(v.owner.key); w.u32(v.number)
        case .key(let k): w.u8(Tag.key.rawValue); w.bytes32(k)
        case .time(let ms): w.u8(Tag.time.rawValue); w.u64(ms)
        case .marginTiers(let tiers):
            w.u8(Tag.marginTiers.rawValue)
            w.u8(UInt8(tiers.count))
            for t in tiers {
                w.bool(t.maxNotional != nil)
                w.u128(t.maxNotional ?? 0)
                w.u32(t.initialPpm)
                w.u32(t.maintenancePpm)
            }
        }
    }

    static func decode(from r: inout ByteReader) throws(ProtocolError) -> EventValue {
        let number = try r.u8("event value tag")
        guard let tag = Tag(rawValue: number) else { throw ProtocolError(.invalidField, "event value tag \(number) is not defined") }
        switch tag {
        case .absent: return .absent
        case .integer: return .integer(try r.i128("integer"))
        case .amount:
            let scale = try r.u8("amount scale")
            guard scale <= 38 else { throw ProtocolError(.invalidField, "amount scale \(scale) is over 38") }
            return .amount(try r.i128("amount"), scale: scale)
        case .bool: return .bool(try r.bool("bool"))
        case .text: return .text(try r.longString("text", maxLength: Int(UInt16.max)))
        case .address: return .address(Address(try r.bytes32("address")))
        case .vault: return .vault(VaultID(owner: Address(try r.bytes32("vault owner")), number: try r.u32("vault number")))
        case .key: return .key(try r.bytes32("key"))
        case .time: return .time(try r.u64("time"))
        case .marginTiers:
            var tiers = [MarginTier]()
            for _ in 0..<(try r.u8("tier count")) {
                let bounded = try r.bool("tier bounded")
                let max = try r.u128("tier max notional")
                guard bounded || max == 0 else { throw ProtocolError(.invalidField, "an unbounded tier carries a max notional") }
                tiers.append(MarginTier(maxNotional: bounded ? max : nil, initialPpm: try r.u32("tier initial ppm"),
                                        maintenancePpm: try r.u32("tier maintenance ppm")))
            }
            return .marginTiers(tiers)
        }
    }
}
