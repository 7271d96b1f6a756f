// swift-tools-version:6.2
import PackageDescription

// The transaction fuzzer, built with libFuzzer: `tools/fuzz` (see its header).
// A package of its own so that `--sanitize=fuzzer` instruments only the state machine and its
// crypto, not the node's HTTP stack, and the main package's build is untouched.
let package = Package(
    name: "solvent-fuzz",
    dependencies: [.package(name: "solvent", path: "..")],
    targets: [
        .executableTarget(
            name: "solvent-fuzz",
            dependencies: [.product(name: "SolventFuzzing", package: "solvent"), .product(name: "SolventCore", package: "solvent")]
        ),
    ]
)
