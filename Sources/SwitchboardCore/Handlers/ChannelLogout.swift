import SwitchboardProtocol

/// `channels.logout`: the credentials of a platform channel are removed from the config file
/// (a merge patch with `null`s, through the same guarded write as `config.patch`), so the
/// restart that follows runs without the connector.
extension ChannelMethods {
    static func logout(_ params: ChannelsLogout.Params, parts: GatewayRuntimeParts) throws(GatewayError) -> ChannelsLogout.Result {
        let channel = params.channel.lowercased()
        guard let keys = PlatformChannel.named(channel)?.credentials else {
            throw .invalidRequest(
                "channel: expected one of \(PlatformChannel.all.map(\.id).sorted().joined(separator: ", ")), got \(params.channel) (adapters sign out by disconnecting)")
        }
        let accountId = params.accountId ?? "default"
        guard accountId == "default" else { throw .invalidRequest("accountId: \(channel) has one account, \"default\"; got \(accountId)") }
        let running = parts.channels.bot(channel) != nil
        let snapshot = try? ConfigLoader.readFile(at: parts.loaded.paths.configPath)
        let file = snapshot?.parsed
        let inFile = keys.filter { file?["channels"]?[channel]?[$0].map { $0 != .null } ?? false }
        let effective = keys.filter { key in ConfigKeys.key("channels.\(channel).\(key)").map { $0.current(parts.host.live.current) != .null } ?? false }
        // Set but not in the file: the environment (or a flag) provides it.
        let fromEnvironment = !Set(effective).subtracting(inFile).isEmpty
        if !inFile.isEmpty {
            let patch: JSONValue = ["channels": .object([channel: .object(Dictionary(uniqueKeysWithValues: inFile.map { ($0, JSONValue.null) }))])]
            _ = try ConfigMethods.write(parts, ConfigWriteParams(raw: GatewayJSON.string(patch), baseHash: snapshot?.hash, note: "channels.logout \(channel)"), method: ChannelsLogout.name, forceRestart: false) {
                current throws(GatewayError) in ConfigDocument.mergePatch(current.parsed ?? .object([:]), patch)
            }
        }
        return ChannelsLogout.Result(
            channel: channel, accountId: accountId, cleared: !inFile.isEmpty, loggedOut: running && !inFile.isEmpty && !fromEnvironment,
            envToken: fromEnvironment ? true : nil, removed: inFile.map { "channels.\(channel).\($0)" }
        )
    }
}
