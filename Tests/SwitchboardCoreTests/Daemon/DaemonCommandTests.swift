import Foundation
import SwitchboardCore
import SwitchboardTesting
import Testing

/// The operator's commands, run as a user would: start, status, logs, restart, stop,
/// install --print, doctor and config check.
@Suite("Daemon commands", .timeLimit(.minutes(3)), .serialized)
struct DaemonCommandTests {
    @Test("start returns once ready; status, logs and restart report it; stop ends it; status then exits 3")
    func startStatusLogsRestartStop() async throws {
        try await withStateDir { stateDir in
            let start = try await runCLI(["gateway", "start", "--port", "0"], stateDir: stateDir)
            #expect(start.code == 0, "\(start.output)")
            let record = try #require(InstanceLock.inspect(stateDir: stateDir)?.record)
            #expect(start.output.contains("gateway started: pid \(record.process.pid), listening on 127.0.0.1:\(record.port ?? -1)"))

            let again = try await runCLI(["gateway", "start"], stateDir: stateDir)
            #expect(again.code == 0 && again.output.contains("already running: pid \(record.process.pid)"))

            let status = try await runCLI(["gateway", "status"], stateDir: stateDir)
            #expect(status.code == 0, "\(status.output)")
            #expect(status.output.contains("pid         \(record.process.pid)") && status.output.contains("health      ok"))

            let logs = try await runCLI(["gateway", "logs", "-n", "200"], stateDir: stateDir)
            #expect(logs.code == 0 && logs.output.contains("NOTICE  gateway listening"), "\(logs.output)")

            let restart = try await runCLI(["gateway", "restart"], stateDir: stateDir)
            #expect(restart.code == 0 && restart.output.contains("restarted in-process: pid \(record.process.pid), generation 2"), "\(restart.output)")

            let stop = try await runCLI(["gateway", "stop"], stateDir: stateDir)
            #expect(stop.code == 0 && stop.output.contains("gateway stopped: pid \(record.process.pid)"), "\(stop.output)")
            #expect(!record.process.isAlive)

            let stopped = try await runCLI(["gateway", "status"], stateDir: stateDir)
            #expect(stopped.code == 3 && stopped.output.contains("not running"))
        }
    }

