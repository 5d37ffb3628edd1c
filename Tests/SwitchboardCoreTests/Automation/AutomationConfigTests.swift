import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Hooks and jobs in the config file (`automation.hooks`, `automation.jobs`): used at start,
/// changed through `config.patch` without a restart, and refused with the entry and field named.
@Suite(.timeLimit(.minutes(2)))
struct AutomationConfigTests {
    @Test("config hooks run at start; config.patch adds a job and a hook hot: the job runs and fires the new hook; bad entries are refused by path")
    func hotReload() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let started = try HooksLiveTests.FIFO(stateDir + "/started.fifo")
        let ran = try HooksLiveTests.FIFO(stateDir + "/ran.fifo")
        let hooked = try HooksLiveTests.FIFO(stateDir + "/hooked.fifo")
        let config = """
            { automation: { hooks: [ { name: "up", event: "gateway:startup", command: "echo up > \(started.path)", timeout: 5 } ] } }
            """
        try await TestGateway.with(config: config, stateDir: stateDir) { gateway in
            #expect(try await started.readLine() == "up\n")
            try await gateway.withClient { client in
                let base = try await client.call(ConfigGet.self)
                let bad = #"{ automation: { jobs: [ { name: "broken", type: "interval", interval: 60 } ] } }"#
                await #expect { _ = try await client.call(ConfigPatch.self, .init(raw: bad, baseHash: base.hash)) } throws: { error in
                    "\(error)".contains("automation.jobs[0].command")
                }
                let patch = """
                    { automation: {
                        jobs: [ { name: "once", type: "one_shot", command: "echo ran > \(ran.path)", timeout: 5 } ],
                        hooks: [ { name: "up", event: "gateway:startup", command: "true" },
                                 { name: "after-task", event: "scheduler:task_run", command: "echo $CLARA_TASK_NAME > \(hooked.path)", timeout: 5 } ] } }
                    """
                let patched = try await client.call(ConfigPatch.self, .init(raw: patch, baseHash: base.hash))
                #expect(patched.applied == .hot && Set(patched.changed) == ["automation.jobs", "automation.hooks"])
                #expect(try await ran.readLine() == "ran\n")
                #expect(try await hooked.readLine() == "once\n")
                let jobs = try await client.call(CronList.self, .init(includeDisabled: true))
                #expect(jobs.jobs.contains { $0["id"] == "config:once" })
                let hooks = try await client.call(HooksList.self, .init())
                #expect(hooks.hooks.map(\.name).sorted() == ["after-task", "up"])
            }
        }
    }
}
