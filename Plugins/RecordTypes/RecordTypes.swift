import Foundation
import PackagePlugin

/// Generates SolventCore's record structs from the layouts in contracts-spec/*.md on every build
/// that finds a document changed (Sources/RecordGen says which layouts and how).
@main
struct RecordTypes: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let spec = context.package.directoryURL.appending(path: "contracts-spec")
        let documents = try FileManager.default.contentsOfDirectory(atPath: spec.path(percentEncoded: false))
            .filter { $0.hasSuffix(".md") }.sorted().map { spec.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "RecordTypes.swift")
        return [
            .buildCommand(
                displayName: "Generating the record types from the layouts in contracts-spec",
                executable: try context.tool(named: "RecordGen").url,
                arguments: [output.path(percentEncoded: false)] + documents.map { $0.path(percentEncoded: false) },
                inputFiles: documents,
                outputFiles: [output]
            )
        ]
    }
}
