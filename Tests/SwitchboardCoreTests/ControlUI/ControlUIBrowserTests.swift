import Foundation
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// The Control UI in a real headless Chromium (Playwright), against a live gateway: every tab
/// with real data, admin only through a paired device, and a reconnect across a restart.
@Suite("Control UI in a browser", .timeLimit(.minutes(4)), .serialized)
struct ControlUIBrowserTests {
    static func browser(_ script: String, _ arguments: [String]) throws -> ChildProcess {
        let path = FileManager.default.currentDirectoryPath + "/Tests/browser/" + script
        return try ChildProcess(executable: "/usr/bin/env", arguments: ["python3", path] + arguments, environment: ProcessInfo.processInfo.environment)
    }

    /// Waits for each step marker in order, printing the screenshot each names.
    static func steps(_ browser: ChildProcess, _ names: [String], timeout: Duration = .seconds(60)) async throws {
        for name in names {
            let line = try await browser.waitForLine(containing: "STEP_OK \(name) ", timeout: timeout)
            print("Control UI \(name) screenshot: \(line.split(separator: " ").last ?? "")")
        }
    }

    @Test("token gate, then every tab with real data, a config edit (stale baseHash refused), logs, and a reconnect after a restart")
    func everyTab() async throws {
        try await FakeModelServer.with { model in
            model.enqueue(WebChatBrowserTests.reply)
            let stateDir = TestGateway.makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: stateDir) }
            let port = TestGateway.fixedPort()
            let config = modelConfig(model, throttleMs: 20)
            let overrides = ["gateway.port": String(port), "gateway.auth.token": "control-token-1"]
            let browser = try await TestGateway.with(config: config, stateDir: stateDir, overrides: overrides) { gateway in
                let browser = try Self.browser("control_ui.py", [gateway.httpBase, WebChatBrowserTests.screenshotDir, "control-token-1"])
                do {
                    try await Self.steps(browser, ["gate", "overview", "chat", "chart", "sessions", "channels", "devices", "cron", "config", "config-stale", "logs"], timeout: .seconds(90))
                    _ = try await browser.waitForLine(containing: "READY_FOR_RESTART", timeout: .seconds(20))
                    // The edits landed in the file: the form's hot edit and the other editor's patch; the stale raw save did not.
                    let file = try String(contentsOfFile: stateDir + "/switchboard.json", encoding: .utf8)
                    #expect(file.contains(#""chatDeltaThrottleMs" : 75"#) && file.contains(#""historyLimit" : 90"#), "\(file)")
                    #expect(!file.contains(#""chatDeltaThrottleMs" : 80"#))
                } catch {
                    Issue.record("the browser script said: \(await browser.remainingOutput())")
                    browser.terminate()
                    throw error
                }
                return browser
            }
            defer { browser.terminate() }
            do {
                try await Self.steps(browser, ["disconnected"])
                try await TestGateway.with(config: config, stateDir: stateDir, overrides: overrides) { _ in
                    try await Self.steps(browser, ["reconnected"], timeout: .seconds(90))
                    _ = try await browser.waitForLine(containing: "DONE", timeout: .seconds(20))
                }
            } catch {
                Issue.record("the browser script said: \(await browser.remainingOutput())")
                throw error
            }
            #expect(try await browser.waitForExit(timeout: .seconds(20)) == 0)
            #expect(model.requests.count == 1 && GatewayJSON.string(model.requests[0]).contains("hello from the control ui"))
        }
    }

    @Test("without auth a page cannot pair itself into admin: it shows the approval command, then connects once the CLI approves it")
    func pairingApproval() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try await TestGateway.with(stateDir: stateDir) { gateway in
            let browser = try Self.browser("control_ui_pairing.py", [gateway.httpBase, WebChatBrowserTests.screenshotDir])
            defer { browser.terminate() }
            do {
                let shown = try await browser.waitForLine(containing: "PAIRING_SHOWN ", timeout: .seconds(90))
                let fields = shown.split(separator: " ")
                print("Control UI pairing screenshot: \(fields.last ?? "")")
                let requestId = String(fields[fields.count - 2])
                let approved = try await runCLI(["devices", "approve", requestId, "--url", "ws://127.0.0.1:\(gateway.port)"], stateDir: stateDir)
                #expect(approved.code == 0, "\(approved.output)")
                let connected = try await browser.waitForLine(containing: "CONNECTED ", timeout: .seconds(60))
                print("Control UI approved screenshot: \(connected.split(separator: " ").last ?? "")")
                _ = try await browser.waitForLine(containing: "DONE", timeout: .seconds(20))
            } catch {
                Issue.record("the browser script said: \(await browser.remainingOutput())")
                throw error
            }
            #expect(try await browser.waitForExit(timeout: .seconds(20)) == 0)
        }
    }
}
