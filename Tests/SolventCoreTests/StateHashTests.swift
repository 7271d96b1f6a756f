import Foundation
import PropertyBased
import SolventCore
import SolventCrypto
import Testing

@Suite struct StateHashTests {
    /// The genesis app hash of genesis/devnet.json as recomputed by
    /// contracts-spec/examples/state_hash.py, which follows state.md and state-hash.md only.
    static let devnetGenesisAppHash = "0d343bfcc28121ce7889522a0a8c75a2b4683fa3f84198724aa92d415c3fd04f"

    @Test func devnetGenesisMatchesIndependentImplementation() throws {
        let genesis = try JSONDecoder().decode(Genesis.self, from: Spec.data("genesis/devnet.json"))
        let (_, hash) = try StateMachine.initChain(genesis)
        #expect(hash.appHash.hex == Self.devnetGenesisAppHash)
    }

    struct Entry: Sendable { let table: StateTable; let key: [UInt8]; let value: [UInt8] }

    /// An entry derived from one random seed: a table, a key of 1-8 bytes, a value of 0-40 bytes.
    static func entry(_ seed: UInt64) -> Entry {
        let bytes = (0..<48).map { UInt8(truncatingIfNeeded: (seed &* 0x9E37_79B9_7F4A_7C15) >> UInt64($0 % 57)) }
        return Entry(table: StateTable.allCases[Int(seed % UInt64(StateTable.allCases.count))],
                     key: Array(bytes.prefix(1 + Int(seed >> 8 % 8) % 8)), value: Array(bytes.suffix(Int(seed >> 16) % 41)))
    }

    static let entries = Gen.uint64().array(of: 1...20)

    /// The hash depends on the set of entries, not on the order they were added in.
    @Test func orderIndependent() async {
        await propertyCheck(count: 50, input: Self.entries) { seeds in
            let entries = seeds.map(Self.entry)
            var forward = StateHash()
            for e in entries { forward.insert(e.table, e.key, e.value) }
            var backward = StateHash()
            for e in entries.reversed() { backward.insert(e.table, e.key, e.value) }
            #expect(forward == backward)
        }
    }

    @Test func removeUndoesInsert() async {
        await propertyCheck(count: 50, input: Self.entries) { seeds in
            let entries = seeds.map(Self.entry)
            var hash = StateHash()
            hash.insert(.accounts, [1, 2, 3], [9])
            let before = hash
            for e in entries { hash.insert(e.table, e.key, e.value) }
            for e in entries { hash.remove(e.table, e.key, e.value) }
            #expect(hash == before)
        }
    }

    @Test func everyPartOfAnEntryMatters() {
        func single(_ t: StateTable, _ k: [UInt8], _ v: [UInt8]) -> Bytes32 {
            var h = StateHash()
            h.insert(t, k, v)
            return h.appHash
        }
        let base = single(.accounts, [1], [2])
        #expect(single(.vaults, [1], [2]) != base)
        #expect(single(.accounts, [1, 0], [2]) != base)
        #expect(single(.accounts, [1], [2, 0]) != base)
        // The length prefixes keep (key, value) boundaries apart.
        #expect(single(.accounts, [1, 2], []) != single(.accounts, [1], [2]))
    }

    @Test func bytesRoundTrip() {
        var h = StateHash()
        h.insert(.params, Array("chain".utf8), [1, 2, 3])
        #expect(StateHash(bytes: h.bytes) == h)
        #expect(StateHash(bytes: [1, 2, 3]) == nil)
    }
}

@Suite struct MerkleRootTests {
    /// contracts-spec/vectors/merkle.json, computed by contracts-spec/examples/state_hash.py.
    @Test func matchesRFC6962Vectors() throws {
        let expected = try JSONDecoder().decode([String: String].self, from: Spec.data("contracts-spec/vectors/merkle.json"))
        let items = (0..<7).map { SHA256.hash(Array(String($0).utf8)) }
        #expect(expected.count == 7)
        for (n, root) in expected {
            #expect(MerkleRoot.of(Array(items.prefix(Int(n)!))).hex == root, "\(n) leaves")
        }
    }
}
