import Foundation
import SolventCore
import SolventCrypto
import SolventStore
import SolventTestSupport

/// Temporary data directories and a seeded transaction workload for the store tests.
enum StoreFixtures {
    static func temporaryDirectory(_ name: String = #function) -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("solvent-store-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        return dir.path
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// A store holding `genesis`'s state at height 0 (the state computed by the core, as the
    /// engine does; the store itself executes nothing).
    static func initialize(_ directory: String, _ genesis: Genesis = DevnetKeys.devnetGenesis(),
                           mapSize: Int = 64 << 30) throws -> ChainStore {
        let (changes, stateHash) = try StateMachine.initChain(genesis)
        return try ChainStore.initialize(directory: directory, genesis: genesis, changes: changes, stateHash: stateHash,
                                         mapSize: mapSize)
    }
}
