/// One Swift type per wire event: its name, payload, who may receive it, and whether a slow
/// client may miss it (§6).
public protocol GatewayEvent: Sendable {
    associatedtype Payload: Codable & Sendable & JSONSchemaDescribable

    static var name: String { get }
    /// Events a slow client may skip; its `seq` still advances so the gap is visible (§6.6).
    static var dropIfSlow: Bool { get }
    /// Who receives it when broadcast; nil means every connection (§4 "event scope gating").
    static var requiredScope: OperatorScope? { get }
    static var summary: String { get }
}

extension GatewayEvent {
    public static var dropIfSlow: Bool { false }
    public static var requiredScope: OperatorScope? { nil }

    public static var descriptor: EventDescriptor {
        EventDescriptor(name: name, dropIfSlow: dropIfSlow, requiredScope: requiredScope, summary: summary, payloadSchema: Payload.jsonSchema)
    }
}

public struct EventDescriptor: Sendable, Hashable {
    public var name: String
    public var dropIfSlow: Bool
    public var requiredScope: OperatorScope?
    public var summary: String
    public var payloadSchema: JSONSchema
}

/// Every event this gateway emits; the `hello-ok` event list and the schema come from here.
public enum EventCatalog {
    public static let events: [any GatewayEvent.Type] = [
        ConnectChallengeEvent.self,
        TickEvent.self,
        PresenceEvent.self,
        HealthEvent.self,
        ShutdownEvent.self,
        ConfigChangedEvent.self,
        DevicePairRequestedEvent.self,
        DevicePairResolvedEvent.self,
        AgentEvent.self,
        ChatEvent.self,
        CronEvent.self,
        HeartbeatEvent.self,
        NodeInvokeRequestEvent.self,
        NodeEventBroadcast.self,
        NodePairRequestedEvent.self,
        NodePairResolvedEvent.self,
    ]

    public static var descriptors: [EventDescriptor] { events.map { $0.descriptor } }
    public static var names: [String] { events.map { $0.name } }
}
