import SolventCrypto

/// A record that is one value after its version byte (version 1), such as the fee pool, the next
/// order id or the admin key (contracts-spec/state.md, "protocol" and "params").
struct VersionedValue<Value: RecordLayout>: StoredRecord where Value.Key == Void {
    static var recordName: String { "value" }
    static var recordVersion: UInt8 { 1 }

    let value: Value

    init(_ value: Value) { self.value = value }

    init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        value = try c.fields(\.value)
    }
}

extension VersionedValue: Equatable where Value: Equatable {}

// A bare value is a one-field layout: for single-value records and lists of ids and keys.

extension Bool: RecordLayout {
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Bool {
        self = try c.bool(\.self, "flag")
    }
}

extension UInt32: RecordLayout {
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == UInt32 {
        self = try c.u32(\.self, "u32")
    }
}

extension UInt64: RecordLayout {
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == UInt64 {
        self = try c.u64(\.self, "u64")
    }
}

extension UInt128: RecordLayout {
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == UInt128 {
        self = try c.u128(\.self, "u128")
    }
}

extension Bytes32: RecordLayout {
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Bytes32 {
        self = try c.bytes32(\.self, "key")
    }
}
