import Foundation
import Logging
import SwitchboardAutomation
import SwitchboardPluginAPI
import SwitchboardProtocol

/// Loads Clara tasks into the job store: `scheduler.yaml` at start (jobs `file:<name>`, source
/// `file`) and the config's `automation.jobs` at start and on every reload (jobs
/// `config:<name>`, source `config`). An unchanged task keeps its schedule and run state; a
/// changed one starts again from now; a task gone from its source is removed.
///
/// A file that does not parse changes nothing (its jobs keep running as they were) and is
/// reported in the log and `status`.
struct SchedulerFileSync: Sendable {
    let path: String
    let store: any JobStoring
    let zone: TimeZone
    let logger: Logger

    enum Outcome: Sendable, Equatable {
        case absent
        case loaded(Int)
        case rejected(String)
    }

    func sync(nowMs: Int64) async -> Outcome {
        guard let data = FileManager.default.contents(atPath: path) else {
            await Self.remove(source: "file", keeping: [], store: store)
            return .absent
        }
        let tasks: [ClaraTaskDefinition]
        do {
            tasks = try ClaraSchedulerFile.parse(String(decoding: data, as: UTF8.self), zone: zone)
        } catch {
            logger.error("scheduler.yaml rejected; its jobs stay as they were", metadata: ["path": "\(path)", "problem": "\(error.description)"])
            return .rejected(error.description)
        }
        do {
            try await Self.store(tasks, source: "file", nowMs: nowMs, store: store)
            logger.info("scheduler.yaml loaded", metadata: ["path": "\(path)", "tasks": "\(tasks.count)"])
            return .loaded(tasks.count)
        } catch is CancellationError {
            // The start was called off: the next start stores them.
            return .rejected("the start was called off")
        } catch {
            logger.error("could not store the tasks of scheduler.yaml", metadata: ["path": "\(path)", "error": "\(error)"])
            return .rejected("could not store its tasks: \(error)")
        }
    }

    /// Saves `tasks` as the jobs of `source` (id `<source>:<name>`) and removes the source's others.
    static func store(_ tasks: [ClaraTaskDefinition], source: String, nowMs: Int64, store: any JobStoring) async throws {
        for task in tasks {
            let id = task.jobId(prefix: source)
            let existing = try await store.job(id: id)
            if let existing, existing.definition["fileTask"] == task.fingerprint, !task.runsOncePerStart { continue }
            let (definition, first) = task.job(loadedAtMs: nowMs, jobId: id)
            try await store.save(
                StoredJob(
                    id: id, name: task.name, source: source, definition: definition, enabled: task.enabled, nextRunAtMs: first.map { Int($0) },
                    createdAtMs: existing?.createdAtMs ?? Int(nowMs), updatedAtMs: Int(nowMs)))
        }
        await remove(source: source, keeping: Set(tasks.map { $0.jobId(prefix: source) }), store: store)
    }

    static func remove(source: String, keeping: Set<String>, store: any JobStoring) async {
        guard let jobs = try? await store.jobs() else { return }
        for job in jobs where job.source == source && !keeping.contains(job.id) {
            _ = try? await store.remove(id: job.id)
        }
    }
}
