import Foundation

/// Finds which process listens on a TCP port (Linux `/proc`), so "port in use" can name it.
/// Only processes of the same user are visible; others are reported without a pid.
public enum PortHolder {
    public struct Holder: Sendable, Hashable, CustomStringConvertible {
        public var pid: Int32?
        public var command: String?

        public var description: String {
            guard let pid else { return "a process of another user" }
            return "pid \(pid)" + (command.map { " (\($0))" } ?? "")
        }
    }

    /// nil when nothing visible listens on `port`.
    public static func find(port: Int) -> Holder? {
        var inodes: Set<String> = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // /proc files report size 0: read to the end, not one page.
            guard let data = try? FileHandle(forReadingAtPath: table)?.readToEnd() else { continue }
            let text = String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 9, fields[3] == "0A" else { continue }
                guard let portHex = fields[1].split(separator: ":").last, Int(portHex, radix: 16) == port else { continue }
                inodes.insert(String(fields[9]))
            }
        }
        guard !inodes.isEmpty else { return nil }
        let targets = Set(inodes.map { "socket:[\($0)]" })
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry) else { continue }
            let fdDirectory = "/proc/\(entry)/fd"
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: fdDirectory) else { continue }
            for fd in fds {
                if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fdDirectory)/\(fd)"), targets.contains(link) {
                    return Holder(pid: pid, command: ProcessIdentity.commandName(of: pid))
                }
            }
        }
        return Holder(pid: nil, command: nil)
    }
}
