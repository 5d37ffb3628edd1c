import Foundation
import Logging
import SwitchboardAutomation
import SwitchboardPluginAPI
import SwitchboardProtocol

/// Loads Clara's `scheduler.yaml` into the job store at start: each task is the job
/// `file:<name>` (source `file`). An unchanged task keeps its schedule and run state across
/// restarts; a changed one starts again from now; a task gone from the file is removed.
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
            await removeFileJobs(keeping: [])
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
            for task in tasks {
                let existing = try await store.job(id: task.jobId)
                if let existing, existing.definition["fileTask"] == task.fingerprint, !task.runsOncePerStart { continue }
                let (definition, first) = task.job(loadedAtMs: nowMs)
                try await store.save(
                    StoredJob(
                        id: task.jobId, name: task.name, source: "file", definition: definition, enabled: task.enabled, nextRunAtMs: first.map { Int($0) },
                        createdAtMs: existing?.createdAtMs ?? Int(nowMs), updatedAtMs: Int(nowMs)))
            }
            await removeFileJobs(keeping: Set(tasks.map(\.jobId)))
            logger.info("scheduler.yaml loaded", metadata: ["path": "\(path)", "tasks": "\(tasks.count)"])
            return .loaded(tasks.count)
        } catch {
            logger.error("could not store the tasks of scheduler.yaml", metadata: ["path": "\(path)", "error": "\(error)"])
            return .rejected("could not store its tasks: \(error)")
        }
    }

    private func removeFileJobs(keeping: Set<String>) async {
        guard let jobs = try? await store.jobs() else { return }
        for job in jobs where job.source == "file" && !keeping.contains(job.id) {
            _ = try? await store.remove(id: job.id)
        }
    }
}
