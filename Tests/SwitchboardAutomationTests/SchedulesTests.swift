import Foundation
import SwitchboardProtocol
import Testing

@testable import SwitchboardAutomation

/// OpenClaw's schedule kinds and Clara's scheduler.yaml, read unchanged.
struct SchedulesTests {
    @Test("every: runs fall on anchor + k × period, strictly after the time asked")
    func every() {
        let schedule = JobSchedule.every(everyMs: 60_000, anchorMs: 1_000_000)
        #expect(schedule.nextRun(afterMs: 0, jobId: "j") == 1_000_000)
        #expect(schedule.nextRun(afterMs: 1_000_000, jobId: "j") == 1_060_000)
        #expect(schedule.nextRun(afterMs: 1_059_999, jobId: "j") == 1_060_000)
        #expect(schedule.nextRun(afterMs: 1_060_000, jobId: "j") == 1_120_000)
        #expect(JobSchedule.every(everyMs: .max - 5, anchorMs: 10).nextRun(afterMs: .max - 1, jobId: "j") == nil, "no overflow")
    }

    @Test("at: once, and never again after it")
    func at() {
        #expect(JobSchedule.at(5000).nextRun(afterMs: 4999, jobId: "j") == 5000)
        #expect(JobSchedule.at(5000).nextRun(afterMs: 5000, jobId: "j") == nil)
    }

    @Test("cron stagger: a fixed offset per job, below staggerMs, the same every time")
    func stagger() throws {
        let cron = try CronExpression("0 * * * *")
        let zone = TimeZone(identifier: "UTC")!
        let schedule = JobSchedule.cron(cron, zone: zone, staggerMs: 60_000)
        let offset = JobSchedule.stagger(jobId: "backup", staggerMs: 60_000)
        #expect(offset >= 0 && offset < 60_000)
        #expect(offset == JobSchedule.stagger(jobId: "backup", staggerMs: 60_000))
        #expect(offset != JobSchedule.stagger(jobId: "report", staggerMs: 60_000))
        #expect(schedule.nextRun(afterMs: 0, jobId: "backup") == offset, "the epoch is on the hour")
        let first = try #require(schedule.nextRun(afterMs: 100_000, jobId: "backup"))
        #expect(first == 3_600_000 + offset)
        #expect(schedule.nextRun(afterMs: first, jobId: "backup") == 7_200_000 + offset)
        #expect(schedule.nextRun(afterMs: first - 1, jobId: "backup") == first)
    }

