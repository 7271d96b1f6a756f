import Foundation
import PackagePlugin

/// Generates SolventWire's request and reply types from contracts-spec/openapi.yaml on every
/// build that finds the document changed (Sources/WireGen says how a schema becomes a type).
@main
struct WireTypes: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let document = context.package.directoryURL.appending(path: "contracts-spec/openapi.yaml")
        let output = context.pluginWorkDirectoryURL.appending(path: "WireTypes.swift")
        return [
            .buildCommand(
                displayName: "Generating the wire types from contracts-spec/openapi.yaml",
                executable: try context.tool(named: "WireGen").url,
                arguments: [document.path(percentEncoded: false), output.path(percentEncoded: false)],
                inputFiles: [document],
                outputFiles: [output]
            )
        ]
    }
}
