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

    public static let stateKey = StateKey(.params, Array("chain".utf8))
}

extension Params: SingletonRecord {
    public static let recordName = "params"

    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(maxVaultsPerAccount: try c.u32(\.maxVaultsPerAccount, "max_vaults_per_account"),
                  maxBlockTransactions: try c.u32(\.maxBlockTransactions, "max_block_transactions"),
                  maxBlockBytes: try c.u32(\.maxBlockBytes, "max_block_bytes"))
    }
}

extension StateReader {
    /// Present from genesis on; a state without params was never initialised.
    public func params() -> Params { genesisSingleton(Params.self, "chain params") }
}

extension Asset: NumberedRecord {
    static let table = StateTable.assets
    public static let recordName = "asset"

    /// Stored layout: symbol string8, decimals u8, then a presence byte and u32 for the haircut
    /// (ppm) and for the oracle market. The id is the table key.
    public init<Coder: FieldCoder>(coding c: inout Coder, key id: AssetID) throws(ProtocolError) where Coder.Record == Self {
        self.init(id: id, symbol: try c.shortString(\.symbol, "symbol", maxLength: 16), decimals: try c.u8(\.decimals, "decimals"),
                  haircutPpm: try c.optionalU32(\.haircutPpm, "haircut"), oracleMarket: try c.optionalU32(\.oracleMarket, "oracle market"))
    }

    public var layoutKey: AssetID { id }

    public static func decode(id: AssetID, _ bytes: [UInt8]) throws(ProtocolError) -> Asset { try decode(bytes, key: id) }
}

extension StateReader {
    public func asset(_ id: AssetID) -> Asset? { numbered(Asset.self, id) }
}

extension StateOverlay {
    public func putAsset(_ asset: Asset) { putNumbered(asset) }
}
