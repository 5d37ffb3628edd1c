/// `health` (any operator): the cached health summary; `probe:true` forces a refresh (§5.1).
/// A refresh broadcasts the `health` event. The protocol notes mark scope-less health as the
/// newest behaviour (uncertain); we follow it, so a v4 client with no scopes can still probe.
public enum Health: GatewayMethod {
    public static let name = "health"
    public static let access = MethodAccess.anyOperator
    public static let summary = "Gateway health summary, cached; probe:true refreshes it."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var probe: Bool?
        public init(probe: Bool? = nil) { self.probe = probe }
        public static var jsonSchema: JSONSchema { .object(.init("probe", .boolean())) }
    }

    public typealias Result = HealthSummary
}
