import ArgumentParser
import Foundation
import SwitchboardClient
import SwitchboardProtocol

/// `switchboard health`: is the gateway up and well?
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "health", abstract: "Show the gateway's health summary.")

    @Flag(help: "Refresh the summary instead of using the cached one.") var probe = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let probe = probe
        let summary = try await client.withClient { client in
            try await client.call(Health.self, .init(probe: probe ? true : nil))
        }
        let degraded = !summary.ok || summary.readiness?["status"] == "degraded"
        if client.json {
            print(GatewayJSON.string(summary))
            if degraded { throw ExitCode(ExitCodes.failure) }
            return
        }
        let agents = summary.agents.map { $0.isDefault ? "\($0.agentId) (default)" : $0.agentId }.joined(separator: ", ")
        let channels = summary.channelOrder.isEmpty ? "none configured" : summary.channelOrder.joined(separator: ", ")
        print("status    \(degraded ? "degraded" : "ok")")
        for problem in summary.readiness?["problems"]?.arrayValue ?? [] { print("problem   \(problem.stringValue ?? "")") }
        for warning in summary.readiness?["warnings"]?.arrayValue ?? [] { print("warning   \(warning.stringValue ?? "")") }
        print("agents    \(agents.isEmpty ? "none" : agents)")
        print("channels  \(channels)")
        print("sessions  \(summary.sessions.count)")
        if degraded { throw ExitCode(ExitCodes.failure) }
    }
}

/// `switchboard status`: what is running where.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show gateway status: version, uptime, listener, clients.")

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let status = try await client.withClient { client in try await client.call(Status.self) }
        if client.json {
            print(GatewayJSON.string(status))
            return
        }
        let versions = status.protocolVersions
        print("Switchboard \(status.version) — running")
        print("  pid        \(status.pid)")
        print("  uptime     \(Self.duration(ms: status.uptimeMs))")
        print("  listening  \(status.bind):\(status.port) (auth: \(status.authMode))")
        if let tls = status.tls, tls.enabled {
            print("  tls        wss:// and https://; certificate SHA-256 \(tls.fingerprintSha256 ?? "?")")
            print("             remote clients pin it: --tls-fingerprint \(tls.fingerprintSha256 ?? "?")")
        }
        print("  protocol   v\(versions.first ?? 3)–v\(versions.last ?? 4)")
        print("  clients    \(status.connections.total) (\(status.connections.operators) operators, \(status.connections.nodes) nodes)")
        if let stateDir = status.stateDir { print("  state dir  \(stateDir)") }
        if let configPath = status.configPath { print("  config     \(configPath)") }
        if let automation = status.automation {
            let scheduler = automation["scheduler"]
            let jobs = scheduler?["jobs"]?.intValue.map { "\($0) jobs" } ?? "off"
            let failing = scheduler?["failing"]?.intValue.map { $0 > 0 ? ", \($0) failing" : "" } ?? ""
            let file = scheduler?["file"]?.stringValue.map { "; scheduler.yaml \($0)" } ?? ""
            print("  scheduler  \(scheduler?["enabled"] == false ? "off" : jobs)\(failing)\(file)")
            let hooks = automation["hooks"]
            print("  hooks      \(hooks?["count"]?.intValue ?? 0)\(hooks?["file"]?.stringValue.map { "; hooks.yaml \($0)" } ?? "")")
            if let boot = automation["boot"]?.stringValue { print("  BOOT.md    \(boot)") }
            if let heartbeat = automation["heartbeat"] {
                let every = heartbeat["paused"] == true ? "paused" : heartbeat["every"]?.stringValue ?? "off"
                let last = heartbeat["last"]?.stringValue.map { "; last \($0)" } ?? ""
                let waiting = heartbeat["queuedEvents"]?.intValue.map { $0 > 0 ? "; \($0) events waiting" : "" } ?? ""
                print("  heartbeat  \(every)\(last)\(waiting)")
            }
        }
    }

    static func duration(ms: Int) -> String {
        let seconds = ms / 1000
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m \(seconds % 60)s" }
        return "\(seconds / 3600)h \(seconds % 3600 / 60)m"
    }
}
