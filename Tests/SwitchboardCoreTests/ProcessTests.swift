import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `switchboard` binary: signals, exit codes, CLI output.
@Suite(.timeLimit(.minutes(2)), .serialized)
struct ProcessTests {
    let executable = ChildProcess.switchboardExecutable()

    func environment(stateDir: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["SWITCHBOARD_STATE_DIR"] = stateDir
        environment.removeValue(forKey: "SWITCHBOARD_GATEWAY_TOKEN")
        environment.removeValue(forKey: "SWITCHBOARD_CONFIG_PATH")
        return environment
    }

    func startGateway(stateDir: String, arguments: [String] = []) async throws -> (ChildProcess, Int) {
        let process = try ChildProcess(
            executable: executable, arguments: ["gateway", "--port", "0"] + arguments, environment: environment(stateDir: stateDir)
        )
        let line = try await process.waitForLine(containing: "gateway listening")
        guard let range = line.range(of: "sb.port="), let port = Int(line[range.upperBound...].prefix { $0.isNumber }) else {
            process.terminate()
            throw Missing(what: "port in \(line)")
        }
        return (process, port)
    }

    @Test func sigtermSendsShutdownClosesWith1012AndExitsZero() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let (process, port) = try await startGateway(stateDir: stateDir)
        defer { process.terminate() }
        let closure = ClosureBox()
        let close = try await RawSocket.session(url: "ws://127.0.0.1:\(port)") { socket in
            _ = try await socket.handshake(.test())
            process.signal(SIGTERM)
            closure.shutdown = try await socket.receive { $0["event"] == "shutdown" }
        }
        #expect(closure.shutdown?["payload"]?["reason"] == "gateway stopping")
        #expect(close.code == 1012 && close.reason == "service restart")
        #expect(try await process.waitForExit() == 0)
    }

    @Test func cliCommandsTalkToTheRunningGateway() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let (gateway, port) = try await startGateway(stateDir: stateDir)
        defer { gateway.terminate() }
        let url = "ws://127.0.0.1:\(port)"
        let health = try ChildProcess(executable: executable, arguments: ["health", "--url", url], environment: environment(stateDir: stateDir))
        let healthOutput = await health.remainingOutput()
        #expect(try await health.waitForExit() == 0)
        #expect(healthOutput.contains("status    ok") && healthOutput.contains("agents    main (default)"))

        let call = try ChildProcess(
            executable: executable, arguments: ["call", "status", "--json", "--url", url], environment: environment(stateDir: stateDir)
        )
        let callOutput = await call.remainingOutput()
        #expect(try await call.waitForExit() == 0)
        let status = try GatewayJSON.decoder.decode(JSONValue.self, from: Data(callOutput.utf8))
        #expect(status["port"]?.intValue == port && status["ok"] == true)

        let unknown = try ChildProcess(executable: executable, arguments: ["call", "nope", "--url", url], environment: environment(stateDir: stateDir))
        let unknownOutput = await unknown.remainingOutput()
        #expect(try await unknown.waitForExit() == 1)
        #expect(unknownOutput.contains("INVALID_REQUEST: unknown method: nope"))

        // The CLI keeps its device identity private, with the token the gateway issued.
        let identityPath = stateDir + "/identity/cli-device.json"
        let attributes = try FileManager.default.attributesOfItem(atPath: identityPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let identity = try GatewayJSON.decoder.decode(DeviceIdentityFile.self, from: try Data(contentsOf: URL(fileURLWithPath: identityPath)))
        #expect(identity.tokens["operator"] != nil)
    }

    @Test func unreachableGatewayIsExplained() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let port = TestGateway.fixedPort()
        let health = try ChildProcess(
            executable: executable, arguments: ["health", "--url", "ws://127.0.0.1:\(port)", "--timeout", "5"], environment: environment(stateDir: stateDir)
        )
        let output = await health.remainingOutput()
        #expect(try await health.waitForExit() == 69)
        #expect(output.contains("cannot reach the gateway") && output.contains("switchboard gateway"))
    }

    @Test func configErrorsExitWith78AndNameTheKey() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try Data(#"{ gateway: { port: "high" } }"#.utf8).write(to: URL(fileURLWithPath: stateDir + "/switchboard.json"))
        let bad = try ChildProcess(executable: executable, arguments: ["gateway"], environment: environment(stateDir: stateDir))
        let output = await bad.remainingOutput()
        #expect(try await bad.waitForExit() == 78)
        #expect(output.contains(#"gateway.port: expected an integer from 0 to 65535, got "high""#))
    }

    @Test func nonLoopbackBindWithoutAuthRefusesToStart() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let open = try ChildProcess(executable: executable, arguments: ["gateway", "--bind", "lan", "--port", "0"], environment: environment(stateDir: stateDir))
        let output = await open.remainingOutput()
        #expect(try await open.waitForExit() == 78)
        #expect(output.contains("refusing to bind \"lan\" without auth"))
    }

    @Test func aBusyPortExitsWith78() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try await TestGateway.with { gateway in
            let second = try ChildProcess(
                executable: executable, arguments: ["gateway", "--port", "\(gateway.port)"], environment: environment(stateDir: stateDir)
            )
            let output = await second.remainingOutput()
            #expect(try await second.waitForExit() == 78)
            #expect(output.contains("already in use"))
        }
    }
}
