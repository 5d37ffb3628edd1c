/// Connection roles (§4). A string struct so unknown roles decode and can be refused clearly.
public struct GatewayRole: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// Control plane: CLI, UI, apps.
    public static let `operator` = GatewayRole(rawValue: "operator")
    /// Capability host (camera, canvas, system.run…).
    public static let node = GatewayRole(rawValue: "node")

    public static let supported: [GatewayRole] = [.operator, .node]
}

/// Operator scopes (§4). `write` implies `read`; `admin` implies everything.
public struct OperatorScope: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static let read = OperatorScope(rawValue: "operator.read")
    public static let write = OperatorScope(rawValue: "operator.write")
    public static let admin = OperatorScope(rawValue: "operator.admin")
    public static let approvals = OperatorScope(rawValue: "operator.approvals")
    public static let pairing = OperatorScope(rawValue: "operator.pairing")
    public static let questions = OperatorScope(rawValue: "operator.questions")
    public static let talk = OperatorScope(rawValue: "operator.talk")
    public static let talkSecrets = OperatorScope(rawValue: "operator.talk.secrets")

    /// What the CLI asks for by default (`CLI_DEFAULT_OPERATOR_SCOPES`).
    public static let cliDefaults: [OperatorScope] = [.admin, .read, .write, .approvals, .pairing]

    /// Whether holding `granted` satisfies a requirement of `self`.
    public func isSatisfied(by granted: some Collection<OperatorScope>) -> Bool {
        if granted.contains(.admin) || granted.contains(self) { return true }
        switch self {
        case .read: return granted.contains(.write)
        case .talk: return granted.contains(.write)
        default: return false
        }
    }
}
