import ArgumentParser
import Foundation
import SwitchboardClient
import SwitchboardProtocol

/// `switchboard system event|heartbeat` (OpenClaw's `system` commands): queue a system event for
/// the main session's heartbeat, and see or pause heartbeats.
struct SystemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "system", abstract: "Queue system events and control heartbeats.", subcommands: [SystemEventCommand.self, SystemHeartbeatCommand.self])
}

struct SystemEventCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event", abstract: "Queue a system event for the main session's next heartbeat (wake).")

    @Option(help: "The event's text.") var text: String
    @Option(help: "now (run the heartbeat at once) or next-heartbeat.") var mode = "next-heartbeat"
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard mode == "now" || mode == "next-heartbeat" else { throw ValidationError("--mode: expected now or next-heartbeat, got \(mode)") }
    }

    func run() async throws {
        let params = Wake.Params(mode: mode, text: text)
        let result = try await client.withClient { client in try await client.call(Wake.self, params) }
        if client.json {
            print(GatewayJSON.string(result))
            return
        }
        let when = mode == "now" ? "a heartbeat runs now" : result.nextHeartbeatAtMs.map { "next heartbeat \(CronCommand.time($0))" } ?? "heartbeats are off: it waits for a wake with --mode now"
        print("queued (event \(result.eventId), \(result.queued) waiting); \(when)")
    }
}

struct SystemHeartbeatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeat", abstract: "last: the last heartbeat; enable / disable: resume or pause heartbeats (until the gateway restarts).")

    @Argument(help: "last, enable or disable.") var action: String
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard ["last", "enable", "disable"].contains(action) else { throw ValidationError("expected last, enable or disable, got \(action)") }
    }

    func run() async throws {
        let action = action
        if action == "last" {
            let last = try await client.withClient { client in try await client.call(LastHeartbeat.self, .init()) }
            if client.json {
                print(last.map { GatewayJSON.string($0) } ?? "null")
                return
            }
            guard let last else {
                print("no heartbeat yet")
                return
            }
            let reason = last.reason.map { " (\($0))" } ?? ""
            let target = last.channel.map { " → \($0) \(last.to ?? "")" } ?? ""
            print("\(CronCommand.time(last.ts))  \(last.status)\(reason)\(target)")
            if let preview = last.preview { print("    \(preview)") }
            return
        }
        let result = try await client.withClient { client in try await client.call(SetHeartbeats.self, .init(enabled: action == "enable")) }
        print(client.json ? GatewayJSON.string(result) : "heartbeats \(result.enabled ? "enabled" : "paused")")
    }
}
