import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// OpenClaw's older node pairing path, `node.pair.*`: request (same node → same request),
/// list, approve (token once; stored hashed and kept across restarts), reject, verify, with
/// `node.pair.requested`/`resolved` events and v4's admin gate for system commands.
@Suite(.timeLimit(.minutes(2)))
struct NodePairingTests {
    static let pairingOnly: [OperatorScope] = [.read, .write, .pairing]

    @Test("request, list, approve with the token once, verify right and wrong, then a restart: the pairing and its token survive, no token is ever listed")
    func requestApproveVerifySurvivesRestart() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let token = try await TestGateway.with(stateDir: stateDir) { gateway in
            try await gateway.withClient { client in
                let first = try await client.call(NodePairRequest.self, .init(nodeId: "kitchen-pi", displayName: "Kitchen", commands: ["temperature"]))
                #expect(first.created && first.status == "pending" && first.request.nodeId == "kitchen-pi")
                let again = try await client.call(NodePairRequest.self, .init(nodeId: "kitchen-pi"))
                #expect(!again.created && again.request.requestId == first.request.requestId, "the same node finds its request")
                let requested = try await client.event(named: "node.pair.requested").payload ?? .null
                #expect(requested["requestId"]?.stringValue == first.request.requestId && requested["nodeId"] == "kitchen-pi")

                let listed = try await client.call(NodePairList.self)
                #expect(listed.pending.map(\.requestId) == [first.request.requestId] && listed.pending[0].expiresAtMs != nil)

                let approved = try await client.call(NodePairApprove.self, .init(requestId: first.request.requestId))
                let token = try unwrap(approved.node.token, "the approval hands the token out")
                #expect(approved.node.nodeId == "kitchen-pi" && approved.node.commands == ["temperature"])
                let resolved = try await client.event(named: "node.pair.resolved").payload ?? .null
                #expect(resolved["decision"] == "approved" && resolved["nodeId"] == "kitchen-pi")

                let after = try await client.call(NodePairList.self)
                #expect(after.pending.isEmpty && after.paired.map(\.nodeId) == ["kitchen-pi"] && after.paired.allSatisfy { $0.token == nil })
                #expect(try await client.call(NodePairVerify.self, .init(nodeId: "kitchen-pi", token: token)).ok)
                #expect(try await !client.call(NodePairVerify.self, .init(nodeId: "kitchen-pi", token: token + "x")).ok)
                #expect(try await !client.call(NodePairVerify.self, .init(nodeId: "nobody", token: token)).ok)
                let nodes = try await client.call(NodeList.self)
                #expect(nodes.nodes.contains { $0.nodeId == "kitchen-pi" && $0.paired && !$0.connected && $0.displayName == "Kitchen" })
                return token
            }
        }
        let database = try Data(contentsOf: URL(fileURLWithPath: GatewayPaths(stateDir: stateDir).databasePath))
        #expect(database.range(of: Data(token.utf8)) == nil, "the token is stored only as its hash")
        try await TestGateway.with(stateDir: stateDir) { gateway in
            try await gateway.withClient { client in
                let verified = try await client.call(NodePairVerify.self, .init(nodeId: "kitchen-pi", token: token))
                #expect(verified.ok && verified.node?.displayName == "Kitchen" && verified.node?.token == nil)
            }
        }
    }

    @Test("a node declaring system.run needs an admin to approve (the request stays for one); reject drops a request and says so")
    func adminGateAndReject() async throws {
        try await TestGateway.with { gateway in
            try await gateway.withClient(gateway.clientConfiguration(scopes: Self.pairingOnly, identity: DeviceIdentity())) { pairing in
                try await gateway.withClient { admin in
                    let risky = try await pairing.call(NodePairRequest.self, .init(nodeId: "box", commands: ["system.run"]))
                    do {
                        _ = try await pairing.call(NodePairApprove.self, .init(requestId: risky.request.requestId))
                        Issue.record("a pairing-scope operator approved a node that runs commands")
                    } catch let error as GatewayClientError {
                        #expect(error.gatewayError?.message.contains("missing scope: operator.admin") == true, "\(error)")
                    }
                    #expect(try await admin.call(NodePairList.self).pending.map(\.requestId) == [risky.request.requestId])
                    let approved = try await admin.call(NodePairApprove.self, .init(requestId: risky.request.requestId))
                    #expect(approved.node.nodeId == "box")

                    let plain = try await pairing.call(NodePairRequest.self, .init(nodeId: "lamp", commands: ["light.on"]))
                    let rejected = try await pairing.call(NodePairReject.self, .init(requestId: plain.request.requestId))
                    #expect(rejected.nodeId == "lamp")
                    // The admin saw box's approval first; lamp's rejection follows.
                    var resolved = try await admin.event(named: "node.pair.resolved").payload ?? .null
                    if resolved["nodeId"] == "box" { resolved = try await admin.event(named: "node.pair.resolved").payload ?? .null }
                    #expect(resolved["decision"] == "rejected" && resolved["nodeId"] == "lamp", "\(resolved)")
                    do {
                        _ = try await admin.call(NodePairApprove.self, .init(requestId: plain.request.requestId))
                        Issue.record("a rejected request was approved")
                    } catch let error as GatewayClientError {
                        #expect(error.gatewayError?.message.contains("unknown requestId") == true)
                    }
                }
            }
        }
    }

    @Test("node.pair.verify is rate-limited per node like every secret check")
    func verifyIsRateLimited() async throws {
        try await TestGateway.with(config: #"{ gateway: { auth: { rateLimitMaxAttempts: 3 } } }"#) { gateway in
            try await gateway.withClient { client in
                for _ in 0..<3 { #expect(try await !client.call(NodePairVerify.self, .init(nodeId: "guess", token: "wrong")).ok) }
                do {
                    _ = try await client.call(NodePairVerify.self, .init(nodeId: "guess", token: "wrong"))
                    Issue.record("a fourth guess was compared")
                } catch let error as GatewayClientError {
                    #expect(error.gatewayError?.retryAfterMs != nil && error.gatewayError?.message.contains("too many failed") == true, "\(error)")
                }
            }
        }
    }

    @Test("oversized fields are refused naming the field and its limit; nothing is filed")
    func boundedFields() async throws {
        try await TestGateway.with { gateway in
            try await gateway.withClient { client in
                var params = NodePairRequest.Params(nodeId: "n1")
                params.displayName = String(repeating: "x", count: 300)
                do {
                    _ = try await client.call(NodePairRequest.self, params)
                    Issue.record("a 300-character displayName was filed")
                } catch let error as GatewayClientError {
                    #expect(error.gatewayError?.message.contains("displayName: at most 256 characters") == true, "\(error)")
                }
                do {
                    _ = try await client.call(NodePairRequest.self, .init(nodeId: String(repeating: "n", count: 129)))
                    Issue.record("a 129-character nodeId was filed")
                } catch let error as GatewayClientError {
                    #expect(error.gatewayError?.message.contains("nodeId: at most 128 characters") == true, "\(error)")
                }
                #expect(try await client.call(NodePairList.self).pending.isEmpty)
            }
        }
    }
}
