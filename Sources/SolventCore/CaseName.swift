/// An enum whose name in the spec, the RPC and events is its Swift case name in snake_case
/// (`oracleAddSigner` is `oracle_add_signer`, `insuranceLog` is `insurance_log`), so the two are
/// written once. Cases the spec names otherwise say so where their type builds its table. A type
/// keeps its names in a table built once (`names = namesByRawValue()`): `name` is read on hot
/// paths (the store opens an LMDB table by its name on every read), where deriving it each time
/// would cost.
public protocol SnakeCaseNamed: CaseIterable, RawRepresentable where RawValue: FixedWidthInteger {
    /// Every case's name, indexed by its raw value.
    static var names: [String] { get }
}

extension SnakeCaseNamed {
    public var name: String { Self.names[Int(rawValue)] }

    /// Every case's snake_case name (or the one `renamed` gives it), indexed by its raw value.
    public static func namesByRawValue(renamed: (Self) -> String? = { _ in nil }) -> [String] {
        let top = allCases.map { Int($0.rawValue) }.max() ?? 0
        var names = [String](repeating: "", count: top + 1)
        for c in allCases { names[Int(c.rawValue)] = renamed(c) ?? c.snakeCaseName }
        return names
    }

    /// The case name in snake_case: an underscore before each upper-case letter, which is lowered.
    /// The case name is the type's metadata (`String(describing:)`), the same in every process
    /// that runs this build.
    public var snakeCaseName: String {
        var out = ""
        for c in String(describing: self) {
            if c.isUppercase {
                out += "_" + c.lowercased()
            } else {
                out.append(c)
            }
        }
        return out
    }
}
