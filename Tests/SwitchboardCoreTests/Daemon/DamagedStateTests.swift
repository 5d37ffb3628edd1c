import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol
import SwitchboardStore
import SwitchboardTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Damaged state is named, not served: a database that cannot be opened stops the real
/// binary with 78 (no restart loop) and the way out; damaged pages are found at start and
/// reported as degraded; a full disk is said to the client and clears when space returns.
@Suite("Damaged state", .timeLimit(.minutes(3)), .serialized)
struct DamagedStateTests {
    @Test("a garbage or truncated database exits 78 naming the file and the next step")
    func unreadableDatabaseExits78() async throws {
        for content in [Data(repeating: 0x41, count: 8192), Data("SQLite format 3\u{0}".utf8) + Data(repeating: 0, count: 40)] {
            try await withStateDir { stateDir in
                let database = GatewayPaths(stateDir: stateDir).databasePath
                try content.write(to: URL(fileURLWithPath: database))
                let (code, output) = try await runCLI(["gateway", "run", "--port", "0"], stateDir: stateDir)
                #expect(code == 78, "\(output)")
                #expect(output.contains("cannot open the database \(database)"), "\(output)")
                #expect(output.contains("mv \(database) \(database).broken"), "\(output)")
                // The file is left as it was, for recovery.
                #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == content)
            }
        }
    }

    @Test("damaged pages are found at start: /ready and health say degraded instead of serving quietly")
    func damagedPagesAreReported() async throws {
        try await withStateDir { stateDir in
            let database = GatewayPaths(stateDir: stateDir).databasePath
            try await TestGateway.with(stateDir: stateDir) { gateway in
                try await gateway.withClient { client in
                    let text = String(repeating: "x", count: 3000)
                    for index in 0..<40 {
                        _ = try await client.call(ChatInject.self, .init(sessionKey: "main", message: "\(index) \(text)"))
                    }
                }
            }
            try GatewayDatabase(path: database).checkpoint()
            // Damage pages in the middle of the file.
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: database))
            let size = try handle.seekToEnd()
            #expect(size > 20 * 4096)
            try handle.seek(toOffset: 8 * 4096)
            handle.write(Data(repeating: 0xA5, count: 4 * 4096))
            try handle.close()
            try await TestGateway.with(stateDir: stateDir) { gateway in
                let ready = try await PlainHTTP.get(port: gateway.port, path: "/ready")
                #expect(ready.status == 503)
                #expect(ready.body.contains("\"degraded\"") && ready.body.contains("database damaged"), "\(ready.body)")
                let health = try await gateway.withClient { client in try await client.call(Health.self, .init()) }
                #expect(health.readiness?["status"] == "degraded")
                #expect(health.readiness?["problems"]?[0]?.stringValue?.contains(database) == true)
            }
        }
    }

    @Test("disk full: the client hears \"disk full\", /ready says degraded, and both recover when space returns")
    func diskFullIsNamedAndRecovers() async throws {
        let mountPoint = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: mountPoint) }
        let mount = try ChildProcess(executable: "/bin/mount", arguments: ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mountPoint], environment: [:])
        guard try await mount.waitForExit(timeout: .seconds(10)) == 0 else {
            Issue.record("this test needs root to mount a small tmpfs: \(await mount.remainingOutput())")
            return
        }
        let outcome: Result<Void, any Error>
        do {
            try await diskFull(stateDir: mountPoint)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        let umount = try ChildProcess(executable: "/bin/umount", arguments: ["-l", mountPoint], environment: [:])
        #expect(try await umount.waitForExit(timeout: .seconds(10)) == 0)
        try outcome.get()
    }

    private func diskFull(stateDir mountPoint: String) async throws {
        try await TestGateway.with(stateDir: mountPoint, overrides: ["logging.file": "/dev/null"]) { gateway in
            try await gateway.withClient { client in
                _ = try await client.call(ChatInject.self, .init(sessionKey: "main", message: "before the disk filled"))
                // Fill the disk.
                let filler = mountPoint + "/filler"
                _ = FileManager.default.createFile(atPath: filler, contents: nil)
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
                let block = Data(repeating: 0, count: 64 * 1024)
                while (try? handle.write(contentsOf: block)) != nil {}
                try? handle.close()
                let big = String(repeating: "y", count: 200_000)
                let refused = await #expect(throws: GatewayClientError.self) {
                    _ = try await client.call(ChatInject.self, .init(sessionKey: "main", message: big))
                }
                #expect(refused?.gatewayError?.message.hasPrefix("disk full:") == true, "\(String(describing: refused))")
                let degraded = try await PlainHTTP.get(port: gateway.port, path: "/ready")
                #expect(degraded.status == 503 && degraded.body.contains("disk full"), "\(degraded.body)")
                // Space returns: the next write succeeds and the gateway is ready again.
                try FileManager.default.removeItem(atPath: filler)
                _ = try await client.call(ChatInject.self, .init(sessionKey: "main", message: "after"))
                #expect(try await PlainHTTP.get(port: gateway.port, path: "/ready").status == 200)
                let history = try await client.call(ChatHistory.self, .init(sessionKey: "main"))
                #expect(history.messages.map(\.text) == ["before the disk filled", "after"])
            }
        }
    }
}

/// What start-up refuses, `config check` refuses too, and neither restart-loops.
@Suite("Bind addresses", .timeLimit(.minutes(2)), .serialized)
struct BindAddressTests {
    @Test("gateway.bind that is not loopback, lan or an IP fails config check; an address this machine lacks exits 78")
    func badBinds() async throws {
        try await withStateDir { stateDir in
            try Data(#"{ gateway: { bind: "tailnet" } }"#.utf8).write(to: URL(fileURLWithPath: stateDir + "/switchboard.json"))
            let check = try await runCLI(["config", "check"], stateDir: stateDir)
            #expect(check.code == 78)
            #expect(check.output.contains(#"gateway.bind: expected loopback, localhost, lan or an IP address of this machine"#), "\(check.output)")
            let run = try await runCLI(["gateway", "run", "--port", "0"], stateDir: stateDir)
            #expect(run.code == 78, "\(run.output)")
        }
        try await withStateDir { stateDir in
            // TEST-NET-1: no interface here has it.
            let run = try await runCLI(
                ["gateway", "run", "--port", "0", "--bind", "192.0.2.77"], stateDir: stateDir, extra: ["SWITCHBOARD_GATEWAY_TOKEN": "token-0123456789abcdef0123"]
            )
            #expect(run.code == 78, "\(run.output)")
            #expect(run.output.contains("cannot listen on 192.0.2.77: no network interface of this machine has that address"), "\(run.output)")
        }
    }
}
