import Foundation

/// Finds a companion program of the running one, as `solvent scenario run` finds `solventd`:
/// next to the running executable (its real path, then the path it was started by), else the first
/// on `PATH` (contracts-spec/devnet.md, "Scenarios").
public enum SiblingExecutable {
    /// The directories searched for `name`, in order, without duplicates.
    public static func searchDirectories(runningExecutable: String?, argv0: String, path: String?) -> [String] {
        var dirs = [String]()
        func add(_ dir: String) {
            let d = dir.isEmpty ? "." : dir
            if !dirs.contains(d) { dirs.append(d) }
        }
        if let runningExecutable { add(URL(fileURLWithPath: runningExecutable).deletingLastPathComponent().path) }
        if argv0.contains("/") { add(URL(fileURLWithPath: argv0).deletingLastPathComponent().path) }
        for entry in (path ?? "").split(separator: ":", omittingEmptySubsequences: false) { add(String(entry)) }
        return dirs
    }

    /// The first executable file called `name` in `directories`.
    public static func find(_ name: String, in directories: [String]) -> String? {
        directories.lazy.map { URL(fileURLWithPath: $0).appendingPathComponent(name).path }
            .first { FileManager.default.isExecutableFile(atPath: $0) && !isDirectory($0) }
    }

    /// `name` for this process: `explicit` if given (it must be executable), else next to the
    /// running executable, else on PATH; a `ClientError` saying where it looked when there is none.
    public static func locate(_ name: String, explicit: String? = nil) throws -> String {
        if let explicit {
            guard FileManager.default.isExecutableFile(atPath: explicit), !isDirectory(explicit) else {
                throw ClientError("\(name)_not_found", "\(explicit) is not an executable file")
            }
            return explicit
        }
        let running = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let dirs = searchDirectories(runningExecutable: running, argv0: CommandLine.arguments.first ?? "",
                                     path: ProcessInfo.processInfo.environment["PATH"])
        guard let found = find(name, in: dirs) else {
            throw ClientError("\(name)_not_found",
                "no \(name) next to this program (\(dirs.first ?? "?")) or on PATH; build it with `swift build --product \(name)` or pass --\(name) PATH")
        }
        return found
    }

    static func isDirectory(_ path: String) -> Bool {
        var dir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && dir.boolValue
    }
}
