import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardProtocol

/// `switchboard gateway logs [-f]`: the JSON-lines log, shown readable (or raw with --json).
struct GatewayLogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Show the gateway's log; -f follows it (across rotations).")

    @OptionGroup var paths: PathOptions
    @Flag(name: .shortAndLong, help: "Keep printing new lines as they are written.") var follow = false
    @Option(name: [.customShort("n"), .long], help: "How many of the last lines to show first.") var lines: Int = 50
    @Flag(help: "Print the raw JSON lines.") var json = false

    func run() async throws {
        let resolved = paths.resolve()
        let file = InstanceLock.inspect(stateDir: resolved.stateDir)?.record.logFile ?? DaemonFiles.logFile(resolved)
        guard FileManager.default.fileExists(atPath: file) || follow else {
            throw fail("no log file at \(file) (has the gateway run with this state dir?)", code: ExitCodes.failure)
        }
        var cursor: Int?
        var first = true
        repeat {
            let window = try LogFileTail.read(path: file, cursor: cursor, limit: first ? max(lines, 1) : 5000, maxBytes: 1_000_000)
            for line in window.lines { print(json ? line : LogLineFormatter.human(line)) }
            if window.reset == true && !first { print("— log rotated —") }
            cursor = window.cursor
            first = false
            fflush(nil)
            if follow, window.truncated != true { try await Task.sleep(for: .milliseconds(250)) }
        } while follow
    }
}

/// Renders one JSON log line as `time level message key=value…`.
enum LogLineFormatter {
    static func human(_ line: String) -> String {
        guard let data = line.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return line }
        let time = (object["ts"] as? String) ?? ""
        let level = ((object["level"] as? String) ?? "").uppercased()
        let message = (object["msg"] as? String) ?? ""
        let skipped: Set = ["ts", "level", "msg", "label", "source"]
        let fields = object.keys.filter { !skipped.contains($0) }.sorted().map { "\($0)=\(object[$0].map { "\($0)" } ?? "")" }
        return ([time, level.padding(toLength: 7, withPad: " ", startingAt: 0), message] + fields).joined(separator: " ")
    }
}
