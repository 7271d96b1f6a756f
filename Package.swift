// swift-tools-version:6.2
import PackageDescription

// Solvent: a node for a simulated decentralized margin protocol.
//
// Layering (data flows one way; README, "Modules"): SolventCore (the state machine) and
// SolventStore (LMDB, stores only) <- SolventEngine (executes blocks, mempool, block production,
// the injectable clock) <- SolventNode (RPC, read models, metrics) <- solventd. SolventWire (the
// RPC's types) and SolventDevnet (the devnet's keys, genesis and controls) sit on the core only.
// The core depends on none of them, and nothing calls back up the chain.

let package = Package(
    name: "solvent",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "solventd", targets: ["solventd"]),
        .executable(name: "solvent", targets: ["solvent"]),
        .executable(name: "solvent-bench", targets: ["solvent-bench"]),
        .library(name: "SolventCore", targets: ["SolventCore"]),
        .library(name: "SolventClient", targets: ["SolventClient"]),
        .library(name: "SolventWire", targets: ["SolventWire"]),
        // The transaction fuzzer's target, for fuzz/ (libFuzzer) and the corpus replay test.
        .library(name: "SolventFuzzing", targets: ["SolventFuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // System libraries from Debian (libsodium-dev, liblmdb-dev): shims only, no vendored C.
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),

        // Ed25519, SHA-256, ChaCha20 expansion, argon2id + XChaCha20-Poly1305 keystore.
        .target(name: "SolventCrypto", dependencies: ["CSodium"]),

        // The deterministic state machine: no I/O, no clock, no floats, no hash-order iteration.
        // Its simple records are generated at build time from the byte layouts contracts-spec
        // declares (RecordGen, through the RecordTypes plugin).
        .target(name: "SolventCore", dependencies: ["SolventCrypto"], plugins: ["RecordTypes"]),
        .executableTarget(name: "RecordGen"),
        .plugin(name: "RecordTypes", capability: .buildTool()),

        // The devnet: its public keys and genesis, and its controls (the clock, snapshots, price
        // overrides) over any chain that offers them (contracts-spec/devnet.md).
        .target(name: "SolventDevnet", dependencies: ["SolventCore", "SolventCrypto"]),

        // The transaction fuzzer's target: bytes -> transactions, blocks and queries on a prepared
        // chain (fuzz/ builds it with libFuzzer; the corpus replays in SolventCoreTests).
        .target(name: "SolventFuzzing", dependencies: ["SolventCore", "SolventCrypto", "SolventDevnet"]),

        // The RPC's JSON: every request and reply type and their one coding, which the node
        // encodes and the client decodes. The types are generated at build time from the schemas
        // of contracts-spec/openapi.yaml (WireGen, through the WireTypes plugin); only the unions
        // JSON Schema writes as oneOf are written by hand.
        .target(name: "SolventWire", dependencies: ["SolventCore"], plugins: ["WireTypes"]),
        .executableTarget(name: "WireGen", dependencies: [.product(name: "Yams", package: "Yams")]),
        .plugin(name: "WireTypes", capability: .buildTool(), dependencies: ["WireGen"]),

        // LMDB environment, named tables, atomic commit of a prepared block: it stores, it does
        // not execute, and it holds no key.
        .target(name: "SolventStore", dependencies: ["SolventCore", "CLMDB"]),

        // The chain engine: executes blocks on the store's state (produce, apply, replay, load),
        // the mempool and its journal, block production by mode and the injectable clock.
        .target(name: "SolventEngine", dependencies: ["SolventCore", "SolventStore", "SolventCrypto"]),

        // RPC + WebSocket, read models (liquidation index, ADL rankings), metrics, devnet controls.
        .target(
            name: "SolventNode",
            dependencies: [
                "SolventCore", "SolventStore", "SolventEngine", "SolventCrypto", "SolventWire", "SolventDevnet",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),

        // The devnet's built-in oracle feeder and keeper as services of the node's group, talking
        // to the node in its own process (queries and admission, no HTTP) with the client's logic.
        .target(
            name: "SolventCompanions",
            dependencies: [
                "SolventNode", "SolventClient", "SolventCore", "SolventCrypto", "SolventWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // RPC client, keyring and transaction builder shared by the CLI, the bench and later bots.
        .target(
            name: "SolventClient",
            dependencies: [
                "SolventCore", "SolventCrypto", "SolventWire", "SolventDevnet",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                // The command-line conventions both executables share (CommandLine.swift).
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .executableTarget(
            name: "solventd",
            dependencies: [
                "SolventNode", "SolventCompanions", "SolventEngine", "SolventStore", "SolventCore", "SolventClient", "SolventWire", "SolventDevnet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "solvent",
            dependencies: [
                "SolventClient", "SolventCore", "SolventCrypto", "SolventWire", "SolventDevnet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "solvent-bench",
            dependencies: [
                "SolventClient", "SolventCore", "SolventCrypto", "SolventStore", "SolventEngine", "SolventWire", "SolventDevnet", "SolventNode",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Helpers shared by the test targets (seeded generator, running the built executables).
        .target(name: "SolventTestSupport", path: "Tests/SolventTestSupport"),

        .testTarget(
            name: "SolventCryptoTests",
            dependencies: ["SolventCrypto", "SolventTestSupport"]
        ),
        .testTarget(
            name: "SolventCoreTests",
            dependencies: [
                "SolventCore", "SolventCrypto", "SolventFuzzing", "SolventDevnet", "SolventTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "SolventStoreTests",
            dependencies: ["SolventStore", "SolventCore", "SolventCrypto", "SolventDevnet", "SolventTestSupport"]
        ),
        .testTarget(
            name: "SolventEngineTests",
            dependencies: ["SolventEngine", "SolventStore", "SolventCore", "SolventCrypto", "SolventDevnet", "SolventTestSupport"]
        ),
        .testTarget(
            name: "SolventNodeTests",
            dependencies: [
                "SolventNode", "SolventCompanions", "SolventEngine", "SolventStore", "SolventCore", "SolventClient", "SolventWire", "SolventDevnet", "SolventTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "WireGenTests", dependencies: ["WireGen", "RecordGen", .product(name: "Yams", package: "Yams")]),
        .testTarget(
            name: "SolventClientTests",
            dependencies: ["SolventClient", "SolventCore", "SolventCrypto", "SolventWire", "SolventDevnet", "SolventTestSupport"]
        ),
    ]
)
