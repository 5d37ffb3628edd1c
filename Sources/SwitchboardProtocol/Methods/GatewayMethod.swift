/// One Swift type per wire method: its params, its result, its name and who may call it.
///
/// The server's registry, the `hello-ok` method list, the scope table, the JSON Schema export
/// and the client's typed `call` are all derived from these types (see ``MethodCatalog``).
public protocol GatewayMethod: Sendable {
    associatedtype Params: Codable & Sendable & JSONSchemaDescribable = EmptyParams
    associatedtype Result: Codable & Sendable & JSONSchemaDescribable

    /// The wire name, e.g. `"logs.tail"`.
    static var name: String { get }
    /// Who may call it. Methods that do not say are admin-only (default-deny, §4).
    static var access: MethodAccess { get }
    /// One line for humans: CLI help and the schema export.
    static var summary: String { get }
}

extension GatewayMethod {
    public static var access: MethodAccess { .scope(.admin) }

    /// The description the catalog, schema export and authoriser read.
    public static var descriptor: MethodDescriptor {
        MethodDescriptor(
            name: name,
            access: access,
            summary: summary,
            paramsSchema: Params.jsonSchema,
            resultSchema: Result.jsonSchema
        )
    }
}

/// The caller a method admits (§4).
public enum MethodAccess: Sendable, Hashable {
    /// An operator holding this scope (or one that implies it).
    case scope(OperatorScope)
    /// Any authenticated operator, even one holding no scopes (newest OpenClaw: `health`).
    case anyOperator
    /// Only connections with role `node`.
    case nodeOnly

    /// Method families that always need admin, whatever their own declaration says (§4 rule 6).
    public static let adminPrefixes = ["config.", "exec.approvals.", "wizard.", "update."]

    /// The effective requirement for a method name.
    public static func effective(for name: String, declared: MethodAccess) -> MethodAccess {
        if adminPrefixes.contains(where: { name.hasPrefix($0) }) { return .scope(.admin) }
        return declared
    }

    /// The wire label used in the schema export and docs.
    public var label: String {
        switch self {
        case .scope(let scope): scope.rawValue
        case .anyOperator: "role:operator"
        case .nodeOnly: "role:node"
        }
    }
}

/// The type-erased facts about one method.
public struct MethodDescriptor: Sendable, Hashable {
    public var name: String
    public var access: MethodAccess
    public var summary: String
    public var paramsSchema: JSONSchema
    public var resultSchema: JSONSchema
}
