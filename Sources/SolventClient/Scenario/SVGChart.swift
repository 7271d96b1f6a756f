import Foundation

/// Plain SVG charts for scenario reports: lines or bars over the scenario's steps, with axes,
/// tick labels, a title and a legend. No dependencies; any browser opens them.
public enum SVGChart {
    public struct Series: Sendable {
        public let name: String
        public let values: [Double]
        public init(_ name: String, _ values: [Double]) {
            self.name = name
            self.values = values
        }
    }

    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"]
    static let width = 760.0, height = 380.0
    static let left = 80.0, right = 20.0, top = 62.0, bottom = 50.0

    /// "Nice" tick values covering [low, high].
    static func ticks(_ low: Double, _ high: Double, count: Int = 5, integers: Bool = false) -> [Double] {
        let span = max(high - low, 1e-9)
        let raw = span / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        var step = [1.0, 2.0, 2.5, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        if integers { step = max(1, step.rounded(.up)) }
        var t = floor(low / step) * step
        var out = [Double]()
        while t <= high + step * 0.001 {
            out.append(t)
            t += step
        }
        return out
    }

    static func label(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1_000_000 { return String(format: "%.1fM", v / 1_000_000) }
        if a >= 10_000 { return String(format: "%.0fk", v / 1_000) }
        if a >= 100 || v == v.rounded() { return String(format: "%.0f", v) }
        return String(format: "%.2f", v)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A chart of `series` against step 0 ... n−1; `bars` draws them as (grouped) bars.
    /// `integers` keeps the y ticks on whole numbers (counts).
    public static func render(title: String, xLabel: String, yLabel: String, series: [Series], bars: Bool = false, zeroBased: Bool = false,
                              integers: Bool = false) -> String {
        let n = series.map(\.values.count).max() ?? 0
        let all = series.flatMap(\.values).filter { $0.isFinite }
        var low = all.min() ?? 0, high = all.max() ?? 1
        if bars || zeroBased { low = min(low, 0) }
        if high <= low { high = low + 1 }
        let pad = (high - low) * 0.05
        if !(bars || zeroBased) { low -= pad }
        high += pad
        let yTicks = ticks(low, high, integers: integers)
        low = min(low, yTicks.first ?? low)
        high = max(high, yTicks.last ?? high)
        let plotW = width - left - right, plotH = height - top - bottom
        func x(_ i: Double) -> Double { left + (n <= 1 ? plotW / 2 : i / Double(n - 1) * plotW) }
        func y(_ v: Double) -> Double { top + plotH - (v - low) / (high - low) * plotH }

        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(width / 2)" y="22" text-anchor="middle" font-size="16" font-weight="bold">\(escape(title))</text>

        """
        for t in yTicks where t >= low && t <= high {
            svg += "<line x1=\"\(left)\" y1=\"\(y(t))\" x2=\"\(width - right)\" y2=\"\(y(t))\" stroke=\"#e5e5e5\"/>\n"
            svg += "<text x=\"\(left - 6)\" y=\"\(y(t) + 4)\" text-anchor=\"end\">\(label(t))</text>\n"
        }
        let xTicks = n <= 1 ? [0] : Array(Set(ticks(0, Double(n - 1), count: 8, integers: true).map { Int($0) })).filter { $0 >= 0 && $0 < n }.sorted()
        for t in xTicks {
            svg += "<text x=\"\(x(Double(t)))\" y=\"\(height - bottom + 18)\" text-anchor=\"middle\">\(t)</text>\n"
        }
        svg += "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(width - right)\" y2=\"\(top + plotH)\" stroke=\"black\"/>\n"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotH)\" stroke=\"black\"/>\n"
        svg += "<text x=\"\(left + plotW / 2)\" y=\"\(height - 10)\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        svg += "<text x=\"16\" y=\"\(top + plotH / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(top + plotH / 2))\">\(escape(yLabel))</text>\n"

        // The legend is one row between the title and the plot, so it never hides a line.
        var legendX = left
        for (k, s) in series.enumerated() {
            let color = colors[k % colors.count]
            if bars {
                // Bars centred on their step's tick, grouped when there are several series.
                let slot = plotW / Double(max(n - 1, 1))
                let w = max(1, min(slot * 0.8, 40) / Double(series.count))
                for (i, v) in s.values.enumerated() where v != 0 {
                    let x0 = x(Double(i)) - w * Double(series.count) / 2 + Double(k) * w
                    let y0 = y(max(v, 0)), y1 = y(min(v, 0))
                    svg += "<rect x=\"\(x0)\" y=\"\(y0)\" width=\"\(w)\" height=\"\(max(y1 - y0, 0.5))\" fill=\"\(color)\"/>\n"
                }
            } else {
                let points = s.values.enumerated().filter { $0.element.isFinite }.map { "\(x(Double($0.offset))),\(y($0.element))" }
                svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
            }
            svg += "<rect x=\"\(legendX)\" y=\"35\" width=\"12\" height=\"10\" fill=\"\(color)\"/>\n"
            svg += "<text x=\"\(legendX + 16)\" y=\"44\">\(escape(s.name))</text>\n"
            legendX += 36 + 6.6 * Double(s.name.count)
        }
        return svg + "</svg>\n"
    }
}
