import SolventCrypto

/// A record that is one value after its version byte (version 1), such as the fee pool, the next
/// order id or the admin key (contracts-spec/state.md, "protocol" and "params").
struct VersionedValue<Value: LayoutScalar>: StoredRecord, Equatable {
    static var recordName: String { "value" }

    let value: Value

    init(_ value: Value) { self.value = value }

    init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        value = try c.scalar(\.value, "value")
    }
}

// A list of keys (the oracle's signers) is a list of one-field layouts.
extension Bytes32: RecordLayout {
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Bytes32 {
        self = try c.bytes32(\.self, "key")
    }
}
