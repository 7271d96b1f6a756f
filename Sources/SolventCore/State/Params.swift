/// Chain-wide parameters, set in genesis and kept in state (so later admin transactions can change
/// them through the same machinery as any other state).
/// The fields are generated from the record's layout (state.md, "params").
extension Params {
    /// The devnet's (genesis.md, "params").
    public static let standard = Params(maxVaultsPerAccount: 16, maxBlockTransactions: 20_000, maxBlockBytes: 8 << 20)
}

extension Params: SingletonRecord {
    public static let stateKey = StateKey(.params, Array("chain".utf8))
}

extension StateReader {
    /// Present from genesis on; a state without params was never initialised.
    public func params() -> Params { genesisSingleton(Params.self) }
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
