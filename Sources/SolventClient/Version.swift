/// The version both executables print with `--version` (`solvent --version`, `solventd --version`):
/// one constant, so the client and the node built from one checkout always say the same.
public enum SolventVersion {
    public static let current = "0.11.0"
}
