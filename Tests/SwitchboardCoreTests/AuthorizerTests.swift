import SwitchboardProtocol
import Testing

@testable import SwitchboardCore

struct AuthorizerTests {
    func principal(_ scopes: [OperatorScope], role: GatewayRole = .operator) -> Principal {
        Principal(
            role: role, scopes: scopes, deviceId: nil, method: .token,
            client: ClientInfo(id: "t", version: "1", platform: "linux", mode: "test"), caps: []
        )
    }

    @Test func writeImpliesReadAndAdminImpliesEverything() {
        #expect(Authorizer.check(method: "health", access: .scope(.read), principal: principal([.write]), protocolVersion: 4) == nil)
        #expect(Authorizer.check(method: "system-event", access: .scope(.admin), principal: principal([.admin]), protocolVersion: 4) == nil)
        #expect(Authorizer.check(method: "x", access: .scope(.pairing), principal: principal([.admin]), protocolVersion: 4) == nil)
    }

    @Test func v3MissingScopeIsInvalidRequest() {
        let error = Authorizer.check(method: "system-event", access: .scope(.admin), principal: principal([.read]), protocolVersion: 3)
        #expect(error == .invalidRequest("missing scope: operator.admin"))
    }

    @Test func v4MissingScopeIsForbiddenWithDetails() throws {
        let error = try #require(Authorizer.check(method: "status", access: .scope(.read), principal: principal([]), protocolVersion: 4))
        #expect(error.code == .forbidden && error.message == "missing scope: operator.read")
        #expect(error.detailCode == .missingScope)
        #expect(error.details?["missingScope"] == "operator.read" && error.details?["requiredScopes"] == ["operator.read"])
    }

    @Test func reservedPrefixesNeedAdminWhateverTheyDeclare() {
        let error = Authorizer.check(method: "config.get", access: .scope(.read), principal: principal([.write]), protocolVersion: 3)
        #expect(error?.message == "missing scope: operator.admin")
    }

    @Test func rolesAreKeptApart() {
        #expect(Authorizer.check(method: "health", access: .scope(.read), principal: principal([], role: .node), protocolVersion: 4)?.message == "unauthorized role: node")
        #expect(Authorizer.check(method: "node.event", access: .nodeOnly, principal: principal([.admin]), protocolVersion: 4)?.message == "unauthorized role: operator")
        #expect(Authorizer.check(method: "node.event", access: .nodeOnly, principal: principal([], role: .node), protocolVersion: 4) == nil)
    }
}
