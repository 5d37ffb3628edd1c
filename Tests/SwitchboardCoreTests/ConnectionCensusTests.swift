import SwitchboardProtocol
import Testing

@testable import SwitchboardCore

/// `status` and `channels.status` read these counts instead of walking every socket, so they
/// must follow connects and disconnects exactly.
struct ConnectionCensusTests {
    func connection(_ id: String) -> GatewayConnection {
        GatewayConnection(id: id, remoteAddress: "127.0.0.1", isLoopback: true, connectedAtMs: 0, maxBufferedBytes: 1 << 20)
    }

    func principal(_ role: GatewayRole, mode: String) -> Principal {
        Principal(role: role, scopes: [.read], deviceId: nil, method: .none, client: ClientInfo(id: "t", version: "1", platform: "linux", mode: mode), caps: [])
    }

    @Test func countsFollowHandshakesAndDisconnects() {
        let registry = ConnectionRegistry()
        let (cli, web, node, pending) = (connection("a"), connection("b"), connection("c"), connection("d"))
        for socket in [cli, web, node, pending] { registry.add(socket) }
        registry.authenticated(cli, as: principal(.operator, mode: "cli"))
        registry.authenticated(web, as: principal(.operator, mode: "webchat"))
        registry.authenticated(node, as: principal(.node, mode: "node"))
        // A second report for the same socket is not counted twice.
        registry.authenticated(cli, as: principal(.operator, mode: "cli"))
        #expect(registry.census == ConnectionCensus(authenticated: 3, operators: 2, nodes: 1, webchat: 1))
        registry.remove(web)
        registry.remove(pending)
        #expect(registry.census == ConnectionCensus(authenticated: 2, operators: 1, nodes: 1, webchat: 0))
        // A socket that closed while its connect was being checked is never counted.
        let late = connection("e")
        registry.authenticated(late, as: principal(.operator, mode: "cli"))
        #expect(registry.census.authenticated == 2)
    }
}
