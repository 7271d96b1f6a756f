import Foundation
import SolventCore

/// A whole chain in one versioned file (contracts-spec/devnet.md, "Dump and load"): the genesis
/// and every block, so loading re-executes history and checks every app hash on the way.
///
///     magic "SOLVENTDUMP\n" (12 bytes) ‖ version u32be (1) ‖ genesis JSON length u32be ‖ genesis JSON
///     ‖ block count u64be ‖ per block: length u32be ‖ the block's encoding (blocks.md)
public enum ChainDump {
    public static let magic = Array("SOLVENTDUMP\n".utf8)
    public static let version: UInt32 = 1

    /// The dump of `store` up to its head (one read transaction: a consistent chain).
    public static func encode(_ store: ChainStore) throws -> [UInt8] {
        try store.environment.read { txn in
            let head = try ChainStore.readHead(txn)
            var out = magic
            func u32(_ v: UInt32) { out += BigEndianKey.u32(v) }
            u32(version)
            let genesis = try GenesisFile.encode(store.genesis)
            u32(UInt32(genesis.count))
            out += genesis
            out += BigEndianKey.u64(head.height)
            for h in stride(from: UInt64(1), through: head.height, by: 1) {
                guard let block = txn.get(Tables.blocks, Keys.height(h)) else { throw StoreError(.corrupt, "block \(h) is missing") }
                u32(UInt32(block.count))
                out += block
            }
            return out
        }
    }

    public struct Decoded {
        public let genesis: Genesis
        public let blocks: [Block]
    }

    public static func decode(_ bytes: [UInt8]) throws -> Decoded {
        var offset = 0
        func take(_ n: Int, _ what: String) throws -> ArraySlice<UInt8> {
            guard n >= 0, offset + n <= bytes.count else { throw StoreError(.invalidDump, "the dump is truncated in \(what)") }
            defer { offset += n }
            return bytes[offset..<offset + n]
        }
        func u32(_ what: String) throws -> UInt32 { BigEndianKey.readU32(Array(try take(4, what))) }
        guard Array(try take(magic.count, "the header")) == magic else { throw StoreError(.invalidDump, "not a Solvent chain dump") }
        let v = try u32("the version")
        guard v == version else { throw StoreError(.invalidDump, "dump version \(v); this build reads version \(version)") }
        let genesis = try GenesisFile.decode(Array(try take(Int(try u32("the genesis length")), "the genesis")))
        let count = BigEndianKey.readU64(Array(try take(8, "the block count")))
        var blocks = [Block]()
        for i in 0..<count {
            let block = try Block.decode(Array(try take(Int(try u32("block \(i + 1)'s length")), "block \(i + 1)")))
            guard block.header.height == i + 1 else { throw StoreError(.invalidDump, "block \(i + 1) of the dump says height \(block.header.height)") }
            blocks.append(block)
        }
        guard offset == bytes.count else { throw StoreError(.invalidDump, "the dump has \(bytes.count - offset) bytes after its last block") }
        return Decoded(genesis: genesis, blocks: blocks)
    }
}
