import Foundation

/// One figure: Switchboard's value and, where one applies, the baseline's from the same run.
struct BenchRow: Encodable, Sendable {
    var scenario: String
    var label: String
    var metric: String
    var unit: String
    var value: Double?
    var baselineName: String?
    var baselineValue: Double?
    /// Switchboard ÷ baseline.
    var ratio: Double? {
        guard let value, let baselineValue, baselineValue != 0 else { return nil }
        return value / baselineValue
    }

    enum CodingKeys: String, CodingKey { case scenario, label, metric, unit, value, baselineName, baselineValue, ratio }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scenario, forKey: .scenario)
        try container.encode(label, forKey: .label)
        try container.encode(metric, forKey: .metric)
        try container.encode(unit, forKey: .unit)
        try container.encodeIfPresent(value, forKey: .value)
        try container.encodeIfPresent(baselineName, forKey: .baselineName)
        try container.encodeIfPresent(baselineValue, forKey: .baselineValue)
        try container.encodeIfPresent(ratio, forKey: .ratio)
    }
}

/// A goal from the benchmark issue, checked against the figures.
struct BenchGoal: Encodable, Sendable {
    var name: String
    var target: String
    var measured: String
    var met: Bool
}

/// Collects the figures of one invocation; prints them as they come and writes Markdown + JSON.
final class BenchReport: @unchecked Sendable {
    // Scenarios run one after another; the lock only guards against a stray concurrent add.
    private let lock = NSLock()
    private(set) var rows: [BenchRow] = []
    private(set) var goals: [BenchGoal] = []
    private(set) var notes: [String] = []
    let startedAt = Date()

    func add(_ scenario: String, _ label: String, _ metric: String, _ unit: String, _ value: Double?, baseline: (String, Double?)? = nil) {
        let row = BenchRow(
            scenario: scenario, label: label, metric: metric, unit: unit, value: value, baselineName: baseline?.0, baselineValue: baseline?.1
        )
        lock.withLock { rows.append(row) }
        print("  \(scenario) · \(label) · \(metric): \(Self.format(value)) \(unit)" + (row.ratio.map { String(format: "  (%.2f× %@)", $0, baseline!.0) } ?? ""))
        // Shows progress when the output is a file (a long soak), where stdout is block-buffered.
        fflush(nil)
    }

    func goal(_ name: String, target: String, measured: String, met: Bool) {
        lock.withLock { goals.append(BenchGoal(name: name, target: target, measured: measured, met: met)) }
        print("  goal \(met ? "met" : "NOT met"): \(name): \(measured) (target \(target))")
    }

    func note(_ text: String) {
        lock.withLock { notes.append(text) }
        print("  note: \(text)")
    }

    static func format(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        if value >= 1000 { return String(format: "%.0f", value) }
        if value >= 100 { return String(format: "%.1f", value) }
        if value >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.3f", value)
    }

    /// The Markdown the README quotes: a header with date and machine, one table, the goals.
    func markdown(machine: MachineInfo) -> String {
        var lines = [
            "Run \(ISO8601DateFormatter().string(from: startedAt)) on \(machine.summary).", "",
            "| scenario | case | metric | Switchboard | baseline | ÷ baseline |",
            "|---|---|---|---:|---:|---:|",
        ]
        for row in rows {
            let baseline = row.baselineName.map { "\(Self.format(row.baselineValue)) (\($0))" } ?? ""
            let ratio = row.ratio.map { String(format: "%.2f×", $0) } ?? ""
            lines.append("| \(row.scenario) | \(row.label) | \(row.metric) | \(Self.format(row.value)) \(row.unit) | \(baseline) | \(ratio) |")
        }
        if !goals.isEmpty {
            lines += ["", "| goal | target | measured | met |", "|---|---|---|---|"]
            lines += goals.map { "| \($0.name) | \($0.target) | \($0.measured) | \($0.met ? "yes" : "**no**") |" }
        }
        if !notes.isEmpty { lines += [""] + notes.map { "- \($0)" } }
        return lines.joined(separator: "\n") + "\n"
    }

    func write(markdownTo markdownPath: String, jsonTo jsonPath: String, machine: MachineInfo) throws {
        try markdown(machine: machine).write(toFile: markdownPath, atomically: true, encoding: .utf8)
        struct Document: Encodable {
            var startedAt: Date
            var machine: MachineInfo
            var rows: [BenchRow]
            var goals: [BenchGoal]
            var notes: [String]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(Document(startedAt: startedAt, machine: machine, rows: rows, goals: goals, notes: notes))
        try data.write(to: URL(fileURLWithPath: jsonPath))
    }
}

/// What the figures were measured on.
struct MachineInfo: Encodable, Sendable {
    var cores: Int
    var cpuModel: String
    var memoryGiB: Double
    var kernel: String

    static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":", maxSplits: 1).last?
            .trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        let kernel = ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return MachineInfo(
            cores: ProcessInfo.processInfo.activeProcessorCount, cpuModel: model,
            memoryGiB: (Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824 * 10).rounded() / 10, kernel: "Linux \(kernel)"
        )
    }

    var summary: String { "\(cores) cores (\(cpuModel)), \(memoryGiB) GiB, \(kernel)" }
}
