import Foundation
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// The WebChat page in a real headless Chromium (Playwright), against a live gateway.
@Suite("WebChat in a browser", .timeLimit(.minutes(3)), .serialized)
struct WebChatBrowserTests {
    /// Model output with Markdown and an injection attempt.
    static let reply = FakeReply.text([
        "Hi! This is **bold** and `code`. ", "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script> ", "end of reply",
    ])

    static var screenshotDir: String {
        let dir = FileManager.default.currentDirectoryPath + "/.build/test-artifacts"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func browser(_ arguments: [String]) throws -> ChildProcess {
        let script = FileManager.default.currentDirectoryPath + "/Tests/browser/webchat_e2e.py"
        return try ChildProcess(executable: "/usr/bin/env", arguments: ["python3", script] + arguments, environment: ProcessInfo.processInfo.environment)
    }

    @Test("load the page, send a message, see the streamed reply rendered safely; reconnect after a gateway restart")
    func chatAndRestart() async throws {
        try await FakeModelServer.with { model in
            model.enqueue(Self.reply, .text(["I'm ", "back again"]))
            let stateDir = TestGateway.makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: stateDir) }
            let port = TestGateway.fixedPort()
            let config = modelConfig(model, throttleMs: 20)
            let overrides = ["gateway.port": String(port)]
            let browser = try await TestGateway.with(config: config, stateDir: stateDir, overrides: overrides) { gateway in
                let browser = try Self.browser([gateway.httpBase, Self.screenshotDir, "--restart"])
                let shot = try await browser.waitForLine(containing: "REPLY_OK", timeout: .seconds(60))
                print("WebChat screenshot: \(shot.dropFirst("REPLY_OK ".count))")
                _ = try await browser.waitForLine(containing: "READY_FOR_RESTART", timeout: .seconds(10))
                return browser
            }
            defer { browser.terminate() }
            _ = try await browser.waitForLine(containing: "SAW_DISCONNECT", timeout: .seconds(30))
            let restartedAt = ContinuousClock.now
            try await TestGateway.with(config: config, stateDir: stateDir, overrides: overrides) { _ in
                print("WebChat test: gateway back on port \(port) after \(ContinuousClock.now - restartedAt)")
                let shot = try await browser.waitForLine(containing: "RECONNECTED_OK", timeout: .seconds(60))
                print("WebChat screenshot after restart: \(shot.dropFirst("RECONNECTED_OK ".count))")
                _ = try await browser.waitForLine(containing: "DONE", timeout: .seconds(20))
            }
            #expect(try await browser.waitForExit(timeout: .seconds(20)) == 0)
            let prompts = model.requests.map { GatewayJSON.string($0) }
            #expect(prompts.count == 2 && prompts[0].contains("hello from the browser") && prompts[1].contains("are you back?"))
        }
    }

    @Test("over https:// (gateway.tls with its self-signed certificate) the page connects over wss:// under its CSP and chats")
    func chatOverTLS() async throws {
        try await FakeModelServer.with { model in
            model.enqueue(Self.reply)
            try await TestGateway.with(config: modelConfig(model), overrides: ["gateway.tls.enabled": "true"]) { gateway in
                let browser = try Self.browser(["https://localhost:\(gateway.port)", Self.screenshotDir, "--self-signed"])
                defer { browser.terminate() }
                do {
                    let shot = try await browser.waitForLine(containing: "REPLY_OK", timeout: .seconds(90))
                    print("WebChat over https screenshot: \(shot.dropFirst("REPLY_OK ".count))")
                    _ = try await browser.waitForLine(containing: "DONE", timeout: .seconds(30))
                } catch {
                    Issue.record("the browser script said: \(await browser.remainingOutput())")
                    throw error
                }
                #expect(try await browser.waitForExit(timeout: .seconds(20)) == 0)
            }
            #expect(model.requests.count == 1 && GatewayJSON.string(model.requests[0]).contains("hello from the browser"))
        }
    }

    @Test("details: empty state, agent and model shown, tool calls shown, a stopped answer marked (also after reload), a failed question marked unanswered after reload")
    func details() async throws {
        try await FakeModelServer.with { model in
            let held = Gate()
            defer { held.open() }
            model.enqueue(
                .toolCalls([FakeToolCall(id: "call_t", name: "current_time", arguments: "{}")]),
                .text(["It is ", "noon."]),
                .held(["Counting: one, ", "two"], until: held)
            )
            model.setDefault(.status(500, body: #"{"error":{"message":"provider down"}}"#))
            try await TestGateway.with(config: modelConfig(model)) { gateway in
                let script = FileManager.default.currentDirectoryPath + "/Tests/browser/webchat_details.py"
                let browser = try ChildProcess(
                    executable: "/usr/bin/env", arguments: ["python3", script, gateway.httpBase, Self.screenshotDir], environment: ProcessInfo.processInfo.environment)
                defer { browser.terminate() }
                do {
                    _ = try await browser.waitForLine(containing: "EMPTY_OK", timeout: .seconds(90))
                    _ = try await browser.waitForLine(containing: "TOOL_OK", timeout: .seconds(60))
                    _ = try await browser.waitForLine(containing: "STOPPED_OK", timeout: .seconds(60))
                    let shot = try await browser.waitForLine(containing: "RELOAD_OK", timeout: .seconds(90))
                    print("WebChat details screenshot: \(shot.dropFirst("RELOAD_OK ".count))")
                    _ = try await browser.waitForLine(containing: "DONE", timeout: .seconds(30))
                } catch {
                    Issue.record("the browser script said: \(await browser.remainingOutput())")
                    throw error
                }
                #expect(try await browser.waitForExit(timeout: .seconds(20)) == 0)
            }
        }
    }

    @Test("with auth on, the page asks for the token and then connects")
    func asksForToken() async throws {
        try await FakeModelServer.with { model in
            model.enqueue(Self.reply)
            try await TestGateway.with(config: modelConfig(model), overrides: ["gateway.auth.token": "browser-token-1"]) { gateway in
                let browser = try Self.browser([gateway.httpBase, Self.screenshotDir, "--token", "browser-token-1"])
                defer { browser.terminate() }
                do {
                    _ = try await browser.waitForLine(containing: "TOKEN_PROMPT_SHOWN", timeout: .seconds(90))
                    _ = try await browser.waitForLine(containing: "DONE", timeout: .seconds(90))
                } catch {
                    Issue.record("the browser script said: \(await browser.remainingOutput())")
                    throw error
                }
                #expect(try await browser.waitForExit(timeout: .seconds(20)) == 0)
            }
        }
    }
}
