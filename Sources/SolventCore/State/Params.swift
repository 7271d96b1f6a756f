/// Chain-wide parameters, set in genesis and kept in state (so later admin transactions can change
/// them through the same machinery as any other state).
public struct Params: Equatable, Sendable, Codable {
    /// Vaults an account may open (numbers 0..<limit).
    public var maxVaultsPerAccount: UInt32
    /// Transactions a block may hold.
    public var maxBlockTransactions: UInt32
    /// Sum of encoded transaction sizes a block may hold.
    public var maxBlockBytes: UInt32

    public init(maxVaultsPerAccount: UInt32 = 16, maxBlockTransactions: UInt32 = 20_000,
                maxBlockBytes: UInt32 = 8 << 20) {
        self.maxVaultsPerAccount = maxVaultsPerAccount
        self.maxBlockTransactions = maxBlockTransactions
        self.maxBlockBytes = maxBlockBytes
    }

    enum CodingKeys: String, CodingKey {
        case maxVaultsPerAccount = "max_vaults_per_account"
        case maxBlockTransactions = "max_block_transactions"
        case maxBlockBytes = "max_block_bytes"
    }

    static let key: [UInt8] = Array("chain".utf8)
    static let recordVersion: UInt8 = 1

    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 16)
        w.u8(Self.recordVersion)
        w.u32(maxVaultsPerAccount)
        w.u32(maxBlockTransactions)
        w.u32(maxBlockBytes)
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(ProtocolError) -> Params {
        var r = ByteReader(bytes)
        guard try r.u8("params version") == recordVersion else {
            throw ProtocolError(.unknownVersion, "params record version")
        }
        let p = Params(maxVaultsPerAccount: try r.u32("max_vaults_per_account"),
                       maxBlockTransactions: try r.u32("max_block_transactions"),
                       maxBlockBytes: try r.u32("max_block_bytes"))
        try r.expectEnd()
        return p
    }
}

extension StateReader {
    /// Present from genesis on; a state without params was never initialised.
    public func params() -> Params {
        guard let bytes = get(.params, Params.key) else {
            fatalError("state has no chain params: the store was not initialised from a genesis")
        }
        return decodeStored(bytes, "params", Params.decode)
    }
}

extension StateOverlay {
    public func putParams(_ params: Params) { put(.params, Params.key, params.encoded()) }
}

extension Asset {
    static let recordVersion: UInt8 = 1

    static func key(_ id: AssetID) -> [UInt8] {
        [UInt8(truncatingIfNeeded: id >> 24), UInt8(truncatingIfNeeded: id >> 16),
         UInt8(truncatingIfNeeded: id >> 8), UInt8(truncatingIfNeeded: id)]
    }

    /// Stored encoding: version u8, symbol string8, decimals u8, then a presence byte and u32 for
    /// the haircut (ppm) and for the oracle market.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 32)
        w.u8(Self.recordVersion)
        w.shortString(symbol)
        w.u8(decimals)
        for v in [haircutPpm, oracleMarket] {
            if let v {
                w.u8(1)
                w.u32(v)
            } else {
                w.u8(0)
            }
        }
        return w.bytes
    }

    public static func decode(id: AssetID, _ bytes: [UInt8]) throws(ProtocolError) -> Asset {
        var r = ByteReader(bytes)
        guard try r.u8("asset version") == recordVersion else {
            throw ProtocolError(.unknownVersion, "asset record version")
        }
        let symbol = try r.shortString("symbol", maxLength: 16)
        let decimals = try r.u8("decimals")
        let haircut: UInt32? = try r.bool("has haircut") ? try r.u32("haircut") : nil
        let oracle: UInt32? = try r.bool("has oracle market") ? try r.u32("oracle market") : nil
        try r.expectEnd()
        return Asset(id: id, symbol: symbol, decimals: decimals, haircutPpm: haircut, oracleMarket: oracle)
    }
}

extension StateReader {
    public func asset(_ id: AssetID) -> Asset? {
        guard let bytes = get(.assets, Asset.key(id)) else { return nil }
        return decodeStored(bytes, "asset \(id)") { (b) throws(ProtocolError) in try Asset.decode(id: id, b) }
    }
}

extension StateOverlay {
    public func putAsset(_ asset: Asset) { put(.assets, Asset.key(asset.id), asset.encoded()) }
}
