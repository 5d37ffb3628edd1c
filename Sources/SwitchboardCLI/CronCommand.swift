import ArgumentParser
import Foundation
import SwitchboardClient
import SwitchboardProtocol

/// `switchboard cron list|add|remove|run|runs`: scheduled jobs, through the `cron.*` methods.
struct CronCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron", abstract: "List, add, remove and run scheduled jobs.",
        subcommands: [CronListCommand.self, CronAddCommand.self, CronRemoveCommand.self, CronRunCommand.self, CronRunsCommand.self]
    )

    static func time(_ ms: Int?) -> String {
        guard let ms else { return "-" }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = .current
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(ms) / 1000))
    }
}

struct CronListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List jobs: id, schedule, next run, last status.")

    @Flag(help: "Include disabled jobs.") var all = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let includeDisabled = all
        let result = try await client.withClient { client in try await client.call(CronList.self, .init(includeDisabled: includeDisabled)) }
        if client.json {
            print(GatewayJSON.string(result))
            return
        }
        guard !result.jobs.isEmpty else {
            print("No scheduled jobs. Add one: switchboard cron add --name backup --cron \"0 3 * * *\" --command ./backup.sh")
            return
        }
        for job in result.jobs {
            let schedule = job["schedule"]
            let when: String
            switch schedule?["kind"]?.stringValue {
            case "cron": when = "cron \(schedule?["expr"]?.stringValue ?? "?")\(schedule?["tz"]?.stringValue.map { " \($0)" } ?? "")"
            case "every": when = "every \((schedule?["everyMs"]?.intValue ?? 0) / 1000) s"
            default: when = "at \(schedule?["at"]?.stringValue ?? "?")"
            }
            let state = job["state"]
            let enabled = job["enabled"] == false ? "  (disabled)" : ""
            print("\(job["id"]?.stringValue ?? "?")  \(job["name"]?.stringValue ?? "")\(enabled)")
            print("    \(when); next \(CronCommand.time(state?["nextRunAtMs"]?.intValue)); last \(state?["lastStatus"]?.stringValue ?? "never")")
        }
    }
}

struct CronAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a job: one schedule (--cron, --every, --at) and one action (--command or --message).")

    @Option(help: "The job's name.") var name: String
    @Option(help: "A 5-field cron expression, e.g. \"0 3 * * *\".") var cron: String?
    @Option(help: "The cron expression's IANA time zone (default: the gateway's).") var tz: String?
    @Option(help: "Run every this many seconds.") var every: Int?
    @Option(help: "Run once at this ISO 8601 time.") var at: String?
    @Option(help: "A shell command to run.") var command: String?
    @Option(help: "Seconds before the command is stopped (default 300).") var commandTimeout: Double?
    @Option(help: "A message for an agent turn (in the job's own session).") var message: String?
    @Option(help: "What to do with runs missed while the gateway was down: run-once or skip.") var missed: String?
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard [cron != nil, every != nil, at != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give exactly one schedule: --cron, --every or --at")
        }
        guard (command != nil) != (message != nil) else { throw ValidationError("give exactly one action: --command or --message") }
    }

    func run() async throws {
        var schedule: [String: JSONValue]
        if let cron {
            schedule = ["kind": "cron", "expr": .string(cron)]
            if let tz { schedule["tz"] = .string(tz) }
        } else if let every {
            schedule = ["kind": "every", "everyMs": .int(every * 1000)]
        } else {
            schedule = ["kind": "at", "at": .string(at ?? "")]
        }
        var payload: [String: JSONValue]
        if let command {
            payload = ["kind": "command", "command": .string(command)]
            if let commandTimeout { payload["timeoutSeconds"] = .double(commandTimeout) }
        } else {
            payload = ["kind": "agentTurn", "message": .string(message ?? "")]
        }
        var fields: [String: JSONValue] = ["name": .string(name), "schedule": .object(schedule), "payload": .object(payload)]
        if let missed { fields["missed"] = .string(missed) }
        let input = CronJobInput(.object(fields))
        let job = try await client.withClient { client in try await client.call(CronAdd.self, input) }
        if client.json {
            print(GatewayJSON.string(job))
            return
        }
        print("Added \(job["id"]?.stringValue ?? "?"); next run \(CronCommand.time(job["state"]?["nextRunAtMs"]?.intValue)).")
    }
}

struct CronRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a job (its run log stays).")

    @Argument(help: "The job id.") var id: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let id = id
        _ = try await client.withClient { client in try await client.call(CronRemove.self, .init(id: id)) }
        print("Removed \(id).")
    }
}

struct CronRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a job now (--due: only if it is due).")

    @Argument(help: "The job id.") var id: String
    @Flag(help: "Run only if the job is due.") var due = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let (id, mode) = (id, due ? "due" : "force")
        let result = try await client.withClient { client in try await client.call(CronRun.self, .init(id: id, mode: mode)) }
        if client.json {
            print(GatewayJSON.string(result))
            return
        }
        print(result.ran ? "Started run \(result.runId ?? "?"); see: switchboard cron runs \(id)" : "Not run: \(result.reason ?? "unknown").")
    }
}

struct CronRunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "A job's run log, newest first.")

    @Argument(help: "The job id.") var id: String
    @Option(help: "Entries to show.") var limit = 20
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let (id, limit) = (id, limit)
        let result = try await client.withClient { client in try await client.call(CronRuns.self, .init(id: id, limit: limit)) }
        if client.json {
            print(GatewayJSON.string(result))
            return
        }
        guard !result.entries.isEmpty else {
            print("No finished runs of \(id).")
            return
        }
        for entry in result.entries {
            let status = entry["status"]?.stringValue ?? "?"
            let error = entry["error"]?.stringValue.map { ": \($0)" } ?? ""
            print("\(CronCommand.time(entry["runAtMs"]?.intValue))  \(status)  \(entry["durationMs"]?.intValue ?? 0) ms\(error)")
        }
    }
}
