import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// v4's background-wake beacon: `node.event {event: "node.presence.alive", payloadJSON:
/// {trigger, …}}` from a paired node records its last-seen time and reason (unknown triggers as
/// `background`) and answers `handled: true`; `node.list` shows it after the node left.
@Suite(.timeLimit(.minutes(2)))
struct NodePresenceAliveTests {
    static func beacon(_ trigger: String) -> NodeEventMethod.Params {
        .init(event: "node.presence.alive", payloadJSON: #"{"trigger":"\#(trigger)","sentAtMs":1737264000000,"displayName":"phone","pushTransport":"relay"}"#)
    }

    @Test("a paired node's alive beacon is handled and recorded with its trigger; an unknown trigger is recorded as background; node.list shows it once the node left")
    func aliveBeaconRecorded() async throws {
        try await TestGateway.with { gateway in
            let identity = DeviceIdentity()
            let node = GatewayNode(commands: ["noop": { _ in [:] }])
            var base = node.configuration(gateway.clientConfiguration(identity: identity))
            base.client.displayName = "phone"
            let configuration = base
            let before = Int(Date().timeIntervalSince1970 * 1000)
            try await withGatewayClient(configuration) { client in
                try await client.waitUntilConnected()
                let first = try await client.call(NodeEventMethod.self, Self.beacon("silent_push"))
                #expect(first.ok && first.handled == true && first.event == "node.presence.alive", "\(first)")
                let listed = try await gateway.withClient { try await $0.call(NodeList.self) }
                #expect(listed.nodes.first { $0.nodeId == identity.id }?.lastSeenReason == "connect", "a connected node is seen by its connection")
            }
            try await gateway.withClient { operatorClient in
                var nodes = try await operatorClient.call(NodeList.self).nodes
                var phone = try unwrap(nodes.first { $0.nodeId == identity.id })
                #expect(!phone.connected && phone.paired)
                #expect(phone.lastSeenReason == "silent_push" && (phone.lastSeenAtMs ?? 0) >= before, "\(phone)")

                try await withGatewayClient(configuration) { client in
                    try await client.waitUntilConnected()
                    let odd = try await client.call(NodeEventMethod.self, Self.beacon("rocket"))
                    #expect(odd.handled == true)
                }
                nodes = try await operatorClient.call(NodeList.self).nodes
                phone = try unwrap(nodes.first { $0.nodeId == identity.id })
                #expect(phone.lastSeenReason == "background", "an unknown trigger is normalised")
            }
        }
    }
}