    @Test("times: ISO 8601 with Z, an offset or fractions; no offset is wall time in the zone; bad ones name the field")
    func times() throws {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        #expect(try JobSchedule.parseTime("2024-12-25T09:00:00Z", field: "at", zone: berlin) == 1_735_117_200_000)
        #expect(try JobSchedule.parseTime("2024-12-25T10:00:00+01:00", field: "at", zone: .current) == 1_735_117_200_000)
        #expect(try JobSchedule.parseTime("2024-12-25T09:00:00.250Z", field: "at", zone: .current) == 1_735_117_200_250)
        #expect(try JobSchedule.parseTime("2024-12-25T10:00:00", field: "at", zone: berlin) == 1_735_117_200_000)
        #expect(try JobSchedule.parseTime("1735117200000", field: "at", zone: berlin) == 1_735_117_200_000)
        #expect(throws: ScheduleError(field: "run_at", reason: "\"tomorrow\" is not a time; expected ISO 8601 like 2024-12-25T09:00:00Z")) {
            try JobSchedule.parseTime("tomorrow", field: "run_at", zone: berlin)
        }
        #expect(throws: ScheduleError.self) { try JobSchedule.zone("Mars/Olympus", field: "tz") }
    }

    /// The seed's own example (`../shared/seeds/004-clara-gateway.txt`), byte for byte.
    static var seedYAML: String {
        get throws {
            let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../fixtures/clara/scheduler.yaml").path
            return try String(contentsOfFile: path, encoding: .utf8)
        }
    }

    @Test("Clara's scheduler.yaml from the seed reads unchanged")
    func claraSeedFile() throws {
        let utc = TimeZone(identifier: "UTC")!
        let tasks = try ClaraSchedulerFile.parse(try Self.seedYAML, zone: utc)
        #expect(tasks.map(\.name) == ["cleanup-sessions", "daily-backup", "send-reminder"])
        #expect(tasks[0].kind == .interval(seconds: 3600, delaySeconds: nil))
        #expect(tasks[0].command == "poetry run python -m scripts.cleanup_sessions")
        #expect(tasks[0].timeoutSeconds == 300)
        #expect(tasks[1].kind == .cron(try CronExpression("0 3 * * *"), zone: utc))
        #expect(tasks[1].timeoutSeconds == 1800)
        #expect(tasks[2].kind == .oneShot(runAtMs: 1_735_117_200_000, delaySeconds: nil))
        #expect(tasks[2].command == "echo \"Merry Christmas!\"")
        #expect(tasks[2].timeoutSeconds == ClaraTaskDefinition.defaultTimeoutSeconds)
        #expect(tasks.allSatisfy { $0.enabled })
    }

    @Test("Clara's defaults and extras: type interval, delay, working_dir, enabled, description, unquoted timestamps")
    func claraExtras() throws {
        let tasks = try ClaraSchedulerFile.parse("""
            tasks:
              - name: startup-check
                type: one_shot
                delay: 30
                command: curl http://localhost:8000/health
              - name: defaults-to-interval
                interval: 90
                delay: 5
                command: date
                working_dir: /tmp
                enabled: false
                description: a clock
              - name: unquoted
                type: one_shot
                run_at: 2024-12-25T09:00:00Z
                command: "true"
              - name: in-berlin
                type: cron
                cron: "@daily"
                timezone: Europe/Berlin
                command: "true"
            """)
        #expect(tasks[0].kind == .oneShot(runAtMs: nil, delaySeconds: 30))
        #expect(tasks[1].kind == .interval(seconds: 90, delaySeconds: 5))
        #expect(tasks[1].workingDirectory == "/tmp")
        #expect(tasks[1].enabled == false)
        #expect(tasks[1].description == "a clock")
        #expect(tasks[2].kind == .oneShot(runAtMs: 1_735_117_200_000, delaySeconds: nil))
        #expect(tasks[3].kind == .cron(try CronExpression("@daily"), zone: TimeZone(identifier: "Europe/Berlin")!))
        #expect(try ClaraSchedulerFile.parse("").isEmpty)
        #expect(try ClaraSchedulerFile.parse("tasks:").isEmpty)
    }

    @Test("a bad scheduler.yaml is refused whole, naming the task and field")
    func claraErrors() {
        func reason(_ text: String) -> String {
            do {
                _ = try ClaraSchedulerFile.parse(text)
                return "accepted"
            } catch { return error.description }
        }
        #expect(reason("tasks:\n  - name: a\n    type: weekly\n    command: x") == "scheduler.yaml: tasks[0].type \"weekly\" is not a task type; expected interval, cron or one_shot")
        #expect(reason("tasks:\n  - name: a\n    command: x") == "scheduler.yaml: tasks[0].interval is required for an interval task (seconds)")
        #expect(reason("tasks:\n  - name: a\n    interval: soon\n    command: x").hasPrefix("scheduler.yaml: tasks[0].interval expected a number of seconds"))
        #expect(reason("tasks:\n  - name: a\n    interval: 0.5\n    command: x") == "scheduler.yaml: tasks[0].interval must be from 1 second to 315360000 seconds (ten years)")
        // Numbers too large to be meant are refused, not turned into a crash.
        #expect(reason("tasks:\n  - name: a\n    interval: 1e300\n    command: x").contains("tasks[0].interval must be from 1 second"))
        #expect(reason("tasks:\n  - name: a\n    interval: 5\n    timeout: 1e300\n    command: x").contains("tasks[0].timeout must be above 0 and at most 604800"))
        #expect(reason("tasks:\n  - name: a\n    type: one_shot\n    delay: 1e300\n    command: x").contains("tasks[0].delay must be from 0"))
        #expect(reason("tasks:\n  - name: a\n    type: cron\n    cron: \"0 25 * * *\"\n    command: x").contains("tasks[0].cron invalid cron expression \"0 25 * * *\": hour value 25"))
        #expect(reason("tasks:\n  - name: a\n    interval: 5\n    command: x\n  - name: a\n    interval: 5\n    command: y").contains("tasks[1].name \"a\" is used by an earlier task"))
        #expect(reason("tasks:\n  - name: a\n    interval: 5\n    comand: x").contains("tasks[0].comand is not a known field"))
        #expect(reason("tasks:\n  - interval: 5\n    command: x") == "scheduler.yaml: tasks[0].name is required")
        #expect(reason("tasks:\n  - name: a\n    interval: 5") .contains("tasks[0].command is required"))
        #expect(reason("tasks: 5").contains("tasks expected a list"))
        #expect(reason("tasks: [").hasPrefix("scheduler.yaml: not valid YAML"))
        #expect(reason("tasks:\n  - name: a\n    type: cron\n    cron: \"@daily\"\n    timezone: Mars/Base\n    command: x").contains("unknown time zone \"Mars/Base\""))
    }

    @Test("a job definition (cron.add) is refused with the field named; numbers too large to be meant are refused, not a crash")
    func definitionErrors() {
        func reason(_ definition: JSONValue) -> String {
            do {
                _ = try ScheduledJob(definition: definition, nowMs: 0)
                return "accepted"
            } catch { return error.description }
        }
        let payload: JSONValue = ["kind": "command", "command": "true"]
        #expect(reason(["name": "a", "payload": payload]) == "schedule: is required")
        #expect(reason(["name": "a", "schedule": ["kind": "weekly"], "payload": payload]) == "schedule.kind: expected at, every or cron, got \"weekly\"")
        #expect(reason(["name": "a", "schedule": ["kind": "every", "everyMs": 10], "payload": payload]).hasPrefix("schedule.everyMs: must be from 1000"))
        #expect(reason(["name": "a", "schedule": ["kind": "every", "everyMs": .int(Int.max)], "payload": payload]).hasPrefix("schedule.everyMs: must be from 1000"))
        #expect(reason(["name": "a", "schedule": ["kind": "cron", "expr": "0 3 * * *", "staggerMs": .int(Int.max)], "payload": payload]).hasPrefix("schedule.staggerMs"))
        #expect(reason(["name": "a", "schedule": ["kind": "cron", "expr": "0 3 * * *"], "payload": ["kind": "command", "command": "true", "timeoutSeconds": 1e300]]).hasPrefix("payload.timeoutSeconds: must be above 0 and at most 604800"))
        #expect(reason(["name": "a", "schedule": ["kind": "cron", "expr": "0 3 * * *"], "payload": ["kind": "agentTurn", "message": "hi", "timeoutSeconds": 1e300]]).hasPrefix("payload.timeoutSeconds: must be from 0 to 604800"))
        #expect(reason(["name": "a", "schedule": ["kind": "cron", "expr": "0 3 * * *"], "payload": payload, "colour": "red"]).hasPrefix("colour: is not a known field"))
        #expect(reason(["name": "a", "schedule": ["kind": "cron", "expr": "0 3 * * *"], "payload": payload, "missed": "later"]) == "missed: expected run-once or skip, got \"later\"")
        #expect(reason(["name": "a", "schedule": ["kind": "cron", "expr": "0 3 * * *", "tz": "Mars/Base"], "payload": payload]).contains("unknown time zone"))
        #expect(reason(["name": "a", "schedule": ["kind": "cron", "expr": "0 3 * * *"], "payload": payload]) == "accepted")
    }
}
