/// `system-presence` (scope read): the presence list as a bare array (§5.1).
public enum SystemPresence: GatewayMethod {
    public static let name = "system-presence"
    public static let access = MethodAccess.scope(.read)
    public static let summary = "Connected clients and hosts."
    public typealias Result = [PresenceEntry]
}
