import SolventCore

// The chain's replies (contracts-spec/openapi.yaml, rpc.md): status, assets, accounts, blocks,
// transactions and their receipts, submissions. Amounts are decimal strings in whole units beside
// the asset symbol; hashes and keys are lowercase hex; addresses are bech32m.

extension ErrorBody {
    /// A protocol refusal as the RPC shows it: its stable code name and message.
    public init(_ error: ProtocolError) {
        self.init(code: error.code.name, message: error.message)
    }
}
