import Foundation

/// A network namespace joined to this one by a veth pair, so a test can run a client on a
/// non-loopback address (`ip netns exec`). Needs root and iproute2; ``create()`` returns nil
/// (with the reason in ``unavailableReason``) where namespaces cannot be made.
public final class NetworkNamespace: Sendable {
    public let name: String
    /// This side's address (where a gateway listens) and the namespace's.
    public let hostAddress: String
    public let peerAddress: String
    let hostLink: String

    static let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) }

    private init(name: String, hostAddress: String, peerAddress: String, hostLink: String) {
        self.name = name
        self.hostAddress = hostAddress
        self.peerAddress = peerAddress
        self.hostLink = hostLink
    }

    /// Why namespaces cannot be made here, or nil when they can.
    public static var unavailableReason: String? {
        if getuid() != 0 { return "network namespaces need root (uid \(getuid()))" }
        if ip == nil { return "iproute2's ip is not installed" }
        return nil
    }

    /// A fresh namespace on its own /24 (10.77.N.0/24).
    public static func create() async throws -> NetworkNamespace? {
        guard unavailableReason == nil, let ip else { return nil }
        let tag = String(UUID().uuidString.lowercased().filter(\.isHexDigit).prefix(8))
        let subnet = Int.random(in: 1...250)
        let name = "sbt-\(tag)"
        let (hostLink, peerLink) = ("sbh\(tag)", "sbp\(tag)")
        let namespace = NetworkNamespace(name: name, hostAddress: "10.77.\(subnet).1", peerAddress: "10.77.\(subnet).2", hostLink: hostLink)
        let steps: [[String]] = [
            ["netns", "add", name],
            ["link", "add", hostLink, "type", "veth", "peer", "name", peerLink],
            ["link", "set", peerLink, "netns", name],
            ["addr", "add", "\(namespace.hostAddress)/24", "dev", hostLink],
            ["link", "set", hostLink, "up"],
            ["-n", name, "addr", "add", "\(namespace.peerAddress)/24", "dev", peerLink],
            ["-n", name, "link", "set", peerLink, "up"],
            ["-n", name, "link", "set", "lo", "up"],
        ]
        for step in steps {
            let process = try ChildProcess(executable: ip, arguments: step, environment: ProcessInfo.processInfo.environment)
            let code = try await process.waitForExit(timeout: .seconds(20))
            guard code == 0 else {
                let output = await process.remainingOutput()
                await namespace.remove()
                throw NamespaceFailure(step: step.joined(separator: " "), output: output)
            }
        }
        return namespace
    }

    /// Runs `executable` inside the namespace to completion; its exit code and output.
    public func run(_ executable: String, _ arguments: [String], environment: [String: String], timeout: Duration = .seconds(60)) async throws -> (
        code: Int32, output: String
    ) {
        guard let ip = Self.ip else { throw NamespaceFailure(step: "ip", output: "not installed") }
        let process = try ChildProcess(executable: ip, arguments: ["netns", "exec", name, executable] + arguments, environment: environment)
        defer { process.terminate() }
        let code = try await process.waitForExit(timeout: timeout)
        return (code, await process.remainingOutput())
    }

    /// Starts `executable` inside the namespace and leaves it running (a node, a server); the
    /// caller terminates it.
    public func spawn(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> ChildProcess {
        guard let ip = Self.ip else { throw NamespaceFailure(step: "ip", output: "not installed") }
        return try ChildProcess(executable: ip, arguments: ["netns", "exec", name, executable] + arguments, environment: environment)
    }

    /// Deletes the namespace (and so both ends of the veth pair).
    public func remove() async {
        guard let ip = Self.ip else { return }
        for step in [["netns", "delete", name], ["link", "delete", hostLink]] {
            if let process = try? ChildProcess(executable: ip, arguments: step, environment: ProcessInfo.processInfo.environment) {
                _ = try? await process.waitForExit(timeout: .seconds(20))
            }
        }
    }

    public struct NamespaceFailure: Error, CustomStringConvertible {
        public var step: String
        public var output: String
        public var description: String { "ip \(step) failed: \(output)" }
    }
}
