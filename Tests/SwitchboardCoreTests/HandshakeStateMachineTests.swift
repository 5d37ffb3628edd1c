import Foundation
import SwitchboardProtocol
import SwitchboardTesting
import Testing

@testable import SwitchboardCore

/// §3's pre-auth rules as a pure value: no sockets, no clock.
struct HandshakeStateMachineTests {
    func receive(_ text: String) -> (HandshakeStateMachine.Action, HandshakeStateMachine) {
        var machine = HandshakeStateMachine()
        let action = machine.receive(Data(text.utf8))
        return (action, machine)
    }

    func connectFrame(_ params: ConnectParams, id: String = "1") -> String {
        GatewayJSON.string(RequestFrame(id: id, method: "connect", params: params))
    }

    @Test func nonJSONFirstFrameIsAHardCloseWithoutReason() {
        guard case .close(let code, let reason) = receive("hello?").0 else { Issue.record("expected close"); return }
        #expect(code == 1000 && reason == nil)
    }

    @Test(arguments: [#"[1,2]"#, #""text""#, #"{"type":"event","event":"x"}"#, #"{"type":"req","method":"connect"}"#])
    func wrongShapeClosesWith1008(frame: String) {
        guard case .close(let code, let reason) = receive(frame).0 else { Issue.record("expected close"); return }
        #expect(code == 1008 && reason == "invalid request frame")
    }

    @Test func firstRequestMustBeConnect() {
        guard case .reject(let id, let error, let code, _) = receive(#"{"type":"req","id":"7","method":"health"}"#).0 else {
            Issue.record("expected reject")
            return
        }
        #expect(id == "7" && code == 1008)
        #expect(error.code == .invalidRequest && error.message == "invalid handshake: first request must be connect")
    }

    @Test func invalidConnectParamsNameTheField() {
        let (action, _) = receive(#"{"type":"req","id":"1","method":"connect","params":{"minProtocol":3,"maxProtocol":"4"}}"#)
        guard case .reject(_, let error, let code, _) = action else { Issue.record("expected reject"); return }
        #expect(code == 1008)
        #expect(error.message == "invalid connect params: params.maxProtocol: expected integer")
        var params = ConnectParams.test()
        params.client.mode = "toaster"
        guard case .reject(_, let modeError, _, _) = receive(connectFrame(params)).0 else { Issue.record("expected reject"); return }
        #expect(modeError.message.hasPrefix("invalid connect params: client.mode: expected one of"))
    }

    @Test func protocolMismatchCloses1002WithDetails() {
        guard case .reject(_, let error, let code, let reason) = receive(connectFrame(.test(min: 5, max: 6))).0 else {
            Issue.record("expected reject")
            return
        }
        #expect(code == 1002 && reason == "protocol mismatch")
        #expect(error.code == .invalidRequest && error.message == "protocol mismatch")
        #expect(error.detailCode == .protocolMismatch)
        #expect(error.details?["expectedProtocol"] == 4 && error.details?["clientMinProtocol"] == 5)
    }

    @Test(arguments: [(3, 3, 3), (3, 4, 4), (4, 4, 4)])
    func validConnectNegotiates(min: Int, max: Int, expected: Int) {
        var (action, machine) = receive(connectFrame(.test(min: min, max: max)))
        guard case .authenticate(let id, _, let version) = action else { Issue.record("expected authenticate"); return }
        #expect(id == "1" && version == expected)
        #expect(machine.state == .authenticating)
        machine.authenticated(protocolVersion: version)
        #expect(machine.state == .connected(protocolVersion: expected))
        guard case .ignore = machine.deadlinePassed() else { Issue.record("deadline must not close a connected socket"); return }
    }

    @Test func deadlineClosesAnUnauthenticatedSocketWithoutReason() {
        var machine = HandshakeStateMachine()
        guard case .close(let code, let reason) = machine.deadlinePassed() else { Issue.record("expected close"); return }
        #expect(code == 1000 && reason == nil)
        guard case .ignore = machine.receive(Data("{}".utf8)) else { Issue.record("closed machine must ignore frames"); return }
    }

    @Test func afterConnectMalformedFramesAreAnsweredWithTheReason() {
        var machine = HandshakeStateMachine()
        _ = machine.receive(Data(connectFrame(.test()).utf8))
        machine.authenticated(protocolVersion: 4)
        guard case .malformed(let reason) = machine.receive(Data("not json".utf8)) else { Issue.record("expected malformed"); return }
        #expect(reason.hasPrefix("invalid request frame: not valid JSON"))
        guard case .malformed(let notObject) = machine.receive(Data("[1,2]".utf8)) else { Issue.record("expected malformed"); return }
        #expect(notObject == "invalid request frame: expected a JSON object")
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        guard case .malformed = machine.receive(Data(deep.utf8)) else { Issue.record("expected malformed"); return }
        // The socket stays usable.
        guard case .dispatch(let header, _) = machine.receive(Data(#"{"type":"req","id":"1","method":"health"}"#.utf8)) else { Issue.record("expected dispatch"); return }
        #expect(header.method == "health")
    }
}
