import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// `BOOT.md` in the workspace runs once through the agent when the gateway starts.
struct BootFileTests {
    @Test("BOOT.md with content runs as a boot turn of the main session; status says ran. Without it: skipped (missing)")
    func bootRuns() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try FileManager.default.createDirectory(atPath: stateDir + "/workspace", withIntermediateDirectories: true)
        try Data("  Check the disk and say hello.\n".utf8).write(to: URL(fileURLWithPath: stateDir + "/workspace/BOOT.md"))
        try await FakeModelServer.with { model in
            // The reply waits until the test listens, so the turn's end cannot be missed.
            let listening = Gate()
            model.enqueue(.held(["NO_REPLY"], until: listening))
            try await TestGateway.with(config: modelConfig(model), stateDir: stateDir) { gateway in
                try await gateway.withClient { client in
                    listening.open()
                    while true {
                        let event = try await client.event(named: "chat", timeout: .seconds(30))
                        if event.payload?["sessionKey"] == "agent:main:main", event.payload?["state"] == "final" { break }
                    }
                    let prompt = model.requests.first?["messages"]?.arrayValue?.last?["content"]?.stringValue ?? ""
                    #expect(prompt.hasPrefix("You are running a boot check. Follow BOOT.md instructions exactly.\n\nBOOT.md:\nCheck the disk and say hello.\n"))
                    #expect(prompt.hasSuffix("If nothing needs attention, reply with ONLY: NO_REPLY."))
                    let status = try await client.call(Status.self, .init())
                    #expect(status.automation?["boot"] == "ran")
                }
            }
        }
        try FileManager.default.removeItem(atPath: stateDir + "/workspace/BOOT.md")
        try await TestGateway.with(stateDir: stateDir) { gateway in
            try await gateway.withClient { client in
                // Looked at before the gateway listens.
                let status = try await client.call(Status.self, .init())
                #expect(status.automation?["boot"] == "skipped (missing)")
            }
        }
    }
}
