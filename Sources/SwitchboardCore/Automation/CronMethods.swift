import Foundation
import SwitchboardAutomation
import SwitchboardPluginAPI
import SwitchboardProtocol

/// `cron.list`, `.status`, `.add`, `.update`, `.remove`, `.run`, `.runs` (§5.8) on the scheduler.
struct CronMethods {
    let parts: GatewayRuntimeParts

    /// Jobs kept at most (each is a row and, when due, a run).
    static let maxJobs = 1000
    /// The largest job definition accepted, in bytes of JSON.
    static let maxDefinitionBytes = 64 * 1024

    func register(into registry: inout MethodRegistry) {
        let automation = parts.automation
        let store = automation.store
        let clock = parts.clock
        let bus = parts.bus
        registry.register(CronList.self) { params, context in
            let admin = context.principal.isAdmin
            var jobs = try await store.jobs()
            switch params.enabled ?? (params.includeDisabled == true ? "all" : "enabled") {
            case "disabled": jobs = jobs.filter { !$0.enabled }
            case "all": break
            default: jobs = jobs.filter(\.enabled)
            }
            if let query = params.query?.lowercased(), !query.isEmpty {
                jobs = jobs.filter { $0.name.lowercased().contains(query) || $0.id.lowercased().contains(query) }
            }
            let descending = params.sortDir == "desc"
            switch params.sortBy ?? "nextRunAtMs" {
            case "name": jobs.sort { ($0.name < $1.name) != descending }
            case "updatedAtMs": jobs.sort { ($0.updatedAtMs < $1.updatedAtMs) != descending }
            default: jobs.sort { ($0.nextRunAtMs ?? .max, $0.name) < ($1.nextRunAtMs ?? .max, $1.name) ? !descending : descending }
            }
            let offset = max(params.offset ?? 0, 0)
            let limit = min(max(params.limit ?? CronList.Params.maxLimit, 1), CronList.Params.maxLimit)
            let page = jobs.dropFirst(offset).prefix(limit).map { CronJobView.job($0, admin: admin) }
            return CronList.Result(jobs: Array(page), page: CronPage(total: jobs.count, offset: offset, limit: limit))
        }
        registry.register(CronStatus.self) { _, _ in
            let jobs = try await store.jobs()
            return CronStatus.Result(
                enabled: automation.enabled, storePath: automation.databasePath, jobs: jobs.count, running: jobs.filter { $0.runningRunId != nil }.count,
                nextWakeAtMs: automation.enabled ? try await store.nextDueAtMs() : nil)
        }
        registry.register(CronAdd.self) { params, _ in
            let now = clock.nowMs()
            let id = UUID().uuidString.lowercased()
            let (definition, next) = try Self.check(params.fields, method: "cron.add", nowMs: now, jobId: id, createdAtMs: now)
            guard try await store.jobs().count < Self.maxJobs else {
                throw GatewayError.invalidRequest("cron.add: at most \(Self.maxJobs) jobs; remove some first")
            }
            let job = StoredJob(
                id: id, name: definition.name, source: "api", definition: params.fields, enabled: definition.enabled,
                nextRunAtMs: definition.enabled ? next : nil, createdAtMs: now, updatedAtMs: now)
            try await store.save(job)
            automation.scheduler.jobsChanged()
            Self.announce(job, "added", bus: bus, nowMs: now)
            return CronJobView.job(job, admin: true)
        }
        registry.register(CronUpdate.self) { params, _ in
            let now = clock.nowMs()
            var job = try await Self.editable(params.id ?? params.jobId, method: "cron.update", store: store)
            guard var fields = job.definition.objectValue else { throw GatewayError.invalidRequest("cron.update: the stored job is not an object") }
            for (key, value) in params.patch {
                if case .object(let patch) = value, key == "payload", case .object(var payload) = fields[key], patch["kind"] == nil || patch["kind"] == payload["kind"] {
                    // A payload patch of the same kind changes only the fields it names.
                    for (name, field) in patch { payload[name] = field }
                    fields[key] = .object(payload)
                } else {
                    fields[key] = value == .null ? nil : value
                }
            }
            for key in ["id", "state", "createdAtMs", "updatedAtMs", "source"] { fields[key] = nil }
            let (definition, next) = try Self.check(.object(fields), method: "cron.update", nowMs: now, jobId: job.id, createdAtMs: job.createdAtMs)
            let scheduleChanged = params.patch["schedule"] != nil || params.patch["enabled"] != nil
            job.definition = .object(fields)
            job.name = definition.name
            job.enabled = definition.enabled
            if !definition.enabled {
                job.nextRunAtMs = nil
            } else if scheduleChanged || job.nextRunAtMs == nil {
                job.nextRunAtMs = next
            }
            job.updatedAtMs = now
            try await store.save(job)
            automation.scheduler.jobsChanged()
            Self.announce(job, "updated", bus: bus, nowMs: now)
            return CronJobView.job(job, admin: true)
        }
        registry.register(CronRemove.self) { params, _ in
            let job = try await Self.editable(params.resolved, method: "cron.remove", store: store)
            guard try await store.remove(id: job.id) else { throw GatewayError.invalidRequest("cron.remove: id not found") }
            automation.scheduler.jobsChanged()
            Self.announce(job, "removed", bus: bus, nowMs: clock.nowMs())
            return CronRemove.Result(removed: true)
        }
        registry.register(CronRun.self) { params, _ in
            guard let id = params.id ?? params.jobId else { throw GatewayError.invalidRequest("cron.run: missing id (or jobId)") }
            guard let job = try await store.job(id: id) else { throw GatewayError.invalidRequest("cron.run: id not found: \(id)") }
            guard automation.enabled else { throw GatewayError.invalidRequest("cron.run: the scheduler is off (automation.enabled is false)") }
            if job.runningRunId != nil { return CronRun.Result(ran: false, reason: "already-running") }
            if params.mode == "due", (job.nextRunAtMs ?? .max) > clock.nowMs() { return CronRun.Result(ran: false, reason: "not-due") }
            guard let run = try await automation.scheduler.runNow(jobId: id) else { return CronRun.Result(ran: false, reason: "already-running") }
            return CronRun.Result(ran: true, runId: run.runId)
        }
        registry.register(CronRuns.self) { params, context in
            let jobId = params.id ?? params.jobId
            if params.scope != "all" && jobId == nil { throw GatewayError.invalidRequest("cron.runs: missing id (or jobId), or scope: all") }
            let offset = max(params.offset ?? 0, 0)
            let limit = min(max(params.limit ?? 50, 1), CronRuns.Params.maxLimit)
            // One more than asked, to tell whether more follow; runs still going are not in the log yet.
            var runs = try await store.runs(jobId: params.scope == "all" ? nil : jobId, limit: limit + 1, offset: offset)
            let hasMore = runs.count > limit
            runs = Array(runs.prefix(limit)).filter { $0.status != .running }
            if let status = params.status, status != "all" { runs = runs.filter { $0.status.rawValue == status } }
            // A shell job's output is for admins (a removed job's too); an agent turn's answer is the
            // session's, readable anyway.
            let admin = context.principal.isAdmin
            let agentJobs = admin ? [] : Set(try await store.jobs().filter { !CronJobView.isCommand($0) }.map(\.id))
            let entries = runs.map { CronJobView.entry($0, showOutput: admin || agentJobs.contains($0.jobId)) }
            return CronRuns.Result(entries: entries, offset: offset, limit: limit, hasMore: hasMore)
        }
    }

