import Foundation
import SwitchboardProtocol

/// The pre-auth rules of §3 as a pure value: frames in, actions out, no I/O and no clock.
///
/// The connection handler performs the actions; tests drive every rule without sockets.
struct HandshakeStateMachine: Sendable {
    enum State: Sendable, Equatable {
        case awaitingConnect
        case authenticating
        case connected(protocolVersion: Int)
        /// The first frame was an adapter's `register`: the adapter protocol takes over.
        case adapter
        case closed
    }

    enum Action: Sendable {
        /// Close without a response (non-JSON first frame: 1000, no reason; bad shape: 1008).
        case close(code: UInt16, reason: String?)
        /// Answer the request with an error, then close.
        case reject(requestId: String, error: GatewayError, closeCode: UInt16, closeReason: String)
        /// Params are valid and the version negotiated: authenticate.
        case authenticate(requestId: String, params: ConnectParams, protocolVersion: Int)
        /// Connected: hand the frame to the dispatcher.
        case dispatch(FrameHeader)
        /// A platform adapter: hand this frame and the socket to the adapter protocol.
        case adapter
        /// After connect, a frame that is not a JSON object: answer with this reason, keep the socket.
        case malformed(String)
        /// Nothing to do (frames after close).
        case ignore
    }

    private(set) var state: State = .awaitingConnect

    /// Steps the machine with one whole inbound message.
    mutating func receive(_ frame: Data) -> Action {
        switch state {
        case .closed, .authenticating, .adapter:
            return .ignore
        case .connected:
            do {
                return .dispatch(try GatewayJSON.decoder.decode(FrameHeader.self, from: frame))
            } catch {
                return .malformed(Self.describe(error))
            }
        case .awaitingConnect:
            return receiveFirst(frame)
        }
    }

    /// Why a frame could not be read, for the error a client sees.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch:
            return "invalid request frame: expected a JSON object"
        case DecodingError.dataCorrupted(let context):
            let detail = (context.underlyingError as? any CustomStringConvertible)?.description ?? context.debugDescription
            return "invalid request frame: not valid JSON (\(detail))"
        default:
            return "invalid request frame: not valid JSON"
        }
    }

    private mutating func receiveFirst(_ frame: Data) -> Action {
        let header: FrameHeader
        do {
            header = try GatewayJSON.decoder.decode(FrameHeader.self, from: frame)
        } catch DecodingError.typeMismatch {
            // Valid JSON, but not an object.
            state = .closed
            return .close(code: 1008, reason: "invalid request frame")
        } catch {
            // Not JSON at all: a hard close, as OpenClaw's parse failure does.
            state = .closed
            return .close(code: 1000, reason: nil)
        }
        if header.type == "register" {
            state = .adapter
            return .adapter
        }
        guard header.type == "req", let id = header.id, !id.isEmpty, let method = header.method, !method.isEmpty else {
            state = .closed
            return .close(code: 1008, reason: "invalid request frame")
        }
        guard method == "connect" else {
            state = .closed
            return .reject(
                requestId: id, error: .invalidRequest("invalid handshake: first request must be connect"),
                closeCode: 1008, closeReason: "invalid handshake"
            )
        }
        let params: ConnectParams
        do {
            guard let decoded = try GatewayJSON.decoder.decode(ParamsEnvelope<ConnectParams>.self, from: frame).params else {
                state = .closed
                return .reject(requestId: id, error: .invalidRequest("invalid connect params: params: required"), closeCode: 1008, closeReason: "invalid connect params")
            }
            params = decoded
        } catch let error as DecodingError {
            state = .closed
            return .reject(
                requestId: id, error: .invalidRequest("invalid connect params: \(error.fieldDescription(root: ""))"),
                closeCode: 1008, closeReason: "invalid connect params"
            )
        } catch {
            state = .closed
            return .reject(requestId: id, error: .invalidRequest("invalid connect params"), closeCode: 1008, closeReason: "invalid connect params")
        }
        if let problem = params.validationProblem() {
            state = .closed
            return .reject(
                requestId: id, error: .invalidRequest("invalid connect params: \(problem)"), closeCode: 1008, closeReason: "invalid connect params"
            )
        }
        guard let version = ProtocolVersion.negotiate(min: params.minProtocol, max: params.maxProtocol) else {
            state = .closed
            return .reject(
                requestId: id,
                error: .invalidRequest(
                    "protocol mismatch",
                    details: [
                        "code": .string(GatewayDetailCode.protocolMismatch.rawValue),
                        "clientMinProtocol": .int(params.minProtocol),
                        "clientMaxProtocol": .int(params.maxProtocol),
                        "expectedProtocol": .int(ProtocolVersion.current),
                        "minimumProtocol": .int(ProtocolVersion.minimumSupported),
                        "minimumProbeProtocol": .int(ProtocolVersion.minimumProbe),
                    ]
                ),
                closeCode: 1002, closeReason: "protocol mismatch"
            )
        }
        state = .authenticating
        return .authenticate(requestId: id, params: params, protocolVersion: version)
    }

    /// Authentication succeeded.
    mutating func authenticated(protocolVersion: Int) {
        if state == .authenticating { state = .connected(protocolVersion: protocolVersion) }
    }

    /// Authentication failed or the socket is closing.
    mutating func close() {
        state = .closed
    }

    /// The handshake deadline passed: close (1000, no reason) unless connected.
    mutating func deadlinePassed() -> Action {
        switch state {
        case .awaitingConnect, .authenticating:
            state = .closed
            return .close(code: 1000, reason: nil)
        default:
            return .ignore
        }
    }
}

extension FrameHeader {
    /// The header used for a frame that is not JSON after the handshake.
    static var invalid: FrameHeader {
        // swiftlint:disable:next force_try
        try! GatewayJSON.decoder.decode(FrameHeader.self, from: Data("{}".utf8))
    }
}
