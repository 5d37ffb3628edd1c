/// One MCP server from `mcp.servers.<name>`: a command speaking MCP over stdio.
public struct MCPServerSettings: Sendable, Hashable {
    public var name: String
    public var command: String
    public var args: [String]
    public var env: [String: String]
    public var cwd: String?
    public var enabled: Bool
    /// Longest a single tool call may take.
    public var callTimeoutMs: Int
    /// Longest the `initialize` + `tools/list` handshake may take.
    public var startTimeoutMs: Int

    public init(
        name: String, command: String, args: [String] = [], env: [String: String] = [:], cwd: String? = nil, enabled: Bool = true,
        callTimeoutMs: Int = 60_000, startTimeoutMs: Int = 30_000
    ) {
        self.name = name
        self.command = command
        self.args = args
        self.env = env
        self.cwd = cwd
        self.enabled = enabled
        self.callTimeoutMs = callTimeoutMs
        self.startTimeoutMs = startTimeoutMs
    }
}

/// What `status` and tests can see about an MCP server.
public struct MCPServerStatus: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        case starting, running, restarting, stopped
    }

    public var name: String
    public var state: State
    public var tools: [String]
    public var restarts: Int
    public var lastError: String?
    /// The child's process id while it runs.
    public var pid: Int32?
}
