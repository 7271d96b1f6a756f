import Foundation
import SolventCore
import Testing

/// The names transaction kinds, state tables and insurance flows carry on the wire come from their
/// Swift case names (SnakeCaseNamed); each must be the name the spec gives its number.
@Suite struct CaseNameTests {
    /// The `| 19   | `oracle_set_config` | ...` rows of the table under `header`: number -> name.
    func specRows(_ file: String, table header: String) throws -> [Int: String] {
        let text = String(decoding: try Spec.data("contracts-spec/\(file)"), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix(header) }, "\(file) has a table \(header)")
        var rows: [Int: String] = [:]
        for line in lines[(start + 2)...] {
            guard line.hasPrefix("|") else { break }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, let number = Int(cells[0]), cells[1].hasPrefix("`"), cells[1].hasSuffix("`") else { continue }
            rows[number] = String(cells[1].dropFirst().dropLast())
        }
        return rows
    }

    @Test func transactionKindsAreNamedAsTransactionsMdNumbersThem() throws {
        let rows = try specRows("transactions.md", table: "| kind | name")
        #expect(rows.count == TxKind.allCases.count)
        for kind in TxKind.allCases {
            #expect(rows[Int(kind.rawValue)] == kind.name, "kind \(kind.rawValue)")
        }
    }

    @Test func stateTablesAreNamedAsStateMdNumbersThem() throws {
        let rows = try specRows("state.md", table: "| Table id |")
        for table in StateTable.allCases {
            #expect(rows[Int(table.rawValue)] == table.name, "table \(table.rawValue)")
        }
    }

    /// insurance-and-adl.md lists the flows as `1 liquidation_fee (in), 2 bounty_top_up ...`.
    @Test func insuranceFlowsAreNamedAsTheLogLayoutNumbersThem() throws {
        let text = String(decoding: try Spec.data("contracts-spec/insurance-and-adl.md"), as: UTF8.self)
        for raw in UInt8(1)...6 {
            let flow = try #require(InsuranceLogEntry.Flow(rawValue: raw))
            #expect(text.contains("\(raw) \(flow.name) ("), "flow \(raw) is \(flow.name)")
        }
        #expect(InsuranceLogEntry.Flow(rawValue: 7) == nil)
    }

    @Test func snakeCaseSplitsBeforeEachCapital() {
        #expect(TxKind.oracleRemoveSigner.snakeCaseName == "oracle_remove_signer")
        #expect(StateTable.protocolAccounts.snakeCaseName == "protocol_accounts")
        #expect(StateTable.protocolAccounts.name == "protocol")
    }
}
