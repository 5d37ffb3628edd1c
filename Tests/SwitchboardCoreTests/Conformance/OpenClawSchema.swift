import Foundation
import Synchronization
import SwitchboardProtocol
import SwitchboardTesting

/// OpenClaw's published protocol JSON Schema, read at test time from `../shared/openclaw-schema`
/// (or `OPENCLAW_SCHEMA_DIR`) and applied by `Tests/tools/openclaw_schema.py` with the reference
/// `jsonschema` validator. Nothing of it is copied into the project.
enum OpenClawSchema {
    struct NotFound: Error, CustomStringConvertible {
        var path: String
        var description: String {
            "OpenClaw's protocol schema is not at \(path): CI has ../shared beside the checkout; elsewhere set OPENCLAW_SCHEMA_DIR"
        }
    }

    struct ToolFailed: Error, CustomStringConvertible {
        var output: String
        var description: String { "Tests/tools/openclaw_schema.py failed: \(output)" }
    }

    /// One frame that does not validate: where, and what the validator said.
    struct Violation: Decodable, Sendable, CustomStringConvertible {
        var index: Int
        var `protocol`: Int
        var kind: String
        var name: String?
        var definition: String
        var path: String
        var message: String
        var description: String { "v\(`protocol`) \(kind) \(name ?? "-") [\(definition)] \(path): \(message)" }
    }

    static var directory: String {
        get throws {
            let path = ProcessInfo.processInfo.environment["OPENCLAW_SCHEMA_DIR"]
                ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).deletingLastPathComponent().path + "/shared/openclaw-schema"
            guard FileManager.default.fileExists(atPath: path + "/v3.protocol.schema.json") else { throw NotFound(path: path) }
            return path
        }
    }

    /// For each method, OpenClaw's `*Params` definition name and two instances (required fields
    /// only, every field), or nil when OpenClaw defines no params for it.
    static func paramSamples(for methods: [String]) async throws -> [String: JSONValue] {
        let output = try await run(["params"], inputs: methods)
        guard case .object(let object) = try GatewayJSON.decoder.decode(JSONValue.self, from: output) else { return [:] }
        return Dictionary(uniqueKeysWithValues: object.map { ($0.key, $0.value) })
    }

    /// Validates every frame on `tape` against the definition for its negotiated version.
    static func violations(of tape: FrameTape) async throws -> [Violation] {
        let frames = TestGateway.makeTemporaryDirectory() + "/frames.jsonl"
        defer { try? FileManager.default.removeItem(atPath: (frames as NSString).deletingLastPathComponent) }
        try tape.write(to: frames)
        return try JSONDecoder().decode([Violation].self, from: try await run(["validate"], inputs: [frames]))
    }

    private static func run(_ command: [String], inputs: [String]) async throws -> Data {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let out = directory + "/out.json"
        let script = FileManager.default.currentDirectoryPath + "/Tests/tools/openclaw_schema.py"
        let process = try ChildProcess(
            executable: "/usr/bin/env", arguments: ["python3", script] + command + ["--schema-dir", try self.directory, "--out", out] + inputs,
            environment: ProcessInfo.processInfo.environment
        )
        defer { process.terminate() }
        let code = try await process.waitForExit(timeout: .seconds(60))
        guard code == 0, let data = FileManager.default.contents(atPath: out) else { throw ToolFailed(output: await process.remainingOutput()) }
        return data
    }
}

/// Every frame the gateway sent to the recorded sockets, tagged with the negotiated version and
/// the method (responses) or event name, in the validator's JSON-lines input format.
final class FrameTape: Sendable {
    private let entries = Mutex<[JSONValue]>([])

    func record(protocol version: Int, kind: String, name: String?, frame: JSONValue) {
        let entry: JSONValue = ["protocol": .int(version), "kind": .string(kind), "name": name.map { .string($0) } ?? .null, "frame": frame]
        entries.withLock { $0.append(entry) }
    }

    var all: [JSONValue] { entries.withLock { $0 } }

    /// `(protocol, kind, name)` of every frame with a true `ok` (responses) or any event.
    func names(kind: String, protocol version: Int, okOnly: Bool = false) -> Set<String> {
        Set(all.compactMap { entry in
            guard entry["kind"]?.stringValue == kind, entry["protocol"]?.intValue == version else { return nil }
            if okOnly, entry["frame"]?["ok"] != true { return nil }
            return entry["name"]?.stringValue
        })
    }

    func write(to path: String) throws {
        let lines = all.map { GatewayJSON.string($0) }.joined(separator: "\n")
        try Data(lines.utf8).write(to: URL(fileURLWithPath: path))
    }
}

/// A raw socket on one negotiated version; everything it receives goes on the tape.
/// Used only from the one task running its session.
final class RecordedSocket: @unchecked Sendable {
    let socket: RawSocket
    let version: Int
    let tape: FrameTape
    private var methods: [String: String] = [:]
    private var counter = 0
    /// Every frame received, in order: a wait can start from a mark taken before a call, since
    /// an event may arrive before the call's response (and is read on the way to it).
    private var frames: [JSONValue] = []

    /// How many frames have been received (a mark for ``until(after:_:)``).
    var received: Int { frames.count }

    init(_ socket: RawSocket, version: Int, tape: FrameTape) {
        self.socket = socket
        self.version = version
        self.tape = tape
    }

    /// Challenge, then `connect` at exactly `version`; records the `hello-ok` too.
    func connect(_ params: ConnectParams) async throws -> JSONValue {
        let response = try await call("connect", params: try JSONValue(encoding: params))
        if let hello = response["payload"] { tape.record(protocol: version, kind: "hello", name: nil, frame: hello) }
        return response
    }

    /// Sends a request and reads (recording) until its response.
    @discardableResult
    func call(_ method: String, params: JSONValue? = nil) async throws -> JSONValue {
        counter += 1
        let id = "\(method)-\(counter)"
        methods[id] = method
        try await socket.send(json: RequestFrame(id: id, method: method, params: params))
        return try unwrap(try await until { $0["type"] == "res" && $0["id"]?.stringValue == id }, "response to \(method)")
    }

    /// Reads (recording) until a frame matches; nil when the socket closed.
    func until(_ predicate: (JSONValue) -> Bool) async throws -> JSONValue? {
        while let frame = try await socket.receive() {
            record(frame)
            if predicate(frame) { return frame }
        }
        return nil
    }

    /// The first frame since `mark` that matches, whether already read or still to come.
    func until(after mark: Int, _ predicate: (JSONValue) -> Bool) async throws -> JSONValue? {
        if let seen = frames[mark...].first(where: predicate) { return seen }
        return try await until(predicate)
    }

    private func record(_ frame: JSONValue) {
        frames.append(frame)
        switch frame["type"]?.stringValue {
        case "res": tape.record(protocol: version, kind: "res", name: frame["id"]?.stringValue.flatMap { methods[$0] }, frame: frame)
        case "event": tape.record(protocol: version, kind: "event", name: frame["event"]?.stringValue, frame: frame)
        default: tape.record(protocol: version, kind: "other", name: nil, frame: frame)
        }
    }
}
