import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol
import SwitchboardTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real binary under a supervisor's eyes: one instance per state dir, exit 78 for
/// what a restart cannot fix, signals, sd_notify and the in-process restart.
@Suite("Daemon process", .timeLimit(.minutes(3)), .serialized)
struct DaemonProcessTests {
    @Test("a second gateway on the same state dir exits 78 naming the first one's pid")
    func secondInstanceExits78() async throws {
        try await withStateDir { stateDir in
            let environment = daemonEnvironment(stateDir: stateDir)
            let first = try ChildProcess(executable: ChildProcess.switchboardExecutable(), arguments: ["gateway", "run", "--port", "0"], environment: environment)
            defer { first.terminate() }
            _ = try await first.waitForLine(containing: "gateway listening")
            let (code, output) = try await runCLI(["gateway", "run", "--port", "0"], stateDir: stateDir)
            #expect(code == 78)
            #expect(output.contains("another gateway already uses this state dir: pid \(first.pid)"), "\(output)")
            // The first one is unharmed.
            #expect(InstanceLock.inspect(stateDir: stateDir)?.record.process.pid == first.pid)
        }
    }

    @Test("a port held by another process and an invalid config also exit 78, with the reason")
    func portTakenAndBadConfigExit78() async throws {
        try await withStateDir { stateDir in
            let port = TestGateway.fixedPort()
            try await withStateDir { otherDir in
                let holder = try ChildProcess(
                    executable: ChildProcess.switchboardExecutable(), arguments: ["gateway", "run", "--port", String(port)],
                    environment: daemonEnvironment(stateDir: otherDir)
                )
                defer { holder.terminate() }
                _ = try await holder.waitForLine(containing: "gateway listening")
                let (code, output) = try await runCLI(["gateway", "run", "--port", String(port)], stateDir: stateDir)
                #expect(code == 78)
                #expect(output.contains("port \(port) on 127.0.0.1 is already in use by pid \(holder.pid)"), "\(output)")
                // The reason is the only trouble told: no store "errors" from the start being called off.
                let errors = output.split(separator: "\n").filter { $0.contains(" error ") || $0.contains(" critical ") }
                #expect(errors.isEmpty, "red herrings in the failed start's log: \(errors)")
            }
            try Data(#"{ gateway: { port: "many" } }"#.utf8).write(to: URL(fileURLWithPath: stateDir + "/switchboard.json"))
            let (code, output) = try await runCLI(["gateway", "run"], stateDir: stateDir)
            #expect(code == 78)
            #expect(output.contains("gateway.port: expected an integer"), "\(output)")
        }
    }

    @Test("a lock left by a dead process, or by a pid now reused, is taken over")
    func staleLockIsTakenOver() async throws {
        try await withStateDir { stateDir in
            let gone = try ChildProcess(executable: "/bin/true", arguments: [], environment: [:])
            _ = try await gone.waitForExit()
            var stale = InstanceRecord(process: ProcessIdentity(pid: gone.pid, startTime: 1), startedAtMs: 1, configPath: "/old/config.json", version: "0.0.1")
            stale.port = 1
            try JSONEncoder().encode(stale).write(to: URL(fileURLWithPath: InstanceLock.path(stateDir: stateDir)))
            let process = try ChildProcess(
                executable: ChildProcess.switchboardExecutable(), arguments: ["gateway", "run", "--port", "0"], environment: daemonEnvironment(stateDir: stateDir)
            )
            defer { process.terminate() }
            let line = try await process.waitForLine(containing: "took over a stale gateway lock")
            #expect(line.contains("sb.lock.previous.pid=\(gone.pid)"))
            _ = try await process.waitForLine(containing: "gateway listening")
            #expect(InstanceLock.inspect(stateDir: stateDir)?.record.process.pid == process.pid)
        }
        // Pid reuse: the recorded pid is alive but started at another time, so it is another program.
        try await withStateDir { stateDir in
            let other = try ChildProcess(executable: "/bin/sleep", arguments: ["30"], environment: [:])
            defer { other.terminate() }
            let realStart = try #require(ProcessIdentity.startTime(of: other.pid))
            let record = InstanceRecord(process: ProcessIdentity(pid: other.pid, startTime: realStart + 1), startedAtMs: 1, configPath: "/x", version: "0")
            try JSONEncoder().encode(record).write(to: URL(fileURLWithPath: InstanceLock.path(stateDir: stateDir)))
            let lock = try InstanceLock.acquire(stateDir: stateDir, record: InstanceRecord(process: .current, startedAtMs: 2, configPath: "/y", version: "1"))
            defer { lock.release() }
            #expect(lock.tookOverFrom?.process.pid == other.pid)
            // While held, a second acquire fails and names this process.
            #expect(throws: InstanceLockError.self) {
                _ = try InstanceLock.acquire(stateDir: stateDir, record: InstanceRecord(process: .current, startedAtMs: 3, configPath: "/z", version: "1"))
            }
        }
    }