    /// Checks a definition; returns it parsed with its first run. Refuses a one-shot in the past.
    /// `jobId` sets the job's stagger; `createdAtMs` anchors an `every` schedule without `anchorMs`,
    /// as the scheduler will anchor it.
    static func check(_ fields: JSONValue, method: String, nowMs: Int, jobId: String, createdAtMs: Int) throws -> (ScheduledJob, Int?) {
        guard fields.jsonData.count <= maxDefinitionBytes else { throw GatewayError.invalidRequest("\(method): the job is over \(maxDefinitionBytes) bytes") }
        let job: ScheduledJob
        do {
            job = try ScheduledJob(definition: fields, nowMs: Int64(createdAtMs))
        } catch {
            throw GatewayError.invalidRequest("\(method): \(error.description)")
        }
        // A one-shot may be due now; an `every` job first runs one period after it is added.
        var after = Int64(nowMs)
        if case .at = job.schedule { after -= 1 }
        let next = job.schedule.nextRun(afterMs: after, jobId: jobId).map { Int($0) }
        guard next != nil else {
            throw GatewayError.invalidRequest("\(method): schedule has no upcoming run time and would never fire")
        }
        return (job, next)
    }

    /// A job that `cron.update`/`cron.remove` may change: `scheduler.yaml` jobs are edited in the file.
    static func editable(_ id: String?, method: String, store: any JobStoring) async throws -> StoredJob {
        guard let id else { throw GatewayError.invalidRequest("\(method): missing id (or jobId)") }
        guard let job = try await store.job(id: id) else { throw GatewayError.invalidRequest("\(method): id not found: \(id)") }
        guard job.source == "api" else {
            throw GatewayError.invalidRequest("\(method): job \(id) comes from scheduler.yaml; edit the file (it is read at start)")
        }
        return job
    }

    static func announce(_ job: StoredJob, _ action: String, bus: EventBus, nowMs: Int) {
        var payload = CronEvent.Payload(jobId: job.id, action: action, ts: nowMs)
        payload.jobName = job.name
        payload.nextRunAtMs = job.nextRunAtMs
        bus.broadcast(CronEvent.self, payload)
    }
}
