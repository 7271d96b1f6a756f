/// An enum whose name in the spec, the RPC and events is its Swift case name in snake_case
/// (`oracleAddSigner` is `oracle_add_signer`, `insuranceLog` is `insurance_log`), so the two are
/// written once. Cases the spec names otherwise say so in their type's `name`. A type keeps its
/// names in a table built once (`namesByRawValue`): `name` is read on hot paths (the store opens
/// an LMDB table by its name on every read), where deriving it each time would cost.
public protocol SnakeCaseNamed: CaseIterable, RawRepresentable where RawValue: FixedWidthInteger {}

extension SnakeCaseNamed {
    /// Every case's snake_case name, indexed by its raw value.
    public static func namesByRawValue() -> [String] {
        let top = allCases.map { Int($0.rawValue) }.max() ?? 0
        var names = [String](repeating: "", count: top + 1)
        for c in allCases { names[Int(c.rawValue)] = c.snakeCaseName }
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
