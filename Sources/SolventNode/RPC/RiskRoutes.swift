import Hummingbird
import SolventCore
import SolventCrypto
import SolventStore
import SolventWire

/// VaR and expected shortfall (contracts-spec/risk-measures.md, "Queries"): one vault's, and the
/// protocol's shortfall over every vault with a position.
struct RiskRoutes: Sendable {
    let node: Node

    func register(on router: Router<RPCContext>) {
        router.get("/v1/vaults/:address/:number/risk") { _, context in
            try vault(context.parameters.require("address"), context.parameters.require("number"))
        }
        router.get("/v1/risk/protocol") { _, _ in try protocolWide() }
    }

    func vault(_ addressText: String, _ numberText: String) throws -> Response {
        guard let owner = Address(text: addressText) else {
            throw RPCError.badRequest("invalid_address", "'\(addressText)' is not an address (sv1... bech32m or 64 hex characters)")
        }
        guard let number = UInt32(numberText) else { throw RPCError.badRequest("invalid_vault", "'\(numberText)' is not a vault number") }
        let id = VaultID(owner: owner, number: number)
        return try node.store.withState { state, head in
            guard state.vault(id) != nil else { throw RPCError.notFound("account \(owner) has no vault \(number)") }
            let reply = Result { () throws(ProtocolError) in try RiskReadModel.vault(id, state: state, head: head) }
            switch reply {
            case .success(let r): return .json(r)
            case .failure(let error): throw RPCError(error)
            }
        }
    }

    func protocolWide() throws -> Response {
        let budget = node.config.rpcLimits.shockBudget
        let deadline = ContinuousClock.now + budget
        return try node.store.withState { state, head in
            let (reply, valued, total) = RiskReadModel.protocolWide(state: state, head: head, proceed: { ContinuousClock.now < deadline })
            guard let reply else {
                throw RPCError(.serviceUnavailable, "risk_over_budget",
                               "valued \(valued) of \(total) vaults under \(state.priceHistory().sampleCount) samples in "
                                   + "\(budget.components.seconds) s, this node's budget: no answer")
            }
            return .json(reply)
        }
    }
}