    @Test("SIGUSR1 restarts in-process: same pid, shutdown with restartExpectedMs, 1012, RELOADING then READY; SIGTERM exits 0")
    func sigusr1RestartsInProcess() async throws {
        try await withStateDir { stateDir in
            try await NotifySocket.with(in: stateDir) { notify in
                let process = try ChildProcess(
                    executable: ChildProcess.switchboardExecutable(), arguments: ["gateway", "run", "--port", "0"],
                    environment: daemonEnvironment(stateDir: stateDir, extra: ["NOTIFY_SOCKET": notify.path])
                )
                defer { process.terminate() }
                let ready = try await notify.next(containing: "READY=1")
                #expect(ready.contains("MAINPID=\(process.pid)"))
                let port = try #require(InstanceLock.inspect(stateDir: stateDir)?.record.port)
                let shutdown = ClosureBox()
                let closure = try await RawSocket.session(url: "ws://127.0.0.1:\(port)") { socket in
                    _ = try await socket.handshake(.test())
                    process.signal(SIGUSR1)
                    shutdown.shutdown = try await socket.receive { $0["event"] == "shutdown" }
                }
                #expect(shutdown.shutdown?["payload"]?["reason"] == "gateway restarting")
                #expect((shutdown.shutdown?["payload"]?["restartExpectedMs"]?.intValue ?? 0) > 0)
                #expect(closure.code == 1012)
                _ = try await notify.next(containing: "RELOADING=1")
                _ = try await notify.next(containing: "READY=1")
                let record = try #require(InstanceLock.inspect(stateDir: stateDir)?.record)
                #expect(record.generation == 2 && record.port == port)
                let status = try await withGatewayClient(.init(url: "ws://127.0.0.1:\(port)", reconnect: false)) { client in
                    try await client.waitUntilConnected()
                    return try await client.call(Status.self)
                }
                #expect(status.pid == Int(process.pid))
                process.signal(SIGTERM)
                _ = try await notify.next(containing: "STOPPING=1")
                #expect(try await process.waitForExit() == 0)
                #expect(InstanceLock.inspect(stateDir: stateDir) == nil)
            }
        }
    }

    @Test("SIGTERM during a streaming run: shutdown then 1012, exit 0, and the transcript keeps the partial answer")
    func sigtermDuringStreamingRun() async throws {
        try await FakeModelServer.with { model in
            try await withStateDir { stateDir in
                model.enqueue(.text((0..<100).map { "w\($0) " }, delayMs: 100))
                let config = modelConfig(model, extra: "gateway: { shutdownDrainMs: 300 },")
                try Data(config.utf8).write(to: URL(fileURLWithPath: stateDir + "/switchboard.json"))
                let process = try ChildProcess(
                    executable: ChildProcess.switchboardExecutable(), arguments: ["gateway", "run", "--port", "0"], environment: daemonEnvironment(stateDir: stateDir)
                )
                defer { process.terminate() }
                let port = try listeningPort(try await process.waitForLine(containing: "gateway listening"))
                let seen = ClosureBox()
                let closure = try await RawSocket.session(url: "ws://127.0.0.1:\(port)") { socket in
                    _ = try await socket.handshake(.test())
                    try await socket.send(json: RequestFrame(id: "r1", method: ChatSend.name, params: ChatSend.Params(sessionKey: "main", message: "tell me", idempotencyKey: "k1")))
                    _ = try await socket.receive { $0["event"] == "chat" && $0["payload"]?["state"] == "delta" }
                    process.signal(SIGTERM)
                    seen.shutdown = try await socket.receive { $0["event"] == "shutdown" }
                }
                #expect(seen.shutdown?["payload"]?["reason"] == "gateway stopping")
                #expect(closure.code == 1012)
                #expect(try await process.waitForExit() == 0)
                try await TestGateway.with(config: config, stateDir: stateDir) { gateway in
                    try await gateway.withClient { client in
                        let history = try await client.call(ChatHistory.self, .init(sessionKey: "main"))
                        #expect(history.messages.map(\.role) == ["user", "assistant"])
                        #expect(history.messages.first?.text == "tell me")
                        let partial = history.messages.last?.text ?? ""
                        #expect(partial.hasPrefix("w0 ") && partial.count < 100 * 3)
                    }
                }
            }
        }
    }

    @Test("a second SIGTERM while draining exits at once")
    func secondSignalForcesExit() async throws {
        try await FakeModelServer.with { model in
            try await withStateDir { stateDir in
                model.enqueue(.text((0..<600).map { "w\($0) " }, delayMs: 100))
                let config = modelConfig(model, extra: "gateway: { shutdownDrainMs: 120000 },")
                try Data(config.utf8).write(to: URL(fileURLWithPath: stateDir + "/switchboard.json"))
                let process = try ChildProcess(
                    executable: ChildProcess.switchboardExecutable(), arguments: ["gateway", "run", "--port", "0"], environment: daemonEnvironment(stateDir: stateDir)
                )
                defer { process.terminate() }
                let port = try listeningPort(try await process.waitForLine(containing: "gateway listening"))
                _ = try await RawSocket.session(url: "ws://127.0.0.1:\(port)") { socket in
                    _ = try await socket.handshake(.test())
                    try await socket.send(json: RequestFrame(id: "r1", method: ChatSend.name, params: ChatSend.Params(sessionKey: "main", message: "go", idempotencyKey: "k2")))
                    _ = try await socket.receive { $0["event"] == "chat" && $0["payload"]?["state"] == "delta" }
                    process.signal(SIGTERM)
                    _ = try await socket.receive { $0["event"] == "shutdown" }
                }
                // The run would hold the drain for two minutes; the second signal cuts it short.
                _ = try await process.waitForLine(containing: "waiting for agent runs before stopping")
                process.signal(SIGTERM)
                #expect(try await process.waitForExit(timeout: .seconds(10)) == 1)
                _ = try await process.waitForLine(containing: "second stop signal")
            }
        }
    }
}

/// The port in a "gateway listening … sb.port=N" log line.
func listeningPort(_ line: String) throws -> Int {
    let field = try #require(line.split(separator: " ").first { $0.hasPrefix("sb.port=") })
    return try #require(Int(field.dropFirst("sb.port=".count)))
}
