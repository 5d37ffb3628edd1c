import Foundation
import SwitchboardProtocol

/// The tools offered in a run, by name. Calls are checked against each tool's parameter
/// schema first, and every failure becomes an error result for the model, never a thrown error.
public struct ToolRegistry: Sendable {
    private var tools: [String: any AgentTool] = [:]
    private var order: [String] = []
    /// Longest tool result handed back to the model; longer output is cut with a note.
    public var maxResultChars: Int

    public init(_ tools: [any AgentTool] = [], maxResultChars: Int = 64_000) {
        self.maxResultChars = maxResultChars
        for tool in tools { add(tool) }
    }

    /// Adds `tool`; a later tool with the same name replaces the earlier one.
    public mutating func add(_ tool: any AgentTool) {
        let name = tool.definition.name
        if tools[name] == nil { order.append(name) }
        tools[name] = tool
    }

    public var definitions: [ToolDefinition] { order.compactMap { tools[$0]?.definition } }
    public var names: [String] { order }
    public var isEmpty: Bool { order.isEmpty }

    /// Runs the call; unknown tools, bad arguments and tool errors come back as `isError`.
    public func call(_ call: ToolCall, context: ToolContext) async throws -> ToolOutput {
        guard let tool = tools[call.name] else {
            return ToolOutput(text: "unknown tool \"\(call.name)\"; available: \(order.joined(separator: ", "))", isError: true)
        }
        guard let arguments = call.arguments else {
            return ToolOutput(text: "arguments for \(call.name) are not valid JSON", isError: true)
        }
        if let problem = Self.validate(arguments, against: tool.definition.parameters) {
            return ToolOutput(text: "invalid arguments for \(call.name): \(problem)", isError: true)
        }
        do {
            let text = try await tool.call(arguments, context: context)
            return ToolOutput(text: truncate(text), isError: false)
        } catch is CancellationError {
            throw CancellationError()
        } catch let failure as ToolFailure {
            return ToolOutput(text: truncate(failure.message), isError: true)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            return ToolOutput(text: "\(call.name) failed (\(type(of: error)))", isError: true)
        }
    }

    private func truncate(_ text: String) -> String {
        guard text.count > maxResultChars else { return text }
        return String(text.prefix(maxResultChars)) + "\n[truncated: \(text.count - maxResultChars) more characters]"
    }

    /// A small JSON Schema check (object, required, property types, enums): enough to give the
    /// model a precise message instead of a confusing tool failure.
    static func validate(_ value: JSONValue, against schema: JSONValue) -> String? {
        guard case .object(let object) = value else { return "expected a JSON object, got \(value.typeName)" }
        for required in schema["required"]?.arrayValue ?? [] {
            guard let name = required.stringValue else { continue }
            if object[name] == nil { return "missing required field \"\(name)\"" }
        }
        let properties = schema["properties"]?.objectValue ?? [:]
        for (name, field) in object.sorted(by: { $0.key < $1.key }) {
            guard let property = properties[name] else {
                if schema["additionalProperties"]?.boolValue == false { return "unknown field \"\(name)\"" }
                continue
            }
            if let type = property["type"]?.stringValue, !matches(field, type: type) {
                return "field \"\(name)\" must be \(type), got \(field.typeName)"
            }
            if let allowed = property["enum"]?.arrayValue, !allowed.contains(field) {
                return "field \"\(name)\" must be one of \(allowed.compactMap(\.stringValue).joined(separator: ", "))"
            }
        }
        return nil
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double),
            ("object", .object), ("array", .array), ("null", .null):
            true
        default: false
        }
    }
}
