/// A plain-text table for the CLI: every column as wide as its widest cell, two spaces between
/// columns, the last column not padded. Cells are counted in characters (the CLI prints ASCII,
/// plus the odd "−").
public struct TextTable: Sendable {
    public private(set) var rows: [[String]]
    /// Columns whose cells are right-aligned (numbers read better that way).
    public var rightAligned: Set<Int>

    public init(header: [String], rightAligned: Set<Int> = []) {
        rows = [header]
        self.rightAligned = rightAligned
    }

    public mutating func add(_ row: [String]) { rows.append(row) }

    public func render(gap: Int = 2) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            var line = ""
            for (c, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                let last = c == row.count - 1
                if rightAligned.contains(c) { line += pad + cell } else { line += last ? cell : cell + pad }
                if !last { line += String(repeating: " ", count: gap) }
            }
            while line.last == " " { line.removeLast() }   // an empty last cell leaves no trailing blanks
            return line
        }.joined(separator: "\n")
    }
}
