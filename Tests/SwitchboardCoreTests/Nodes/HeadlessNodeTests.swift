import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// `switchboard node run` as a real process: it connects as a node (paired silently on
/// loopback) and runs its shell commands when an operator invokes them.
@Suite(.timeLimit(.minutes(2)))
struct HeadlessNodeTests {
    @Test("a headless node serves its shell commands: output back, a failing command as the node's error")
    func headlessNode() async throws {
        try await TestGateway.with { gateway in
            try await gateway.withClient { operatorClient in
                let nodeDir = TestGateway.makeTemporaryDirectory()
                defer { try? FileManager.default.removeItem(atPath: nodeDir) }
                let process = try ChildProcess(
                    executable: ChildProcess.switchboardExecutable(),
                    arguments: [
                        "node", "run", "--url", gateway.url, "--name", "test-box", "--command", #"greet=echo "hello $SWITCHBOARD_NODE_PARAMS""#,
                        "--command", "boom=echo broken; exit 3",
                    ],
                    environment: daemonEnvironment(stateDir: nodeDir))
                defer { process.terminate() }
                _ = try await process.waitForLine(containing: "serving")
                // The node's connect shows in presence; then it is listed.
                var node: NodeSummary?
                while node == nil {
                    _ = try await operatorClient.event(named: "presence", timeout: .seconds(20))
                    node = try await operatorClient.call(NodeList.self).nodes.first { $0.displayName == "test-box" && $0.connected }
                }
                let nodeId = try unwrap(node?.nodeId)
                #expect(node?.commands == ["boom", "greet"])
                let greeted = try await operatorClient.call(
                    NodeInvoke.self, .init(nodeId: nodeId, command: "greet", params: ["who": "tester"], idempotencyKey: "greet-1"))
                #expect(greeted.payload?["output"]?.stringValue == "hello {\"who\":\"tester\"}\n", "\(String(describing: greeted.payload))")
                let failed = await ScriptedNode.invokeError(operatorClient, nodeId: nodeId, command: "boom")
                #expect(failed?.details?["code"] == "NODE_ERROR" && failed?.message.contains("exit status 3") == true, "\(String(describing: failed))")
                #expect(failed?.message.contains("broken") == true)
            }
        }
    }
}
