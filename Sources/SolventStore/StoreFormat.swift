import SolventCore

extension ChainStore {
    /// The store format a data directory was written in (`meta/format_version`, storage.md), or
    /// nil when it holds none; read on its own, so that a store this build refuses can still be
    /// told apart as older or newer.
    public static func storedFormatVersion(directory: String) throws -> UInt32? {
        guard exists(directory: directory) else { return nil }
        let env = try LMDBEnvironment(path: directory, tableNames: [Tables.meta], readOnly: true)
        guard let bytes = try env.read({ txn in txn.get(Tables.meta, MetaKey.formatVersion) }), bytes.count == 4 else { return nil }
        return BigEndianKey.readU32(bytes)
    }
}