    @Test("start with an invalid config fails at once with the key and exit 78")
    func startWithInvalidConfig() async throws {
        try await withStateDir { stateDir in
            try Data(#"{ logging: { level: "loud" } }"#.utf8).write(to: URL(fileURLWithPath: stateDir + "/switchboard.json"))
            let start = try await runCLI(["gateway", "start"], stateDir: stateDir)
            #expect(start.code == 78)
            #expect(start.output.contains("exited with code 78 before it was ready") && start.output.contains("logging.level: expected one of"), "\(start.output)")
        }
    }

    @Test("install --print shows a notify unit that will not restart-loop and keeps secrets out; install/uninstall write and remove it")
    func installUnit() async throws {
        try await withStateDir { stateDir in
            let printed = try await runCLI(["gateway", "install", "--print", "--platform", "systemd"], stateDir: stateDir, extra: ["SWITCHBOARD_GATEWAY_TOKEN": "tok-secret-123"])
            #expect(printed.code == 0)
            for line in ["Type=notify", "Restart=on-failure", "RestartPreventExitStatus=78", "ExecReload=/bin/kill -USR1 $MAINPID", "EnvironmentFile=-\(stateDir)/gateway.env"] {
                #expect(printed.output.contains(line), "missing \(line)")
            }
            #expect(printed.output.contains("gateway run --state-dir \(stateDir)"))
            #expect(!printed.output.contains("tok-secret-123"))

            let launchd = try await runCLI(["gateway", "install", "--print", "--platform", "launchd"], stateDir: stateDir)
            #expect(launchd.output.contains("<key>SuccessfulExit</key>") && launchd.output.contains("<string>--env-file</string>"))

            // Run flags given to install are kept in the service, secrets are not.
            let flagged = try await runCLI(
                ["gateway", "install", "--print", "--platform", "systemd", "--port", "19999", "--bind", "lan", "--token", "flag-secret-456"], stateDir: stateDir)
            #expect(flagged.output.contains("--config \(stateDir)/switchboard.json --port 19999 --bind lan"), "\(flagged.output)")
            #expect(!flagged.output.contains("flag-secret-456") && flagged.output.contains("not written into the service"), "\(flagged.output)")
            let flaggedLaunchd = try await runCLI(["gateway", "install", "--print", "--platform", "launchd", "--port", "19999"], stateDir: stateDir)
            #expect(flaggedLaunchd.output.contains("<string>--port</string>\n    <string>19999</string>") || flaggedLaunchd.output.contains("<string>19999</string>"), "\(flaggedLaunchd.output)")

            let home = stateDir + "/home"
            let environment = ["HOME": home, "XDG_CONFIG_HOME": home + "/.config"]
            let installed = try await runCLI(["gateway", "install", "--no-enable", "--platform", "systemd"], stateDir: stateDir, extra: environment)
            #expect(installed.code == 0, "\(installed.output)")
            let unitPath = home + "/.config/systemd/user/switchboard.service"
            #expect(try String(contentsOfFile: unitPath, encoding: .utf8).contains("Type=notify"))
            let envMode = try FileManager.default.attributesOfItem(atPath: stateDir + "/gateway.env")[.posixPermissions] as? Int
            #expect(envMode == 0o600)
            let removed = try await runCLI(["gateway", "uninstall", "--platform", "systemd"], stateDir: stateDir, extra: environment)
            #expect(removed.code == 0 && !FileManager.default.fileExists(atPath: unitPath))
        }
    }

    @Test("config check names the bad key (exit 78) and accepts a good file")
    func configCheck() async throws {
        try await withStateDir { stateDir in
            let bad = stateDir + "/bad.json"
            try Data(#"{ gateway: { prot: 1 } }"#.utf8).write(to: URL(fileURLWithPath: bad))
            let failed = try await runCLI(["config", "check", bad], stateDir: stateDir)
            #expect(failed.code == 78 && failed.output.contains("gateway.prot: unknown key (did you mean gateway.port?)"), "\(failed.output)")
            let good = stateDir + "/good.json"
            try Data(#"{ gateway: { port: 19000 }, logging: { level: "debug" } }"#.utf8).write(to: URL(fileURLWithPath: good))
            let passed = try await runCLI(["config", "check", good], stateDir: stateDir)
            #expect(passed.code == 0 && passed.output.contains("is valid (2 settings differ from the defaults)"), "\(passed.output)")
            // Whatever the gateway refuses at start, the check refuses: a bind mode it lacks, an
            // address this machine does not have (TEST-NET-2, never assigned here).
            for (bind, expected) in [("tailnet", "gateway.bind: expected loopback"), ("198.51.100.7", "no network interface of this machine has that address")] {
                let path = stateDir + "/bind.json"
                try Data(#"{ gateway: { bind: "\#(bind)", auth: { token: "abcdefghijklmnopqrstuvwxyz012345" } } }"#.utf8).write(to: URL(fileURLWithPath: path))
                let refused = try await runCLI(["config", "check", path], stateDir: stateDir)
                #expect(refused.code == 78 && refused.output.contains(expected), "\(refused.output)")
            }
        }
    }

    @Test("doctor fails on a bad config, passes with a reachable provider, and flags a rejected key")
    func doctor() async throws {
        try await withStateDir { stateDir in
            let path = stateDir + "/switchboard.json"
            try Data(#"{ logging: { level: "loud" } }"#.utf8).write(to: URL(fileURLWithPath: path))
            let broken = try await runCLI(["doctor"], stateDir: stateDir)
            #expect(broken.code == 1 && broken.output.contains("[FAIL] config: logging.level"), "\(broken.output)")
            try await FakeModelServer.with { model in
                try Data(modelConfig(model).utf8).write(to: URL(fileURLWithPath: path))
                let healthy = try await runCLI(["doctor"], stateDir: stateDir)
                #expect(healthy.code == 0, "\(healthy.output)")
                #expect(healthy.output.contains("[ok  ] provider fake") && healthy.output.contains("all checks passed"))
                model.setDefault(.status(401, body: #"{"error":{"message":"bad key"}}"#))
                let rejected = try await runCLI(["doctor"], stateDir: stateDir)
                #expect(rejected.code == 1 && rejected.output.contains("refused the API key (HTTP 401)"), "\(rejected.output)")
            }
            // A port nothing listens on (the fake server's freed port can be taken by a parallel test's).
            let closed = #"{ models: { providers: { fake: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "sk-x", models: ["m1"] } } } }"#
            try Data(closed.utf8).write(to: URL(fileURLWithPath: path))
            let unreachable = try await runCLI(["doctor", "--timeout", "1"], stateDir: stateDir)
            #expect(unreachable.code == 1 && unreachable.output.contains("is unreachable"), "\(unreachable.output)")
        }
    }

    @Test("doctor warns about a network bind in plain text, not with TLS on (then it names the fingerprint) or behind an https publicUrl")
    func doctorTLS() async throws {
        try await withStateDir { stateDir in
            let path = stateDir + "/switchboard.json"
            let token = "abcdefghijklmnopqrstuvwxyz012345"
            try Data(#"{ gateway: { bind: "lan", auth: { token: "\#(token)" } } }"#.utf8).write(to: URL(fileURLWithPath: path))
            let plain = try await runCLI(["doctor", "--timeout", "1"], stateDir: stateDir)
            #expect(plain.output.contains("[warn] tls: bound to 0.0.0.0 without TLS") && plain.output.contains("gateway.tls.enabled"), "\(plain.output)")

            try Data(#"{ gateway: { bind: "lan", auth: { token: "\#(token)" }, publicUrl: "https://gw.example.com" } }"#.utf8).write(to: URL(fileURLWithPath: path))
            let proxied = try await runCLI(["doctor", "--timeout", "1"], stateDir: stateDir)
            #expect(proxied.output.contains("[ok  ] tls: off on the port; clients come through https://gw.example.com"), "\(proxied.output)")

            // TLS on: the certificate is made at the first start; then doctor names its fingerprint.
            let tlsConfig = #"{ gateway: { bind: "lan", auth: { token: "\#(token)" }, tls: { enabled: true } } }"#
            try Data(tlsConfig.utf8).write(to: URL(fileURLWithPath: path))
            let before = try await runCLI(["doctor", "--timeout", "1"], stateDir: stateDir)
            #expect(before.output.contains("[ok  ] tls: on; a self-signed certificate is made at the first start"), "\(before.output)")
            try await GatewayBinary.with(config: tlsConfig, stateDir: stateDir) { _ in }
            let after = try await runCLI(["doctor", "--timeout", "1"], stateDir: stateDir)
            #expect(after.output.range(of: #"\[ok  \] tls: on; certificate SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}"#, options: .regularExpression) != nil, "\(after.output)")
            let keyPath = GatewayPaths(stateDir: stateDir).defaultTLSKeyPath
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyPath)
            let exposed = try await runCLI(["doctor", "--timeout", "1"], stateDir: stateDir)
            #expect(exposed.output.contains("[warn] tls: the private key \(keyPath) is readable by others") && exposed.output.contains("chmod 600"), "\(exposed.output)")

            // --fix repairs what needs no decision, then checks: the warnings are gone.
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stateDir)
            let fixed = try await runCLI(["doctor", "--fix", "--timeout", "1"], stateDir: stateDir)
            #expect(fixed.output.contains("[fix ] TLS private key \(keyPath): mode 644 → 600") && fixed.output.contains("[fix ] state dir \(stateDir): mode 755 → 700"), "\(fixed.output)")
            #expect(!fixed.output.contains("[warn] tls: the private key") && !fixed.output.contains("[warn] state dir"), "\(fixed.output)")
            let keyMode = try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int
            #expect(keyMode == 0o600)
        }
    }

    @Test("gateway --help shows the run flags; --version prints the version")
    func helpAndVersion() async throws {
        try await withStateDir { stateDir in
            let help = try await runCLI(["gateway", "--help"], stateDir: stateDir)
            #expect(help.code == 0 && help.output.contains("--port N") && help.output.contains("--bind WHERE"), "\(help.output)")
            let version = try await runCLI(["--version"], stateDir: stateDir)
            #expect(version.code == 0 && version.output.trimmingCharacters(in: .whitespacesAndNewlines) == GatewayApplication.version, "\(version.output)")
        }
    }

    @Test("doctor asks the running gateway: a provider key only the gateway's environment has is reported, not 'no provider'")
    func doctorAsksTheRunningGateway() async throws {
        try await withStateDir { stateDir in
            let started = try await runCLI(
                ["gateway", "start", "--port", "0"], stateDir: stateDir, extra: ["OPENAI_API_KEY": "sk-only-the-gateway", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"])
            #expect(started.code == 0, "\(started.output)")
            let doctor = try await runCLI(["doctor", "--timeout", "2"], stateDir: stateDir)
            #expect(doctor.output.contains("[ok  ] gateway: running") && doctor.output.contains("auth none"), "\(doctor.output)")
            #expect(doctor.output.contains("[ok  ] providers: the running gateway uses openai"), "\(doctor.output)")
            #expect(!doctor.output.contains("no model provider configured"), "\(doctor.output)")
            _ = try await runCLI(["gateway", "stop"], stateDir: stateDir)
        }
    }
}
