/// The protocol generations this gateway speaks, and the negotiation rule of §1.
public enum ProtocolVersion {
    /// Newest version; what `hello-ok.protocol` says for a client whose range includes it.
    public static let current = 4
    /// Oldest version still served, for shipped v3 apps and nodes.
    public static let minimumSupported = 3
    /// Probes may connect with any range reaching this far down.
    public static let minimumProbe = 3

    /// Picks the highest version both sides speak, or nil on a mismatch.
    ///
    /// OpenClaw v4 admits v3 only for nodes and probes; Switchboard admits v3 for every
    /// client because old operator apps still send `3…3` (a deliberate superset).
    public static func negotiate(min: Int, max: Int) -> Int? {
        guard min <= max else { return nil }
        for version in stride(from: current, through: minimumSupported, by: -1) where min <= version && version <= max {
            return version
        }
        return nil
    }
}
