import AsyncHTTPClient
import Foundation
import Logging
import SwitchboardAgent
import SwitchboardProtocol
import SwitchboardTesting
import Synchronization
import Testing

struct ToolTests {
    func context(_ workspace: String) -> ToolContext {
        ToolContext(runId: "r", sessionKey: "s", workspace: workspace, logger: Logger(label: "test"))
    }

    func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "sb-tools-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func argumentsAreCheckedAgainstTheSchemaBeforeTheToolRuns() async throws {
        let registry = ToolRegistry([ReadFileTool(maxBytes: 100), CurrentTimeTool()])
        let ctx = context(temporaryDirectory())
        let missing = try await registry.call(ToolCall(id: "1", name: "read_file", argumentsJSON: "{}"), context: ctx)
        #expect(missing == ToolOutput(text: "invalid arguments for read_file: missing required field \"path\"", isError: true))
        let wrongType = try await registry.call(ToolCall(id: "2", name: "read_file", argumentsJSON: #"{"path": 3}"#), context: ctx)
        #expect(wrongType.text == "invalid arguments for read_file: field \"path\" must be string, got integer")
        let garbage = try await registry.call(ToolCall(id: "3", name: "read_file", argumentsJSON: "{nope"), context: ctx)
        #expect(garbage.text == "arguments for read_file are not valid JSON" && garbage.isError)
        let unknown = try await registry.call(ToolCall(id: "4", name: "rm_rf", argumentsJSON: "{}"), context: ctx)
        #expect(unknown.isError && unknown.text.hasPrefix("unknown tool \"rm_rf\""))
        let zone = try await registry.call(ToolCall(id: "5", name: "current_time", argumentsJSON: #"{"timezone":"Mars/Olympus"}"#), context: ctx)
        #expect(zone == ToolOutput(text: "unknown time zone \"Mars/Olympus\"", isError: true))
        let time = try await registry.call(ToolCall(id: "6", name: "current_time", argumentsJSON: ""), context: ctx)
        #expect(!time.isError && time.text.contains("time zone"))
    }

    @Test func fileToolsStayInsideTheWorkspaceEvenThroughSymlinks() async throws {
        let workspace = temporaryDirectory()
        let outside = temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: workspace)
            try? FileManager.default.removeItem(atPath: outside)
        }
        try "secret".write(toFile: outside + "/secret.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: workspace + "/link", withDestinationPath: outside)
        let registry = ToolRegistry([ReadFileTool(maxBytes: 4), WriteFileTool(maxBytes: 10), ListFilesTool()])
        let ctx = context(workspace)
        for path in ["../x", "/etc/passwd", "link/secret.txt", "a/../../x"] {
            let read = try await registry.call(ToolCall(id: "r", name: "read_file", argumentsJSON: #"{"path":"\#(path)"}"#), context: ctx)
            #expect(read.isError && read.text.contains("outside the workspace"), "\(path)")
        }
        let write = try await registry.call(ToolCall(id: "w", name: "write_file", argumentsJSON: #"{"path":"link/new.txt","content":"x"}"#), context: ctx)
        #expect(write.isError && !FileManager.default.fileExists(atPath: outside + "/new.txt"))
        let big = try await registry.call(ToolCall(id: "b", name: "write_file", argumentsJSON: #"{"path":"a.txt","content":"01234567890"}"#), context: ctx)
        #expect(big.text == "content is 11 bytes; the limit is 10")
        _ = try await registry.call(ToolCall(id: "ok", name: "write_file", argumentsJSON: #"{"path":"dir/a.txt","content":"hello"}"#), context: ctx)
        let read = try await registry.call(ToolCall(id: "r2", name: "read_file", argumentsJSON: #"{"path":"dir/a.txt"}"#), context: ctx)
        #expect(read.text == "hell\n[truncated at 4 bytes]")
        let list = try await registry.call(ToolCall(id: "l", name: "list_files", argumentsJSON: "{}"), context: ctx)
        #expect(list.text == "dir/\nlink/")
    }

    @Test func fetchRefusesPrivateAddressesByDefault() async throws {
        #expect(FetchURLTool.isPrivateForTesting("127.0.0.1") && FetchURLTool.isPrivateForTesting("10.1.2.3") && FetchURLTool.isPrivateForTesting("::1"))
        #expect(FetchURLTool.isPrivateForTesting("172.20.0.1") && FetchURLTool.isPrivateForTesting("169.254.169.254") && FetchURLTool.isPrivateForTesting("fd00::1"))
        #expect(!FetchURLTool.isPrivateForTesting("93.184.216.34") && !FetchURLTool.isPrivateForTesting("172.32.0.1"))
        let client = FetchURLTool.makeClient()
        let tool = FetchURLTool(client: client, limits: .init())
        let registry = ToolRegistry([tool])
        let refused = try await registry.call(ToolCall(id: "f", name: "fetch_url", argumentsJSON: #"{"url":"http://127.0.0.1:9/"}"#), context: context(temporaryDirectory()))
        #expect(refused.isError && refused.text.contains("private or local address"))
        let scheme = try await registry.call(ToolCall(id: "g", name: "fetch_url", argumentsJSON: #"{"url":"file:///etc/passwd"}"#), context: context(temporaryDirectory()))
        #expect(scheme.text == "url must be an absolute http or https URL")
        try await client.shutdown()
    }
}

/// `fetch_url` against DNS rebinding: the name is resolved once, every address checked, and
/// the connection made to the checked address, on every redirect hop.
@Suite("fetch_url and DNS rebinding")
struct FetchRebindingTests {
    /// A resolver that answers the checked (allowed) address first, then the private one, as a
    /// rebinding DNS server does; counts the lookups.
    final class RebindingResolver: Sendable {
        let lookups = Mutex<Int>(0)
        let first: String
        let then: String
        init(first: String, then: String) {
            self.first = first
            self.then = then
        }
        func resolve(_ host: String, _ port: Int) async throws -> [String] {
            let count = lookups.withLock { value in
                value += 1
                return value
            }
            return count == 1 ? [first] : [then]
        }
    }

    func context() -> ToolContext {
        ToolContext(runId: "r", sessionKey: "s", workspace: FileManager.default.temporaryDirectory.path, logger: Logger(label: "test"))
    }

    @Test("the connection goes to the address that was checked, with the original Host")
    func connectsToTheCheckedAddress() async throws {
        try await HostRecordingServer.with(address: "127.0.0.1", name: "public") { publicServer, publicPort in
            try await HostRecordingServer.with(address: "127.0.0.2", name: "secret") { secretServer, secretPort in
                #expect(publicPort > 0 && secretPort > 0)
                // In this test 127.0.0.1 plays a public address; 127.0.0.2 is the private one.
                for _ in 0..<16 {
                    let resolver = RebindingResolver(first: "127.0.0.1", then: "127.0.0.2")
                    let network = FetchURLTool.Network(resolve: resolver.resolve, isBlocked: { $0 == "127.0.0.2" })
                    let client = FetchURLTool.makeClient()
                    let tool = FetchURLTool(client: client, limits: .init(), network: network)
                    let text = try await tool.call(["url": .string("http://rebind.test:\(publicPort)/")], context: context())
                    try await client.shutdown()
                    #expect(text.contains("served by public"))
                    #expect(resolver.lookups.withLock { $0 } == 1)
                }
                #expect(publicServer.requests.count == 16 && publicServer.requests.allSatisfy { $0 == "rebind.test:\(publicPort)" })
                #expect(secretServer.requests.isEmpty)
            }
        }
    }

    @Test("a name with any private address is refused, whichever comes first")
    func anyPrivateAddressRefuses() async throws {
        let network = FetchURLTool.Network(resolve: { _, _ in ["93.184.216.34", "10.0.0.1"] }, isBlocked: FetchURLTool.isPrivateForTesting)
        let client = FetchURLTool.makeClient()
        let tool = FetchURLTool(client: client, limits: .init(), network: network)
        await #expect(throws: ToolFailure.self) { _ = try await tool.call(["url": "http://mixed.test/"], context: context()) }
        try await client.shutdown()
    }

    @Test("the private-range table")
    func privateRanges() {
        let blocked = [
            "127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
            "198.18.0.1", "198.19.255.255", "240.0.0.1", "255.255.255.255", "224.0.0.1", "239.255.255.250", "192.0.0.8", "::1", "::", "fd00::1",
            "fc00::1", "fe80::1", "fec0::1", "ff02::1", "64:ff9b::7f00:1", "64:ff9b:1::1", "::127.0.0.1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
            "2002:7f00:1::", "2001:0:4136:e378::1", "2001:db8::1", "100::1", "fe80::1%eth0", "not-an-address",
        ]
        for address in blocked { #expect(FetchURLTool.isPrivateForTesting(address), "\(address)") }
        for address in ["93.184.216.34", "172.32.0.1", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "100.128.0.1", "198.20.0.1"] {
            #expect(!FetchURLTool.isPrivateForTesting(address), "\(address)")
        }
    }
}
