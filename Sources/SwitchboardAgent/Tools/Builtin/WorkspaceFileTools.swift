import Foundation
public import SwitchboardProtocol

/// `read_file`: a text file from the agent's workspace.
public struct ReadFileTool: AgentTool {
    public let maxBytes: Int
    public init(maxBytes: Int) { self.maxBytes = maxBytes }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: "read_file",
            description: "Read a text file from your workspace directory. Paths are relative to the workspace.",
            parameters: [
                "type": "object", "required": ["path"], "additionalProperties": false,
                "properties": ["path": ["type": "string", "description": "file path relative to the workspace"]],
            ]
        )
    }

    public func call(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let workspace = try WorkspacePath(workspace: context.workspace)
        let path = try workspace.resolve(arguments["path"]?.stringValue ?? "")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ToolFailure("no such file: \(workspace.relative(path))")
        }
        guard !isDirectory.boolValue else { throw ToolFailure("\(workspace.relative(path)) is a directory; use list_files") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ToolFailure("cannot open \(workspace.relative(path))") }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        let text = String(decoding: data.prefix(maxBytes), as: UTF8.self)
        return data.count > maxBytes ? text + "\n[truncated at \(maxBytes) bytes]" : text
    }
}

/// `write_file`: create or replace (or append to) a text file in the agent's workspace.
public struct WriteFileTool: AgentTool {
    public let maxBytes: Int
    public init(maxBytes: Int) { self.maxBytes = maxBytes }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: "write_file",
            description: "Write a text file in your workspace directory (creates folders as needed).",
            parameters: [
                "type": "object", "required": ["path", "content"], "additionalProperties": false,
                "properties": [
                    "path": ["type": "string", "description": "file path relative to the workspace"],
                    "content": ["type": "string"],
                    "append": ["type": "boolean", "description": "append instead of replacing"],
                ],
            ]
        )
    }

    public func call(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let workspace = try WorkspacePath(workspace: context.workspace)
        let path = try workspace.resolve(arguments["path"]?.stringValue ?? "")
        let content = Data((arguments["content"]?.stringValue ?? "").utf8)
        guard content.count <= maxBytes else { throw ToolFailure("content is \(content.count) bytes; the limit is \(maxBytes)") }
        guard path != workspace.root else { throw ToolFailure("path must name a file") }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if arguments["append"]?.boolValue == true, let handle = FileHandle(forWritingAtPath: path) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: content)
        } else {
            try content.write(to: URL(fileURLWithPath: path), options: .atomic)
        }
        return "wrote \(content.count) bytes to \(workspace.relative(path))"
    }
}

/// `list_files`: the entries of a workspace directory.
public struct ListFilesTool: AgentTool {
    public static let maxEntries = 500
    public init() {}

    public var definition: ToolDefinition {
        ToolDefinition(
            name: "list_files",
            description: "List files and folders in your workspace directory.",
            parameters: [
                "type": "object", "additionalProperties": false,
                "properties": ["path": ["type": "string", "description": "folder relative to the workspace; default the workspace itself"]],
            ]
        )
    }

    public func call(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let workspace = try WorkspacePath(workspace: context.workspace)
        let path = try workspace.resolve(arguments["path"]?.stringValue ?? ".")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            throw ToolFailure("no such folder: \(workspace.relative(path))")
        }
        let lines = names.sorted().prefix(Self.maxEntries).map { name -> String in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory)
            return isDirectory.boolValue ? name + "/" : name
        }
        if lines.isEmpty { return "(empty)" }
        return lines.joined(separator: "\n") + (names.count > Self.maxEntries ? "\n[\(names.count - Self.maxEntries) more]" : "")
    }
}
