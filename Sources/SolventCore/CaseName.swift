/// An enum whose name in the spec, the RPC and events is its Swift case name in snake_case
/// (`oracleAddSigner` is `oracle_add_signer`, `insuranceLog` is `insurance_log`), so the two are
/// written once. Cases the spec names otherwise say so in their type's `name`.
public protocol SnakeCaseNamed {}

extension SnakeCaseNamed {
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
