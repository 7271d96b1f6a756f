import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventStore
import SolventTestSupport

/// Temporary data directories and stores at genesis for the store tests.
enum StoreFixtures {
    static func temporaryDirectory() -> String { TemporaryDirectory.path("solvent-store-tests") }

    static func remove(_ path: String) { TemporaryDirectory.remove(path) }

    /// A store holding `genesis`'s state at height 0 (the state computed by the core, as the
    /// engine does; the store itself executes nothing).
    static func initialize(_ directory: String, _ genesis: Genesis = DevnetKeys.devnetGenesis(),
                           mapSize: Int = 64 << 30) throws -> ChainStore {
        let (changes, stateHash) = try StateMachine.initChain(genesis)
        return try ChainStore.initialize(directory: directory, genesis: genesis, changes: changes, stateHash: stateHash,
                                         mapSize: mapSize)
    }
}
