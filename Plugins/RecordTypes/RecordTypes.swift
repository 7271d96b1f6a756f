import Foundation
import PackagePlugin

/// Generates SolventCore's record structs from the layouts in contracts-spec/*.md on every build
/// that finds a document changed (Sources/RecordGen/main.swift says which layouts and how). The
/// generator runs as a script of the toolchain's `swift`, not as a tool built by the package: a
/// build with `--sanitize=fuzzer` (tools/fuzz) would link libFuzzer's `main` into such a tool.
@main
struct RecordTypes: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let root = context.package.directoryURL
        let script = root.appending(path: "Sources/RecordGen/main.swift")
        let spec = root.appending(path: "contracts-spec")
        let documents = try FileManager.default.contentsOfDirectory(atPath: spec.path(percentEncoded: false))
            .filter { $0.hasSuffix(".md") }.sorted().map { spec.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "RecordTypes.swift")
        return [
            .buildCommand(
                displayName: "Generating the record types from the layouts in contracts-spec",
                executable: try context.tool(named: "swift").url,
                arguments: [script, output].map { $0.path(percentEncoded: false) } + documents.map { $0.path(percentEncoded: false) },
                inputFiles: [script] + documents,
                outputFiles: [output]
            )
        ]
    }
}
