/// Every method this gateway implements, in one list. Adding a method means adding its type
/// here and registering one handler; a test fails if the two drift.
public enum MethodCatalog {
    public static let methods: [any GatewayMethod.Type] = [
        Health.self,
        Status.self,
        SystemPresence.self,
        SystemEvent.self,
        LastHeartbeat.self,
        Wake.self,
        SetHeartbeats.self,
        LogsTail.self,
        ConfigGet.self,
        ConfigSet.self,
        ConfigPatch.self,
        ConfigApply.self,
        ConfigSchema.self,
        ModelsList.self,
        AgentRun.self,
        AgentWait.self,
        AgentIdentityGet.self,
        ChatSend.self,
        ChatAbort.self,
        ChatInject.self,
        ChatHistory.self,
        SessionsList.self,
        SessionsPreview.self,
        SessionsResolve.self,
        SessionsPatch.self,
        SessionsReset.self,
        SessionsDelete.self,
        SessionsCompact.self,
        ChannelsStatus.self,
        Send.self,
        ChannelsPairingList.self,
        ChannelsPairingApprove.self,
        ChannelsLogout.self,
        NodeList.self,
        NodeDescribe.self,
        NodeRename.self,
        NodeInvoke.self,
        NodeInvokeResult.self,
        NodeEventMethod.self,
        NodePairRequest.self,
        NodePairList.self,
        NodePairApprove.self,
        NodePairReject.self,
        NodePairVerify.self,
        DevicePairList.self,
        DevicePairApprove.self,
        DevicePairReject.self,
        DevicePairRemove.self,
        DeviceTokenRotate.self,
        DeviceTokenRevoke.self,
        CronList.self,
        CronStatus.self,
        CronAdd.self,
        CronUpdate.self,
        CronRemove.self,
        CronRun.self,
        CronRuns.self,
        HooksList.self,
        HooksRuns.self,
    ]

    public static var descriptors: [MethodDescriptor] { methods.map { $0.descriptor } }

    public static var names: [String] { methods.map { $0.name } }

    public static func descriptor(named name: String) -> MethodDescriptor? {
        methods.first { $0.name == name }?.descriptor
    }
}
